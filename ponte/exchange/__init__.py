"""The staff exchange: rounds of job swaps between public bodies and companies."""

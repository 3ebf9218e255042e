"""Reads of challenges, one module per stage of its journey, each filtered to what the viewer
may see. Services, views, the API and the readers above (open data, matchmaking) read
through these."""

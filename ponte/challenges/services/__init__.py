"""Every change to a challenge, one module per stage of its journey: drafting, amendments,
review, phases, following, questions, proposals, evaluation and award.

Each service is one transaction: it checks the permission, locks what it changes, applies the
lifecycle, audits and notifies. Views and the API call these; nothing else sets a status."""

"""The demo world: its people, organisations, challenges, solutions, lab and staff exchange are
written in the data files of ponte/dev/data/ and brought into the database through each
module's services, so that the audit trail and the notifications are those a real world would
have. Each part keeps what is already there: running it again adds nothing."""

from . import challenges, exchange, lab, learning, organisations, people, recognition, sandbox, solutions

# In this order: each part builds on the ones before it.
PARTS = (people, organisations, challenges, solutions, lab, exchange, sandbox, learning, recognition)


def build(stdout=None) -> None:
    for part in PARTS:
        part.build(stdout)

"""The demo world: its people, organisations, challenges, solutions and lab are written in the
data files of ponte/dev/data/ and brought into the database through each module's services,
so that the audit trail and the notifications are those a real world would have. Each part
keeps what is already there: running it again adds nothing."""

from . import challenges, lab, organisations, people, solutions

# In this order: each part builds on the ones before it.
PARTS = (people, organisations, challenges, solutions, lab)


def build(stdout=None) -> None:
    for part in PARTS:
        part.build(stdout)

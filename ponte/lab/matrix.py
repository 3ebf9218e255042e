"""The role matrix's lab problems (docs/roles.md): one builder per state, used by the matrix
and by the tests, and what each lab permission means."""

from django.utils import timezone

from ponte.core.rolematrix import Case, Subject, World
from ponte.organisations import matrix as organisations_matrix

from .models import Problem, ProblemStatus


def make_problem(world: World, status: str = ProblemStatus.SUBMITTED) -> Problem:
    """A problem the public servant brought for the World's public body, in `status`."""
    merged_into = make_problem(world, ProblemStatus.ACCEPTED) if status == ProblemStatus.MERGED else None
    return Problem.objects.create(
        organisation=organisations_matrix.public_body(world),
        submitted_by=world.people["public_servant"],
        title=f"Roles matrix problem {status} {world.token}",
        description="Roles matrix problem",
        affected="Roles matrix people",
        evidence="Roles matrix evidence",
        tried="Nothing yet",
        status=status,
        merged_into=merged_into,
        triage_reason="Roles matrix reason" if status == ProblemStatus.DECLINED else "",
        triaged_at=None if status == ProblemStatus.SUBMITTED else timezone.now(),
    )


SUBJECT = Subject(
    key="problem",
    label="lab problem (brought by the public servant for their public body)",
    states=tuple((status.value, lambda world, status=status: make_problem(world, status)) for status in ProblemStatus),
)

CASES = {
    "lab.add_problem": Case("Bring a problem to the lab for a verified public body one belongs to."),
    "lab.view_problem": Case("See the problem's page: its submitter, its public body and the lab team.", "problem"),
    "lab.triage_problems": Case("Read the lab's triage queue and act on it."),
    "lab.accept_problem": Case("Accept the problem into the lab's portfolio.", "problem"),
    "lab.merge_problem": Case("Merge the problem with another one the lab works on.", "problem"),
    "lab.decline_problem": Case("Decline the problem, with a reason its submitter reads.", "problem"),
    "lab.send_problem_to_marketplace": Case(
        "Send the problem to the challenge marketplace as a draft challenge of its public body.", "problem"
    ),
}

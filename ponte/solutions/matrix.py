"""The role matrix's solutions (docs/roles.md): one builder per state, used by the matrix and
by the tests, and what each solution permission means."""

from django.utils import timezone

from ponte.core.rolematrix import Case, Subject, World
from ponte.organisations import matrix as organisations_matrix

from .models import Solution


def make_solution(world: World, status: str):
    """A solution of the World's company (whose member is the company member), in `status`."""
    now = timezone.now()
    return Solution.objects.create(
        company=organisations_matrix.company(world),
        title=f"Roles matrix solution {status} {world.token}",
        summary="Roles matrix summary",
        description="Roles matrix description",
        trl=5,
        status=status,
        submitted_at=None if status == "draft" else now,
        published_at=now if status == "published" else None,
    )


SUBJECT = Subject(
    key="solution",
    label="solution (of the company member's company)",
    states=(
        ("draft", lambda world: make_solution(world, "draft")),
        ("submitted", lambda world: make_solution(world, "submitted")),
        ("published", lambda world: make_solution(world, "published")),
        ("returned", lambda world: make_solution(world, "returned")),
    ),
)

CASES = {
    "solutions.add_solution": Case("Describe a solution on behalf of a verified company one belongs to."),
    "solutions.view_solution": Case("See the solution's page.", "solution"),
    "solutions.change_solution": Case(
        "Edit the solution (once published, a change sends it back to screening, hidden meanwhile).", "solution"
    ),
    "solutions.submit_solution": Case("Send the solution for screening.", "solution"),
    "solutions.publish_solution": Case("Publish the screened solution in the catalogue.", "solution"),
    "solutions.return_solution": Case("Return the solution to its company for changes (with a reason).", "solution"),
}

"""The demo catalogue (data/solutions.yaml): solutions companies offer, with their pictures
and documents, screened and published or waiting to be screened."""

from ponte.accounts.models import User
from ponte.organisations.models import Organisation
from ponte.reference.models import CpvCode, SectorTag
from ponte.solutions import services
from ponte.solutions.models import Solution

from .data import load
from .media import bar_chart_png, one_page_pdf, upload


def _content(medium: dict) -> bytes:
    """A picture or a document, drawn from what the data file says it shows."""
    if "chart" in medium:
        return bar_chart_png(medium["chart"])
    return one_page_pdf(medium["brochure"])


def build(stdout=None) -> None:
    data = load("solutions")
    people = {u.email: u for u in User.objects.filter(email__endswith="@example.org")}
    screener = people[data["screened_by"]]
    added = 0
    for spec in data["solutions"]:
        company = Organisation.objects.filter(slug=spec["company"]).first()
        if company is None or Solution.objects.filter(company=company, title=spec["title"]).exists():
            continue
        member = people[spec["by"]]
        solution = services.solution_create(
            actor=member,
            company=company,
            title=spec["title"],
            summary=spec["summary"],
            description=spec["description"],
            trl=spec["trl"],
            references=spec["references"],
            sectors=list(SectorTag.objects.filter(code__in=spec["sectors"])),
            cpv_codes=list(CpvCode.objects.filter(code__in=spec["cpv"])),
        )
        # Pictures and documents are added while the solution is a draft, before screening.
        for medium in spec.get("media", []):
            services.media_add(
                actor=member,
                solution=solution,
                uploaded=upload(medium["name"], _content(medium)),
                description=medium["description"],
            )
        services.solution_submit(actor=member, solution=solution)
        if spec["stage"] == "published":
            services.solution_publish(actor=screener, solution=solution)
        added += 1
    if stdout is not None and added:
        stdout.write(f"Solutions: {added} added.")

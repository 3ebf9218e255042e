"""The demo's awards (data/recognition.yaml): programmes set up by the programme manager, with
their categories and jury; nominations made by the people themselves; declarations and scores
given by each jury member; last year's winners chosen and announced; and kudos on projects and
teams — each through the recognition services. A programme's nominations are taken while its
window is open, then its dates are moved back to where the story has them."""

from datetime import timedelta

from django.utils import timezone

from ponte.accounts.models import User
from ponte.core.registry import registry
from ponte.organisations.models import Organisation
from ponte.recognition.models import LINKED_MODELS, AwardProgramme, Nomination
from ponte.recognition.services import jury, kudos, nominations, programmes

from .data import load


def build(stdout=None) -> None:
    data = load("recognition")
    people = {user.email: user for user in User.objects.filter(email__endswith="@example.org")}
    added = 0
    for spec in data["programmes"]:
        # A programme already there is left as it is, with its nominations.
        if AwardProgramme.objects.filter(title=spec["title"]).exists():
            continue
        _programme(spec, people)
        added += 1
    thanked = _kudos(data["kudos"], people) if added else 0
    if stdout is not None and added:
        stdout.write(f"Recognition: {added} award programmes and {thanked} kudos added.")


def _linked_id(kind: str, title: str, viewer: User) -> int | None:
    """The id of the project or exemption called `title`, as its own module names it."""
    linked = registry.linked_models.get(LINKED_MODELS[kind])
    if linked is None or linked.named is None:
        return None
    return next((pk for pk, found in linked.named(viewer, title) if found.endswith(title)), None)


def _programme(spec: dict, people: dict) -> None:
    manager = people[spec["set_up_by"]]
    now = timezone.now()
    programme = programmes.programme_add(
        actor=manager,
        title=spec["title"],
        description=" ".join(spec["description"].split()),
        year=spec["year"],
        # Opened a moment ago and closing later, so the categories can be set and nominations
        # taken now; the dates are moved back below.
        nominations_open_at=now + timedelta(seconds=1),
        nominations_close_at=now + timedelta(days=spec["days"] if spec["phase"] == "nominating" else 1),
    )
    for category in spec["categories"]:
        programmes.category_add(
            actor=manager,
            programme=programme,
            title=category["title"],
            description=category["description"],
            for_lessons=category.get("for_lessons", False),
        )
    for email in spec["jury"]:
        programmes.jury_add(actor=manager, programme=programme, person=people[email])
    # Nominations open: a second later, as the service would see it.
    AwardProgramme.objects.filter(pk=programme.pk).update(nominations_open_at=now - timedelta(days=30))
    categories = {category.title: category for category in programme.categories.all()}
    made = []
    for nomination in spec["nominations"]:
        by = people[nomination["by"]]
        kind = nomination["kind"]
        made.append(
            (
                nomination,
                nominations.nominate(
                    actor=by,
                    category=categories[nomination["category"]],
                    kind=kind,
                    nominee=nomination["nominee"],
                    organisation=nomination.get("organisation", ""),
                    linked_id=_linked_id(kind, nomination["nominee"], by) if kind in LINKED_MODELS else None,
                    statement=" ".join(nomination["statement"].split()),
                ),
            )
        )
    if spec["phase"] == "nominating":
        return
    AwardProgramme.objects.filter(pk=programme.pk).update(
        nominations_open_at=now - timedelta(days=spec["days"] + 30),
        nominations_close_at=now - timedelta(days=spec["days"]),
    )
    # Read again: the programme's dates have moved.
    made = [(spec, Nomination.objects.get(pk=nomination.pk)) for spec, nomination in made]
    for nomination_spec, nomination in made:
        for email, given in (nomination_spec.get("reviews") or {}).items():
            juror = people[email]
            if isinstance(given, dict):
                jury.declare(actor=juror, nomination=nomination, has_conflict=True, note=given["conflict"])
                continue
            jury.declare(actor=juror, nomination=nomination, has_conflict=False)
            if given is not None:
                jury.score(actor=juror, nomination=nomination, score=given, comment="Scored against the category.")
    if spec["phase"] != "announced":
        return
    for nomination_spec, nomination in made:
        if "winner" in nomination_spec:
            programmes.winner_choose(
                actor=manager, nomination=nomination, citation=" ".join(nomination_spec["winner"].split())
            )
    programmes.announce(actor=manager, programme=programme)
    announced = now - timedelta(days=spec["days"] - 60)
    AwardProgramme.objects.filter(pk=programme.pk).update(announced_at=announced)
    Nomination.objects.filter(category__programme=programme, won_at__isnull=False).update(won_at=announced)


def _kudos(specs: list[dict], people: dict) -> int:
    for spec in specs:
        if "team" in spec:
            target = ("organisations.organisation", Organisation.objects.get(slug=spec["team"]).pk)
        else:
            target = ("lab.project", _linked_id("project", spec["project"], people[spec["by"]]))
        kudos.give(actor=people[spec["by"]], target_model=target[0], target_id=target[1], message=spec["message"])
    return len(specs)

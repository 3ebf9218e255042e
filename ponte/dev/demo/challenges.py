"""The challenges of the demo world (data/challenges.yaml), drawn from the real programmes:
problems that AMA and LabX in Portugal, Nido's Government Buys Innovation in Belgium and
Slovenia's ministry have brought to companies. Each stands at one stage of the lifecycle —
from a draft to an award with its signed pilot contract — and one is a pre-commercial
procurement in phases, whose second phase only the first one's suppliers may answer.

States are reached through the services, so the audit trail and the notifications are real;
only what must lie in the past (deadlines, proposals sent before them, the dates of
decisions) is set directly. The loader runs in three passes, as a real world unfolds: every
challenge is drafted and brought to its stage; then each receives its questions and
proposals, is evaluated and decided; then the later phases of a series are prepared."""

from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from ponte.accounts.models import User
from ponte.challenges.models import Award, Challenge, Evaluation, Proposal, Question, Status, Subscription
from ponte.challenges.queries import phases as phases_queries
from ponte.challenges.services import award as award_services
from ponte.challenges.services import drafting as drafting_services
from ponte.challenges.services import evaluation as evaluation_services
from ponte.challenges.services import following as following_services
from ponte.challenges.services import phases as phases_services
from ponte.challenges.services import proposals as proposals_services
from ponte.challenges.services import questions as questions_services
from ponte.challenges.services import review as review_services
from ponte.challenges.services import sponsorship as sponsorship_services
from ponte.core import attachments
from ponte.organisations.models import Organisation
from ponte.reference.models import CpvCode, SectorTag

from .data import load
from .media import text_pdf

# The steps that bring a new draft to each demo stage.
STEPS = {
    "draft": [],
    "awaiting_organisation": ["submit"],
    "awaiting_review": ["submit", "approve_for_organisation"],
    "changes_requested": ["submit", "approve_for_organisation", "return_to_author"],
    "approved": ["submit", "approve_for_organisation", "approve"],
    "open": ["submit", "approve_for_organisation", "approve", "publish"],
    "closed": ["submit", "approve_for_organisation", "approve", "publish"],
    "cancelled": ["submit", "approve_for_organisation", "approve", "publish", "cancel"],
}
# Past their deadline: evaluated and, for some, decided.
EVALUATED_STAGES = ("evaluation", "awaiting_decision", "awarded", "not_awarded")
STEPS.update(dict.fromkeys(EVALUATED_STAGES, STEPS["closed"]))
PAST_DEADLINE = ("closed", *EVALUATED_STAGES)


def data() -> dict:
    return load("challenges")


def build(stdout=None) -> None:
    content = data()
    now = timezone.now()
    people = {u.email: u for u in User.objects.filter(email__endswith="@example.org")}
    organisations = {o.slug: o for o in Organisation.objects.filter(slug__in=_slugs(content))}

    for spec in content["subscriptions"]:
        subscription, created = Subscription.objects.get_or_create(
            user=people[spec["user"]],
            defaults={"cpv_prefixes": spec["cpv_prefixes"], "keywords": spec["keywords"]},
        )
        if created:
            subscription.sectors.set(_sectors(spec["sectors"]))

    added = 0
    for spec in content["challenges"]:
        if _first_phase(spec, organisations) is not None:
            continue
        _build_one(spec, people, organisations, now)
        added += 1
    if stdout is not None and added:
        stdout.write(f"Challenges: {added} added.")

    evaluated = 0
    for spec in content["challenges"]:
        challenge = _first_phase(spec, organisations)
        if challenge is None:
            continue
        _ask_and_answer(challenge, spec, people, organisations)
        evaluated += _receive_proposals(challenge, spec, people, organisations)
    if stdout is not None and evaluated:
        stdout.write(f"Evaluations: {evaluated} challenges evaluated.")

    phases = sum(_build_next_phases(spec, people, organisations) for spec in content["challenges"])
    if stdout is not None and phases:
        stdout.write(f"Phases: {phases} added.")


def _slugs(content) -> set[str]:
    slugs = set()
    for spec in content["challenges"]:
        slugs.add(spec["owner"])
        for part in (*spec.get("next_phases", []), spec):
            slugs.update(interest["company"] for interest in part.get("interests", []))
        slugs.update(question["company"] for question in spec.get("questions", []))
        slugs.update(proposal["company"] for proposal in spec.get("proposals", []))
    return slugs


def _first_phase(spec, organisations) -> Challenge | None:
    """The challenge a spec made: its later phases share its title, not its place."""
    return Challenge.objects.filter(
        owner=organisations[spec["owner"]], title=spec["title"], previous_phase__isnull=True
    ).first()


def _noon(moment):
    """Calls close at noon, local time, as real ones do."""
    return timezone.localtime(moment).replace(hour=12, minute=0, second=0, microsecond=0)


def _sectors(codes):
    return [SectorTag.objects.get_or_create(code=code)[0] for code in codes]


def _criteria(specs) -> list[dict]:
    """Criteria as the services take them: without the comments evaluators write on them."""
    return [{key: value for key, value in spec.items() if key != "comments"} for spec in specs]


def _advance(challenge, step, spec, people) -> None:
    admin = people[spec["admin"]]
    manager = people["manager@example.org"]
    author = people[spec["author"]]
    if step == "submit":
        review_services.challenge_submit(actor=author, challenge=challenge)
    elif step == "approve_for_organisation":
        review_services.challenge_approve_for_organisation(actor=admin, challenge=challenge)
    elif step == "return_to_author":
        review_services.challenge_return_to_author(actor=manager, challenge=challenge, reason=spec["return_reason"])
    elif step == "approve":
        review_services.challenge_approve(actor=manager, challenge=challenge, reason=data()["approval_reason"])
    elif step == "publish":
        review_services.challenge_publish(actor=manager, challenge=challenge)
    elif step == "cancel":
        review_services.challenge_cancel(actor=admin, challenge=challenge, reason=spec["cancellation_reason"])


def _build_one(spec, people, organisations, now) -> Challenge:
    author = people[spec["author"]]
    challenge = drafting_services.challenge_create(
        actor=author,
        owner=organisations[spec["owner"]],
        title=spec["title"],
        summary=spec["summary"],
        context=spec.get("context", ""),
        problem=spec["problem"],
        affected=spec["affected"],
        desired_outcomes=spec["desired_outcomes"],
        constraints=spec.get("constraints", ""),
        out_of_scope=spec.get("out_of_scope", ""),
        instrument=spec.get("instrument", "low_value"),
        budget_ceiling=Decimal(spec["budget_ceiling"]),
        deadline=_noon(now + timedelta(weeks=spec["deadline_in_weeks"])),
        languages=spec["languages"],
        phase_name=spec.get("phase_name", ""),
    )
    drafting_services.challenge_update(
        actor=author,
        challenge=challenge,
        sectors=_sectors(spec["sectors"]),
        cpv_codes=list(CpvCode.objects.filter(code__in=spec["cpv"])),
        criteria=_criteria(data()["standard_criteria"]),
    )
    for document in spec.get("documents", []):
        # Attached while a draft, as a public body does; _build_one runs once per challenge.
        attachments.attach(
            ContentFile(text_pdf(document["text"]), name=document["name"]), target=challenge, actor=author
        )
    for step in STEPS[spec["stage"]]:
        _advance(challenge, step, spec, people)
        challenge.refresh_from_db()
    for interest in spec.get("interests", []):
        following_services.interest_express(
            actor=people[interest["by"]], challenge=challenge, company=organisations[interest["company"]]
        )
    if "sponsorship" in spec:
        _sponsor(challenge, spec["sponsorship"], author, people)
    if spec["stage"] in PAST_DEADLINE:
        # The services refuse deadlines in the past: a closed call's dates are set directly.
        days = spec["deadline_days_ago"]
        Challenge.objects.filter(pk=challenge.pk).update(
            deadline=_noon(now - timedelta(days=days)),
            published_at=now - timedelta(days=days + 45),
            approved_at=now - timedelta(days=days + 47),
        )
    return challenge


def _sponsor(challenge, spec, author, people) -> None:
    """The drafter asks a sponsor to back the challenge; the sponsor answers, or not yet."""
    sponsor = people[spec["sponsor"]]
    challenge = sponsorship_services.challenge_ask_sponsor(actor=author, challenge=challenge, sponsor=sponsor)
    if "answer" in spec:
        sponsorship_services.challenge_sponsorship_answer(
            actor=sponsor, challenge=challenge, accept=spec["answer"] == "accepted", note=spec.get("note", "")
        )


# Questions and proposals ---------------------------------------------------------------


def _ask_and_answer(challenge, spec, people, companies) -> None:
    """Questions answered in public, and one waiting, while the call is open."""
    if not spec.get("questions") or not challenge.is_open or Question.objects.filter(challenge=challenge).exists():
        return
    for question in spec["questions"]:
        asked = questions_services.question_ask(
            actor=people[question["by"]],
            challenge=challenge,
            company=companies[question["company"]],
            text=question["text"],
        )
        if "answer" in question:
            questions_services.question_answer(
                actor=people[question["answer"]["by"]], question=asked, answer=question["answer"]["text"]
            )


def _receive_proposals(challenge, spec, people, companies) -> int:
    """The proposals a call received: an open call's through the service, sealed until its
    deadline; a closed call's as they stood when it closed, then evaluated and decided when
    the spec says so. Returns 1 if the challenge was evaluated now, else 0. A challenge that
    already has its proposals is left as it is."""
    if not spec.get("proposals") or Proposal.objects.filter(challenge=challenge).exists():
        return 0
    defaults = data()["proposal_defaults"]
    criteria = list(challenge.criteria.order_by("position"))
    if challenge.is_open:
        for bid in spec["proposals"]:
            bid = {**defaults, **bid}
            proposals_services.proposal_submit(
                actor=people[bid["by"]],
                challenge=challenge,
                company=companies[bid["company"]],
                approach=bid["approach"],
                criteria_responses={c.pk: bid["criteria_response"] for c in criteria},
                team=bid["team"],
                price=Decimal(bid["price"]),
                timeline=bid["timeline"],
            )
        return 0
    if not challenge.is_closed:
        return 0
    received = []
    for bid in spec["proposals"]:
        bid = {**defaults, **bid}
        # The call closed in the past: its proposals were submitted before the deadline.
        received.append(
            Proposal.objects.create(
                challenge=challenge,
                company=companies[bid["company"]],
                submitted_by=people[bid["by"]],
                approach=bid["approach"],
                criteria_responses=[
                    {"criterion_id": c.pk, "criterion": c.name, "response": bid["criteria_response"]} for c in criteria
                ],
                team=bid["team"],
                price=Decimal(bid["price"]),
                timeline=bid["timeline"],
                submitted_at=challenge.deadline - timedelta(days=bid["days_before_deadline"]),
            )
        )
    if not any("evaluations" in bid for bid in spec["proposals"]):
        return 0  # waiting for the programme manager to assign evaluators
    _evaluate(challenge, spec, received, criteria, people)
    _decide(challenge, spec, people)
    return 1


# Evaluation and outcome ----------------------------------------------------------------


def _comment(position: int, score: int, evaluator: str) -> str:
    """What an evaluator writes on a criterion (data: the standard criteria's comments), by
    the level of the score: one wording per evaluator, so that two evaluators of one proposal
    do not say the same."""
    content = data()
    level = "high" if score >= 4 else "mid" if score == 3 else "low"
    return content["standard_criteria"][position]["comments"][level][content["evaluators"].index(evaluator)]


def _evaluate(challenge: Challenge, spec, received, criteria, people) -> None:
    """The two demo evaluators, assigned by the programme manager, each in the state the
    spec gives: assigned only, recused, a draft of some scores, or done."""
    evaluation_services.evaluators_assign(
        actor=people["manager@example.org"],
        challenge=challenge,
        proposals=received,
        evaluators=[people[email] for email in data()["evaluators"]],
    )
    for proposal, bid in zip(received, spec["proposals"], strict=True):
        for email, state in bid["evaluations"].items():
            evaluator = people[email]
            one = proposal.evaluations.get(evaluator=evaluator)
            if state["status"] == "assigned":
                continue
            if state["status"] == "recused":
                evaluation_services.conflict_declare(
                    actor=evaluator, evaluation=one, has_conflict=True, note=state["note"]
                )
                continue
            evaluation_services.conflict_declare(actor=evaluator, evaluation=one, has_conflict=False)
            if state["status"] == "cleared":  # a draft: some scores and comments, not all
                scores = {
                    criteria[position].pk: (draft["score"], draft["comment"])
                    for position, draft in enumerate(state["draft"])
                }
            else:
                scores = {
                    c.pk: (score, _comment(position, score, email))
                    for position, (c, score) in enumerate(zip(criteria, state["scores"], strict=True))
                }
            evaluation_services.evaluation_save(
                actor=evaluator, evaluation=one, scores=scores, complete=state["status"] == "completed"
            )


def _decide(challenge: Challenge, spec, people) -> None:
    """The outcome, through the services; then its dates are moved to when it was decided."""
    decision = spec.get("outcome")
    if decision is None:
        return
    author = people[spec["author"]]
    now = timezone.now()
    when = now - timedelta(days=decision["days_ago"])
    if "award" in decision:
        chosen = Proposal.objects.filter(challenge=challenge, company__slug__in=decision["award"])
        awards = award_services.challenge_award(
            actor=author, challenge=challenge, proposals=list(chosen), justification=decision["justification"]
        )
        Challenge.objects.filter(pk=challenge.pk).update(awarded_at=when)
        Award.objects.filter(pk__in=[a.pk for a in awards]).update(awarded_at=when)
    else:
        award_services.challenge_close_without_award(
            actor=author, challenge=challenge, reason=decision["close_without_award"]
        )
        Challenge.objects.filter(pk=challenge.pk).update(closed_at=when)
    # The evaluators finished in the days between the deadline and the decision.
    Evaluation.objects.filter(proposal__challenge=challenge, status="completed").update(
        assigned_at=challenge.deadline + timedelta(days=1),
        declared_at=challenge.deadline + timedelta(days=2),
        completed_at=when - timedelta(days=3),
    )
    contract = decision.get("contract")
    if contract is not None:
        today = timezone.localdate()
        start = today - timedelta(days=contract["starts_days_ago"])
        award_services.contract_record(
            actor=author,
            award=Award.objects.get(challenge=challenge),
            title=contract["title"],
            value=str(contract["value"]),
            date_signed=today - timedelta(days=contract["signed_days_ago"]),
            period_start=start,
            period_end=start + timedelta(weeks=contract["duration_weeks"]),
        )


# Phases --------------------------------------------------------------------------------


def _build_next_phases(spec, people, organisations) -> int:
    """Each later phase of a series (a spec's next_phases), prepared by its drafter through the
    services once the phase before is awarded: the problem, sectors, codes and criteria are
    copied, then the phase gets its own budget, deadline, criteria and context, and is
    reviewed and published. Only the suppliers awarded in the phase before may answer it.
    Returns how many were added."""
    added = 0
    for later in spec.get("next_phases", []):
        candidates = Challenge.objects.filter(owner=organisations[spec["owner"]], title=spec["title"]).order_by("pk")
        series = phases_queries.phases_of(candidates[0]) if candidates else []
        previous = series[-1] if series else None
        if previous is None or previous.status != Status.AWARDED:
            continue
        if any(phase.phase_name == later["phase_name"] for phase in series):
            continue  # prepared on an earlier run, and awarded since
        author = people[spec["author"]]
        phase = phases_services.phase_create_next(actor=author, challenge=previous, phase_name=later["phase_name"])
        drafting_services.challenge_update(
            actor=author,
            challenge=phase,
            context=later["context"],
            budget_ceiling=Decimal(later["budget_ceiling"]),
            deadline=_noon(timezone.now() + timedelta(weeks=later["deadline_in_weeks"])),
            criteria=later["criteria"],
        )
        for step in STEPS["open"]:
            _advance(phase, step, spec, people)
            phase.refresh_from_db()
        for interest in later.get("interests", []):
            following_services.interest_express(
                actor=people[interest["by"]], challenge=phase, company=organisations[interest["company"]]
            )
        added += 1
    return added

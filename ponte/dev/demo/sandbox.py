"""The demo sandbox (data/sandbox.yaml): calls opened by the programme manager, and
applications written, sent or withdrawn by the people of the applying body — each through the
sandbox's services. A call already closed is opened with its dates in the future, takes its
applications, then has its dates moved back."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from ponte.accounts.models import User
from ponte.core.registry import registry
from ponte.organisations.models import Organisation
from ponte.sandbox.models import Application, Call, Exemption
from ponte.sandbox.services import applications as application_services
from ponte.sandbox.services import calls as services
from ponte.sandbox.services import decisions, dialogue
from ponte.sandbox.services import exemptions as services_exemptions
from ponte.sandbox.services import sponsorship as sponsorship_services

from .data import load

OPENS_AT, CLOSES_AT = timedelta(hours=9), timedelta(hours=17)


def start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def build(stdout=None) -> None:
    data = load("sandbox")
    manager = User.objects.get(email=data["opened_by"])
    people = {u.email: u for u in User.objects.filter(email__endswith="@example.org")}
    added = applied = 0
    for spec in data["calls"]:
        # A call already there is left as it is, with its applications.
        if Call.objects.filter(title=spec["title"]).exists():
            continue
        call, shift = _call(spec, manager)
        added += 1
        for application in data.get("applications", []):
            if application["call"] == spec["title"]:
                applied += _application(application, call, people)
        if shift:
            Call.objects.filter(pk=call.pk).update(**_dates(spec["days"]))
    if stdout is not None and (added or applied):
        stdout.write(f"Sandbox: {added} calls and {applied} applications added.")


def _dates(days: dict, shift: int = 0) -> dict:
    today = timezone.localdate()
    closes = days.get("closes")
    return {
        "opens_at": start_of(today + timedelta(days=days["opens"] + shift)) + OPENS_AT,
        "closes_at": None if closes is None else start_of(today + timedelta(days=closes + shift)) + CLOSES_AT,
    }


def _call(spec: dict, manager: User) -> tuple[Call, int]:
    """The call, opened; and by how many days its dates are moved into the future for now."""
    days = spec["days"]
    closes = days.get("closes")
    # A closed call is opened open (its deadline tomorrow), and moved back once it has its applications.
    shift = 0 if closes is None else max(0, 1 - closes)
    call = services.call_open(
        actor=manager,
        title=spec["title"],
        description=" ".join(spec["description"].split()),
        themes=spec.get("themes", []),
        **_dates(days, shift),
    )
    return call, shift


TEXTS = ("barrier", "alternative", "objective", "baseline", "measurement", "territory", "affected", "safeguards")


def _application(spec: dict, call: Call, people: dict) -> bool:
    coordinator = Organisation.objects.filter(slug=spec["organisation"]).first()
    person = people.get(spec["by"])
    if coordinator is None or person is None:
        return False
    application = application_services.application_start(
        actor=person, call=call, coordinator=coordinator, title=spec["title"]
    )
    today = timezone.localdate()
    values = {name: " ".join(spec[name].split()) for name in TEXTS if name in spec}
    if "evaluation_plan" in spec:
        values["evaluation_plan"] = " ".join(spec["evaluation_plan"].split())
    for name in ("theme", "population"):
        if name in spec:
            values[name] = spec[name]
    if "ministry" in spec:
        values["ministry"] = Organisation.objects.get(slug=spec["ministry"])
    for name in ("starts", "ends"):
        if f"{name}_in_days" in spec:
            values[name] = today + timedelta(days=spec[f"{name}_in_days"])
    if spec.get("attested"):
        values.update(attests_lawful=True, attests_no_advantage=True, attests_legal_certainty=True)
    if "lab_project" in spec:
        values["lab_project"] = _lab_project(person, spec["lab_project"])
    partners = list(Organisation.objects.filter(slug__in=spec.get("partners", [])))
    application_services.application_update(
        actor=person, application=application, seen_version=application.version, partners=partners, **values
    )
    for rule in spec.get("rules", []):
        application_services.rule_add(actor=person, application=application, **rule)
    state = spec["state"]
    if state == "draft":
        return True
    application_services.application_submit(actor=person, application=_fresh(application))
    _dialogue(spec.get("dialogue", []), application, people)
    if state == "withdrawn":
        application_services.application_withdraw(
            actor=person, application=_fresh(application), reason=_text(spec["reason"])
        )
    elif state == "changes_asked":
        changes = spec["changes"]
        dialogue.changes_ask(actor=people[changes["by"]], application=_fresh(application), body=_text(changes["body"]))
    elif state in ("final", "approved"):
        invitation = spec["invitation"]
        dialogue.final_invite(
            actor=people[invitation["by"]], application=_fresh(application), body=_text(invitation["body"])
        )
        application = _fresh(application)
        application_services.application_update(
            actor=person,
            application=application,
            seen_version=application.version,
            legal_statement=_text(spec["legal_statement"]),
        )
        application_services.application_submit(actor=person, application=_fresh(application))
    if state in ("approved", "rejected"):
        _decide(spec["decision"], _fresh(application), people)
    return True


def _lab_project(person: User, title: str) -> int | None:
    """The lab project of that title the person may see, found as the application form finds it."""
    lab = registry.linked_models.get("lab.project")
    if lab is None or lab.named is None:
        return None
    return next((pk for pk, found in lab.named(person, title) if found == title), None)


def _text(text: str) -> str:
    return " ".join(text.split())


def _fresh(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


def _dialogue(messages: list[dict], application: Application, people: dict) -> None:
    previous = None
    for spec in messages:
        previous = dialogue.message_write(
            actor=people[spec["by"]],
            application=_fresh(application),
            body=_text(spec["body"]),
            reply_to=previous if spec.get("reply") else None,
        )


def _decide(spec: dict, application: Application, people: dict) -> None:
    official = people[spec["by"]]
    if "reason" in spec:
        decisions.application_reject(actor=official, application=application, reason=_text(spec["reason"]))
        return
    exemption = decisions.application_approve(
        actor=official,
        application=application,
        conditions=_text(spec["conditions"]),
        legal_basis=spec["legal_basis"],
        starts=application.starts,
        ends=application.ends,
        sponsor=User.objects.get(email=spec["sponsor"]),
    )
    if spec.get("sponsorship", "accepted") == "accepted":
        # The sponsor accepted when the decision named them; `sponsorship: asked` waits for them.
        exemption = sponsorship_services.exemption_sponsorship_answer(
            actor=exemption.sponsor, exemption=exemption, accept=True
        )
    if "active_for_days" in spec:
        # Decided earlier: the exemption started so many days ago, and lasts as long as asked.
        back = timedelta(days=spec["active_for_days"] + (application.starts - timezone.localdate()).days)
        exemption.starts, exemption.ends = exemption.starts - back, exemption.ends - back
        exemption.next_report_due = exemption.first_due_after(None)
        exemption.save(update_fields=["starts", "ends", "next_report_due"])
        Application.objects.filter(pk=application.pk).update(
            starts=application.starts - back, ends=application.ends - back, decided_at=timezone.now() - back
        )
    _run(spec, Exemption.objects.get(pk=exemption.pk), official, people)


def _run(spec: dict, exemption: Exemption, official: User, people: dict) -> None:
    """What happened to the exemption since: reports sent, a revocation, the evaluation, the outcome."""
    applicant = people[spec["reports_by"]] if "reports_by" in spec else None
    for report in spec.get("reports", []):
        services_exemptions.report_send(
            actor=applicant,
            exemption=_fresh_exemption(exemption),
            progress=_text(report["progress"]),
            measure=report["measure"],
        )
    if "revoked" in spec:
        services_exemptions.exemption_revoke(
            actor=official, exemption=_fresh_exemption(exemption), reason=_text(spec["revoked"])
        )
    if "evaluation" in spec:
        evaluation = spec["evaluation"]
        services_exemptions.evaluation_write(
            actor=applicant,
            exemption=_fresh_exemption(exemption),
            evaluation=_text(evaluation["evaluation"]),
            result=_text(evaluation["result"]),
            lessons=_text(evaluation["lessons"]),
        )
    if "outcome" in spec:
        outcome = spec["outcome"]
        extended = outcome.get("extended_in_days")
        services_exemptions.outcome_record(
            actor=official,
            exemption=_fresh_exemption(exemption),
            outcome=outcome["outcome"],
            note=_text(outcome["note"]),
            extended_until=timezone.localdate() + timedelta(days=extended) if extended else None,
        )


def _fresh_exemption(exemption: Exemption) -> Exemption:
    return Exemption.objects.get(pk=exemption.pk)

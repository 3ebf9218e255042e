"""The role matrix's calls and applications (docs/roles.md), and its ministry official: one
builder per phase or state, used by the matrix and by the tests, and what each sandbox
permission means."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.text import slugify

from ponte.accounts.matrix import person
from ponte.core.rolematrix import Case, Role, Subject, World
from ponte.organisations import matrix as organisations_matrix
from ponte.organisations.models import Kind, Membership, Organisation, Status, Tier

from .models import Application, ApplicationStatus, Call, CallPhase, Exemption, Message, Rule, Side

# Each phase's dates, in days from now: opens, closes (None: standing).
PHASE_DAYS = {
    "upcoming": (10, 40),
    "open": (-10, 20),
    "open, standing": (-10, None),
    "closed": (-40, -10),
}


def make_call(world: World | None, phase: str = "open", *, opened_by=None, **changes) -> Call:
    """A call in `phase` (PHASE_DAYS) by the server clock, opened by the World's programme manager
    (or `opened_by`). Made directly: the services refuse dates in the past."""
    now = timezone.now()
    opens, closes = PHASE_DAYS[phase]
    values = {
        "title": f"Roles matrix call {phase} {world.token if world else ''}".strip(),
        "description": "Roles matrix call",
        "opens_at": now + timedelta(days=opens),
        "closes_at": None if closes is None else now + timedelta(days=closes),
        "opened_by": opened_by or world.people["programme_manager"],
        **changes,
    }
    made = Call.objects.create(**values)
    assert made.phase_at(now) == CallPhase(phase.partition(",")[0]), (made.phase_at(now), phase)
    return made


def ministry(world: World) -> Organisation:
    """The verified ministry whose member is the ministry official."""

    def make():
        name = f"Roles matrix ministry {world.token}"
        return Organisation.objects.create(
            kind=Kind.PUBLIC_BODY,
            name=name,
            slug=slugify(name),
            country="BE",
            tier=Tier.MINISTRY,
            level_of_government="national",
            status=Status.VERIFIED,
        )

    return world.shared("ministry", make)


def _ministry_official(world: World):
    official = person("ministry_official", "ministry official")(world)
    Membership.objects.create(user=official, organisation=ministry(world))
    return official


ROLE = Role(
    "ministry_official",
    "ministry official",
    "a member of the ministry responsible for the rules an application asks to waive",
    45,
    _ministry_official,
)

CALL_SUBJECT = Subject(
    key="call",
    label="sandbox call",
    states=tuple((phase, lambda world, phase=phase: make_call(world, phase)) for phase in PHASE_DAYS),
)


# Each state of the matrix: the status it is in, and whether it was ever sent.
APPLICATION_STATES = {
    "draft": (ApplicationStatus.DRAFT, False),
    "draft, call closed": (ApplicationStatus.DRAFT, False),
    "preliminary": (ApplicationStatus.PRELIMINARY, True),
    "changes asked": (ApplicationStatus.CHANGES_ASKED, True),
    "final being written": (ApplicationStatus.FINAL_DRAFT, True),
    "final": (ApplicationStatus.FINAL, True),
    "approved": (ApplicationStatus.APPROVED, True),
    "rejected": (ApplicationStatus.REJECTED, True),
    "withdrawn": (ApplicationStatus.WITHDRAWN, True),
    "withdrawn before it was sent": (ApplicationStatus.WITHDRAWN, False),
}
FINAL_STAGE = (ApplicationStatus.FINAL_DRAFT, ApplicationStatus.FINAL, ApplicationStatus.APPROVED)


def make_application(world: World, state: str = "draft", *, call: Call | None = None) -> Application:
    """A complete application of the World's public body (its member the public servant, its
    admin the organisation admin) to the World's ministry, in `state` (APPLICATION_STATES); an
    approved one with its exemption, sponsored by the World's sponsor. Made directly, as a test
    needs it."""
    call = call or make_call(world, "closed" if state == "draft, call closed" else "open")
    today = timezone.localdate()
    status, sent = APPLICATION_STATES[state]
    now = timezone.now()
    final = status in FINAL_STAGE
    decided = status in (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED)
    application = Application.objects.create(
        call=call,
        coordinator=organisations_matrix.public_body(world),
        ministry=ministry(world),
        title=f"Roles matrix application {state} {world.token}",
        barrier="A rule requires a paper form.",
        alternative="A digital form.",
        objective="Half the processing time.",
        baseline="20 days.",
        measurement="From the case system.",
        territory="Roles matrix town",
        population=10000,
        affected="Applicants for permits.",
        starts=today + timedelta(days=90),
        ends=today + timedelta(days=90 + 365),
        safeguards="The paper form stays available.",
        evaluation_plan="Compare with last year.",
        attests_lawful=True,
        attests_no_advantage=True,
        attests_legal_certainty=True,
        legal_statement="During the experiment the digital form replaces the paper one." if final else "",
        status=status,
        created_by=world.people["public_servant"],
        submitted_at=now if sent else None,
        submitted_by=world.people["public_servant"] if sent else None,
        final_invited_at=now if final else None,
        final_submitted_at=now if status in (ApplicationStatus.FINAL, ApplicationStatus.APPROVED) else None,
        decided_at=now if decided else None,
        decided_by=world.people["ministry_official"] if decided else None,
        reject_reason="Roles matrix reason" if status == ApplicationStatus.REJECTED else "",
        withdrawn_at=now if status == ApplicationStatus.WITHDRAWN else None,
    )
    Rule.objects.create(
        application=application, legal_reference="Roles matrix act", article="§ 1", wording="A paper form."
    )
    if status == ApplicationStatus.APPROVED:
        Exemption.objects.create(
            application=application,
            conditions="Roles matrix conditions",
            legal_basis="Order 1/2027",
            starts=application.starts,
            ends=application.ends,
            sponsor=world.people["sponsor"],
            sponsorship="accepted",
            decided_by=world.people["ministry_official"],
        )
    return application


APPLICATION_SUBJECT = Subject(
    key="sandbox_application",
    label="sandbox application (of the public servant's public body, to the ministry official's ministry)",
    states=tuple((state, lambda world, state=state: make_application(world, state)) for state in APPLICATION_STATES),
)


# Each state of an exemption of the World's approved application, by the server clock: its
# first day in days from today, its length in days, and what happened to it.
EXEMPTION_STATES = {
    "upcoming": (30, 365, ""),
    "active, a report due": (-170, 365, ""),
    "active, no report due yet": (-10, 365, ""),
    "expired": (-400, 365, ""),
    "expired, outcome recorded": (-400, 365, "rule_changed"),
    "revoked": (-100, 365, "revoked"),
}


def make_exemption(world: World, state: str = "active, a report due") -> Exemption:
    """The exemption of an approved application of the World's public body, granted by the World's
    ministry, in `state` (EXEMPTION_STATES); its reports due every 6 months. Made directly."""
    starts_in, days, outcome = EXEMPTION_STATES[state]
    exemption = make_application(world, "approved").exemption
    today = timezone.localdate()
    exemption.starts = today + timedelta(days=starts_in)
    exemption.ends = exemption.starts + timedelta(days=days)
    exemption.next_report_due = exemption.first_due_after(None)
    now = timezone.now()
    if outcome == "revoked":
        exemption.revoked_at, exemption.revoked_by = now, world.people["ministry_official"]
        exemption.revoke_reason = "Roles matrix reason"
    if outcome:
        exemption.outcome, exemption.outcome_note, exemption.outcome_at = outcome, "Roles matrix note", now
        exemption.next_report_due = None
    exemption.save()
    return exemption


EXEMPTION_SUBJECT = Subject(
    key="exemption",
    label="exemption (of the public servant's public body, granted by the ministry official's ministry)",
    states=tuple((state, lambda world, state=state: make_exemption(world, state)) for state in EXEMPTION_STATES),
)


# The sponsorship of an exemption in some of EXEMPTION_STATES: the World's sponsor asked by
# the decision, and what they answered.
EXEMPTION_SPONSORSHIP_STATES = {
    "upcoming, the sponsor asked": ("upcoming", "asked"),
    "active, the sponsor asked": ("active, no report due yet", "asked"),
    "active, the sponsor accepted": ("active, no report due yet", "accepted"),
    "active, the sponsor declined": ("active, no report due yet", "declined"),
    "expired, the sponsor asked": ("expired", "asked"),
    "revoked, the sponsor asked": ("revoked", "asked"),
    "revoked, the sponsor declined": ("revoked", "declined"),
}


def exemption_with_sponsorship(world: World, state: str) -> Exemption:
    phase, sponsorship = EXEMPTION_SPONSORSHIP_STATES[state]
    exemption = make_exemption(world, phase)
    exemption.sponsorship, exemption.sponsorship_asked_at = sponsorship, timezone.now()
    exemption.save(update_fields=["sponsorship", "sponsorship_asked_at"])
    return exemption


EXEMPTION_SPONSORSHIP_SUBJECT = Subject(
    key="exemption_sponsorship",
    label="exemption's sponsorship (the sponsor named by the ministry official's ministry)",
    states=tuple(
        (state, lambda world, state=state: exemption_with_sponsorship(world, state))
        for state in EXEMPTION_SPONSORSHIP_STATES
    ),
)


def make_message(world: World, state: str = "in dialogue") -> Message:
    """A message the public servant wrote on their body's application, "in dialogue" (the
    preliminary application is talked over) or "after the decision" (it is approved)."""
    application = make_application(world, "preliminary" if state == "in dialogue" else "approved")
    return Message.objects.create(
        application=application, author=world.people["public_servant"], side=Side.APPLICANTS, body="Roles matrix"
    )


MESSAGE_SUBJECT = Subject(
    key="sandbox_message",
    label="message on a sandbox application (written by the public servant)",
    states=tuple(
        (state, lambda world, state=state: make_message(world, state))
        for state in ("in dialogue", "after the decision")
    ),
)

CASES = {
    "sandbox.open_call": Case("Open a call for applications to waive a rule, with a deadline or standing."),
    "sandbox.change_call": Case("Change the call until it closes.", "call"),
    "sandbox.close_call": Case("Close the call now: a standing call, or one before its deadline.", "call"),
    "sandbox.apply": Case(
        "Start an application in the call while it is open, for a verified public body one belongs to.", "call"
    ),
    "sandbox.view_application": Case(
        "Read the application: its bodies' members; once sent, the ministry's members and the programme managers.",
        "sandbox_application",
    ),
    "sandbox.change_application": Case(
        "Change the application and its rules to waive while it is a draft: the applying body's members.",
        "sandbox_application",
    ),
    "sandbox.submit_application": Case(
        "Send it to the ministry and the programme managers: the draft (the service also needs the call open), "
        "the changes asked, or the final application.",
        "sandbox_application",
    ),
    "sandbox.write_message": Case(
        "Write or reply in the dialogue on a sent application, until it is decided.", "sandbox_application"
    ),
    "sandbox.ask_changes": Case(
        "Ask the applicants to change the preliminary or the final application.", "sandbox_application"
    ),
    "sandbox.invite_final": Case(
        "Invite the final application, after the preliminary one: the responsible ministry.", "sandbox_application"
    ),
    "sandbox.approve_application": Case(
        "Approve the final application, granting the exemption: the responsible ministry.", "sandbox_application"
    ),
    "sandbox.reject_application": Case(
        "Reject the application with reasons, at any step after it was sent: the responsible ministry.",
        "sandbox_application",
    ),
    "sandbox.report_progress": Case(
        "Send the progress report due (up to 30 days early, or late): the applying body's members.", "exemption"
    ),
    "sandbox.revoke_exemption": Case(
        "Revoke the exemption before its last day, with a reason the public reads: the ministry.", "exemption"
    ),
    "sandbox.evaluate_exemption": Case(
        "Write the final evaluation against the baseline once it is over: the applying body's members.",
        "exemption",
    ),
    "sandbox.record_outcome": Case(
        "Record the outcome once it expired (rule changed, extended, expired): the ministry.", "exemption"
    ),
    "sandbox.answer_sponsorship": Case(
        "Accept to sponsor the exemption, or decline with a reason, while it runs or is to start: the sponsor "
        "its decision named.",
        "exemption_sponsorship",
    ),
    "sandbox.ask_another_sponsor": Case(
        "Ask another sponsor after one declined, while the exemption runs or is to start: the ministry.",
        "exemption_sponsorship",
    ),
    "sandbox.view_message": Case("Read a message's files: whoever reads its application.", "sandbox_message"),
    "sandbox.attach_to_message": Case(
        "Attach files to a message: its author, while the application is talked over.", "sandbox_message"
    ),
    "sandbox.withdraw_application": Case(
        "Withdraw the application before it is decided: the applying body's members.", "sandbox_application"
    ),
}

"""What the challenges app contributes: navigation, figures, search, notification kinds."""

from django.utils.translation import gettext_lazy as _

from ponte.core import rolematrix
from ponte.core.models import EmailChannel
from ponte.core.registry import (
    DRAFT_CHALLENGE,
    AttachmentTarget,
    DashboardFigure,
    Export,
    Handoff,
    LinkedModel,
    NavItem,
    NotificationKind,
    PageSection,
    SearchDocument,
    SearchSource,
    SponsoredSource,
    registry,
)
from ponte.core.roles import is_authenticated, is_evaluator, is_programme_manager, is_sponsor
from ponte.organisations.rules import (
    administers_a_public_body,
    belongs_to_a_company,
    belongs_to_a_public_body,
)

from . import matrix, organisation_sections
from .models import Challenge
from .queries import indicators
from .queries import sponsorship as sponsorship_queries

registry.add_nav(NavItem(label=_("Challenges"), url_name="challenges:list", order=10))


def _is_public_servant(user) -> bool:
    """A member of a verified public body: who may post a challenge. The menu asks on every
    page, twice, so the answer is kept on the user object while their memberships are."""
    from ponte.organisations.queries import roles_of

    from .rules import is_public_servant

    roles = roles_of(user)
    kept = getattr(user, "_ponte_public_servant", None)
    if kept is None or kept[0] is not roles:
        kept = (roles, bool(roles) and is_public_servant(user))
        if user is not None and user.is_authenticated:
            user._ponte_public_servant = kept
    return kept[1]


# Public servants start and follow their challenges from the menu, the home and account pages.
registry.add_nav(
    NavItem(label=_("Post a challenge"), url_name="challenges:create", visible=_is_public_servant, order=11)
)
registry.add_nav(NavItem(label=_("My challenges"), url_name="challenges:mine", visible=_is_public_servant, order=12))
registry.add_action(
    NavItem(label=_("Post a challenge"), url_name="challenges:create", visible=_is_public_servant, order=10)
)
registry.add_action(NavItem(label=_("My challenges"), url_name="challenges:mine", visible=_is_public_servant, order=11))
# Documents of a challenge (terms of reference, data...): whoever sees the challenge
# downloads them; its drafter adds or removes them while it is a draft.
registry.add_attachment_target(
    AttachmentTarget(
        model=Challenge,
        view_permission="challenges.view_challenge",
        add_permission="challenges.change_documents",
        sealed=False,
    )
)
registry.add_export(
    Export(
        key="challenges",
        label=_(
            "Challenges (CSV): every published challenge, open, closed, awarded, closed without award or cancelled"
        ),
        url_name="challenges:export_csv",
    )
)
registry.add_export(
    Export(
        key="challenges.awards",
        label=_("Awards (CSV): every award of a challenge, with its supplier, value and signed contract"),
        url_name="challenges:export_awards_csv",
    )
)


def _document(challenge: Challenge) -> SearchDocument | None:
    if not challenge.was_published:
        return None  # drafts and challenges in review are never in the index
    return SearchDocument(
        title=challenge.title,
        body=" ".join(
            filter(None, [challenge.summary, challenge.context, challenge.problem, challenge.desired_outcomes])
        ),
        url=challenge.get_absolute_url(),
    )


registry.add_search_source(
    SearchSource(
        kind="challenge",
        label=_("Challenges"),
        model=Challenge,
        document=_document,
        queryset=lambda: Challenge.objects.was_published().iterator(),
    )
)


def _next_clock_event(now):
    from .queries.public import next_clock_event

    return next_clock_event(now)


# Kept public pages last no later than the next deadline or question cut-off (core.pagecache).
registry.add_clock_event(_next_clock_event)


def _to_review(user):
    from .queries.review import awaiting_review

    return awaiting_review()


def _to_approve(user):
    from .queries.review import awaiting_organisation

    return awaiting_organisation(user)


def _drafts(user):
    from .queries.drafting import drafts_of

    return drafts_of(user)


registry.add_figure(
    DashboardFigure(
        key="challenges.to_review",
        label=_("Challenges to review"),
        value=_to_review,
        url_name="challenges:review_queue",
        visible=is_programme_manager,
        shared=True,
    )
)
registry.add_figure(
    DashboardFigure(
        key="challenges.to_approve",
        label=_("Challenges your organisation must approve"),
        value=_to_approve,
        url_name="challenges:mine",
        visible=is_authenticated,
    )
)
registry.add_figure(
    DashboardFigure(
        key="challenges.drafts",
        label=_("Challenges your organisations are preparing"),
        value=_drafts,
        url_name="challenges:mine",
        visible=is_authenticated,
    )
)

for kind in [
    NotificationKind(
        "challenges.to_approve",
        _("Challenges sent to your organisation for approval"),
        _("%(person)s asks you to approve the challenge “%(challenge)s”"),
        audience=administers_a_public_body,
    ),
    NotificationKind(
        "challenges.to_review",
        _("Challenges waiting for a programme manager's review"),
        _("“%(challenge)s” from %(organisation)s waits for review"),
        EmailChannel.DIGEST,
        audience=is_programme_manager,
    ),
    NotificationKind(
        "challenges.changes_requested",
        _("Changes requested to your challenges"),
        _("Changes are requested to “%(challenge)s”: %(reason)s"),
        audience=belongs_to_a_public_body,
    ),
    NotificationKind(
        "challenges.approved",
        _("Approval of your challenges"),
        _("“%(challenge)s” is approved for publication"),
        audience=belongs_to_a_public_body,
    ),
    NotificationKind(
        "challenges.published",
        _("Publication of your challenges"),
        _("“%(challenge)s” is published"),
        audience=belongs_to_a_public_body,
    ),
    NotificationKind(
        "challenges.new_match",
        _("New challenges matching your alerts"),
        _("A new challenge matches your alerts: “%(challenge)s”"),
    ),
    NotificationKind(
        "challenges.revised",
        _("Changes to challenges you follow"),
        _("“%(challenge)s”, which you follow, has changed"),
        audience=belongs_to_a_company,
    ),
    NotificationKind(
        "challenges.cancelled",
        _("Cancellation of challenges you follow"),
        _("“%(challenge)s”, which you follow, is cancelled: %(reason)s"),
        audience=belongs_to_a_company,
    ),
]:
    registry.add_notification_kind(kind)

# Amendments (services.challenge_amend): a published challenge changed without going back to
# review, and a revision that did, told to the companies whose proposal it keeps.
for kind in [
    NotificationKind(
        "challenges.amended",
        _("Amendments to challenges you follow or answered"),
        _("“%(challenge)s” is amended: %(changes)s. The reason: %(rationale)s"),
        audience=belongs_to_a_company,
    ),
    NotificationKind(
        "challenges.revised_proposal_kept",
        _("Revisions of challenges your company answered"),
        _(
            "“%(challenge)s”, which your company answered, has changed and goes back to review: your "
            "proposal is kept, and you may change it once the challenge is published again"
        ),
        audience=belongs_to_a_company,
    ),
]:
    registry.add_notification_kind(kind)


# Clarification questions ---------------------------------------------------------------


def _questions_waiting(user):
    from .queries.questions import waiting_for_answer

    return waiting_for_answer(user)


registry.add_figure(
    DashboardFigure(
        key="challenges.questions_waiting",
        label=_("Questions waiting for your answer"),
        value=_questions_waiting,
        url_name="challenges:questions_waiting",
        visible=is_authenticated,
    )
)

for kind in [
    NotificationKind(
        "challenges.question_asked",
        _("Questions asked on your challenges"),
        _("A company asks a question on “%(challenge)s”"),
        audience=belongs_to_a_public_body,
    ),
    NotificationKind(
        "challenges.your_question_answered",
        _("Answers to your questions"),
        _("Your question on “%(challenge)s” is answered"),
        audience=belongs_to_a_company,
    ),
    NotificationKind(
        "challenges.question_answered",
        _("Answers to questions on challenges you follow"),
        _("A question on “%(challenge)s”, which you follow, is answered"),
        audience=belongs_to_a_company,
    ),
    NotificationKind(
        "challenges.question_declined",
        _("Questions of yours that are declined"),
        _("Your question on “%(challenge)s” was declined: %(reason)s"),
        audience=belongs_to_a_company,
    ),
]:
    registry.add_notification_kind(kind)


def _proposals_visible_to(user):
    from .queries.proposals import proposals_visible_to

    return proposals_visible_to(user)


# Proposals: sealed until the deadline, so they are never search documents, and their
# notifications go to the submitting company's members only and carry no content.
def _register_proposals() -> None:
    from ponte.core.registry import AttachmentTarget

    from .models import Proposal

    registry.add_attachment_target(
        AttachmentTarget(
            model=Proposal,
            view_permission="challenges.view_proposal",
            add_permission="challenges.change_proposal",
            sealed=True,
            visible_to=_proposals_visible_to,
        )
    )
    for kind in [
        NotificationKind(
            "challenges.proposal_submitted",
            _("Proposals your company submits"),
            _("Your company's proposal to “%(challenge)s” is submitted"),
            audience=belongs_to_a_company,
        ),
        NotificationKind(
            "challenges.proposal_updated",
            _("Changes to your company's proposals"),
            _("Your company's proposal to “%(challenge)s” has been changed"),
            audience=belongs_to_a_company,
        ),
        NotificationKind(
            "challenges.proposal_withdrawn",
            _("Withdrawal of your company's proposals"),
            _("Your company's proposal to “%(challenge)s” is withdrawn"),
            audience=belongs_to_a_company,
        ),
    ]:
        registry.add_notification_kind(kind)


_register_proposals()


# Evaluation and award --------------------------------------------------------------------


def _evaluations_waiting(user) -> int:
    from .models import PENDING_EVALUATION

    return user.evaluations.filter(status__in=PENDING_EVALUATION, proposal__challenge__status="published").count()


registry.add_nav(
    NavItem(label=_("My evaluations"), url_name="challenges:my_evaluations", visible=is_evaluator, order=15)
)
registry.add_figure(
    DashboardFigure(
        key="challenges.evaluations_waiting",
        label=_("Evaluations waiting for you"),
        value=_evaluations_waiting,
        url_name="challenges:my_evaluations",
        visible=is_evaluator,
    )
)
for kind in [
    NotificationKind(
        "challenges.evaluation_assigned",
        _("Proposals assigned to you for evaluation"),
        _("You are asked to evaluate proposals to “%(challenge)s”"),
        audience=is_evaluator,
    ),
    NotificationKind(
        "challenges.evaluator_recused",
        _("Evaluators who declare a conflict of interest"),
        _("An evaluator of “%(challenge)s” declared a conflict of interest: assign another if needed"),
        audience=is_programme_manager,
    ),
    NotificationKind(
        "challenges.evaluation_reopened",
        _("Evaluations sent back to you"),
        _("Your evaluation for “%(challenge)s” is sent back to you: %(reason)s"),
        audience=is_evaluator,
    ),
    NotificationKind(
        "challenges.evaluations_complete",
        _("Challenges whose evaluation is complete"),
        _("Every evaluation of “%(challenge)s” is complete: you can decide the outcome"),
        audience=belongs_to_a_public_body,
    ),
    NotificationKind(
        "challenges.proposal_awarded",
        _("Outcome of your company's proposals"),
        _("Your company's proposal to “%(challenge)s” is awarded: read the feedback"),
        audience=belongs_to_a_company,
    ),
    NotificationKind(
        "challenges.invited_to_phase",
        _("Phases your company is invited to"),
        _("Your company is invited to submit a proposal to the phase “%(phase)s” of “%(challenge)s”"),
        audience=belongs_to_a_company,
    ),
    NotificationKind(
        "challenges.proposal_not_awarded",
        _("Proposals of your company that are not awarded"),
        _("Your company's proposal to “%(challenge)s” is not awarded: read the feedback"),
        audience=belongs_to_a_company,
    ),
]:
    registry.add_notification_kind(kind)


registry.add_organisation_section(
    PageSection(
        key="challenges.challenges",
        order=20,
        template="challenges/organisation_sections/challenges.html",
        context=organisation_sections.public_body_challenges,
    )
)
registry.add_organisation_section(
    PageSection(
        key="challenges.awards",
        order=30,
        template="challenges/organisation_sections/awards.html",
        context=organisation_sections.company_awards,
    )
)


def _challenges_shown(user, ids: list[int]) -> dict[int, tuple[str, str]]:
    """The challenges among `ids` that `user` may see, as other objects' trails show them:
    a draft shows only to its public body."""
    from .queries.public import visible_challenges

    return {
        challenge.pk: (challenge.title, challenge.get_absolute_url())
        for challenge in visible_challenges(user).filter(pk__in=ids).only("pk", "title")
    }


def _draft_for(**fields):
    from .services.drafting import challenge_draft_for

    return challenge_draft_for(**fields)


registry.add_linked_model(LinkedModel(model="challenges.challenge", shown=_challenges_shown))
# Another module (the lab) may start a draft challenge from its own object: offered here.
registry.add_handoff(Handoff(key=DRAFT_CHALLENGE, label=_("Send to the challenge marketplace"), start=_draft_for))

# The role matrix (docs/roles.md): what this app adds to it.
rolematrix.add_cases(matrix.CASES)
for subject in matrix.SUBJECTS:
    rolematrix.add_subject(subject)

# The leadership dashboard's figures from this module (core.indicators).
for indicator in indicators.INDICATORS:
    registry.add_indicator(indicator)


# Sponsorship: the public body asks a sponsor to back a challenge; the sponsor answers.
for kind in [
    NotificationKind(
        "challenges.sponsorship_asked",
        _("Requests to sponsor a challenge"),
        _("%(organisation)s asks you to sponsor the challenge “%(challenge)s”"),
        audience=is_sponsor,
    ),
    NotificationKind(
        "challenges.sponsorship_accepted",
        _("Sponsors accepting your challenges"),
        _("%(sponsor)s sponsors the challenge “%(challenge)s”"),
        audience=belongs_to_a_public_body,
    ),
    NotificationKind(
        "challenges.sponsorship_declined",
        _("Sponsors declining your challenges"),
        _("%(sponsor)s declined to sponsor the challenge “%(challenge)s”: %(note)s"),
        audience=belongs_to_a_public_body,
    ),
]:
    registry.add_notification_kind(kind)

# What a sponsor sponsors, on their page of everything they sponsor.
registry.add_sponsored_source(
    SponsoredSource(
        key="challenges.challenges",
        label=_("Challenges"),
        waiting=sponsorship_queries.waiting_for,
        others=sponsorship_queries.sponsored,
        describe=sponsorship_queries.as_sponsored,
    )
)

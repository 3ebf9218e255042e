"""Matching a round: the programme managers run the matcher, read its pairs and the people it
could not pair, lock or exclude pairs and send the proposals; the two people of a proposal
accept or decline it. A page or a pair one may not see does not exist for them (404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ponte.core.forms import ReasonForm, add_service_errors
from ponte.core.pagecache import kept_part, kept_value
from ponte.core.paging import paginate

from ..models import HOLDING_STATUSES, FeedbackRole, PairStatus
from ..queries import after as after_queries
from ..queries import matching as queries
from ..queries import rounds as round_queries
from ..services import matching as services

PAIRS_SHOWN = 50
STATUS_FILTERS = (PairStatus.DECLINED, PairStatus.EXCLUDED)


def _round(request, pk):
    """The round, for one who may read its matching; 404 for anyone else. Kept until the next
    write or phase change: the pages about a round's matching are read far more than it changes."""
    round = kept_value(f"exchange-round:{pk}", lambda: round_queries.round_alone(pk))
    if round is None or not request.user.has_perm("exchange.view_matching", round):
        raise Http404
    return round


def _summary(round) -> dict:
    """What the matching pages say of the round's matching, the same for every manager until a
    change: kept until the next write."""
    return kept_value(f"exchange-matching-summary:{round.pk}", lambda: queries.matching_summary(round))


def pair_or_404(request, pk):
    pair = queries.pair_for(request.user, pk)
    if pair is None or not request.user.has_perm("exchange.view_pair", pair):
        raise Http404
    return pair


def _refused(request, message: str, target, **kwargs):
    messages.error(request, message)
    return redirect(target, **kwargs)


@login_required
def matching(request, pk):
    round = _round(request, pk)
    status = request.GET.get("status", "")
    if status not in STATUS_FILTERS:
        status = ""
    summary = _summary(round)

    def table() -> str:
        counts = summary["counts"]
        shown = counts[status] if status else sum(counts[held] for held in HOLDING_STATUSES)
        page = paginate(request, queries.pairs_of(round, status), per_page=PAIRS_SHOWN, count=shown)
        lines = [
            (pair, pair.explained(), request.user.has_perm("exchange.change_pair", pair))
            for pair in queries.with_people(page.object_list)
        ]
        context = {"round": round, "page": page, "lines": lines, "status": status}
        return render_to_string("exchange/matching/matching.html#table", context, request)

    context = {
        "round": round,
        **summary,
        "table": kept_part(request, "exchange-matching", table, for_person=True),
        "status": status,
        "statuses": [(value, PairStatus(value).label) for value in STATUS_FILTERS],
        "can": {
            "run": request.user.has_perm("exchange.run_matching", round),
            "send": request.user.has_perm("exchange.send_proposals", round),
        },
    }
    return render(request, "exchange/matching/matching.html", context)


@login_required
def unmatched(request, pk):
    round = _round(request, pk)
    summary = _summary(round)
    run = summary["run"]

    def table() -> str:
        page = paginate(request, queries.unmatched_of(run), per_page=PAIRS_SHOWN, count=summary["unmatched_count"])
        return render_to_string("exchange/matching/unmatched.html#table", {"page": page}, request)

    context = {"round": round, "run": run, "table": kept_part(request, "exchange-unmatched", table)}
    return render(request, "exchange/matching/unmatched.html", context)


@login_required
@require_POST
def matching_run(request, pk):
    round = _round(request, pk)
    if not request.user.has_perm("exchange.run_matching", round):
        raise PermissionDenied
    try:
        run = services.matching_run(actor=request.user, round=round)
    except ValidationError as error:
        return _refused(request, " ".join(error.messages), "exchange:matching", pk=round.pk)
    messages.success(
        request,
        ngettext(
            "The matching ran: %(pairs)s pair, %(kept)s of them kept from before. Read it, then send the proposals.",
            "The matching ran: %(pairs)s pairs, %(kept)s of them kept from before. Read them, then send the proposals.",
            run.pairs,
        )
        % {"pairs": run.pairs, "kept": run.kept_pairs},
    )
    return redirect("exchange:matching", pk=round.pk)


@login_required
@require_POST
def proposals_send(request, pk):
    round = _round(request, pk)
    if not request.user.has_perm("exchange.send_proposals", round):
        raise PermissionDenied
    try:
        sent = services.proposals_send(actor=request.user, round=round)
    except ValidationError as error:
        return _refused(request, " ".join(error.messages), "exchange:matching", pk=round.pk)
    messages.success(
        request,
        ngettext(
            "%(count)s proposal is sent: both people are asked to accept it.",
            "%(count)s proposals are sent: both people of each are asked to accept it.",
            sent,
        )
        % {"count": sent},
    )
    return redirect("exchange:matching", pk=round.pk)


@login_required
def pair_detail(request, pk):
    pair = pair_or_404(request, pk)
    context = {
        "pair": pair,
        "round": pair.round,
        "reasons": pair.explained(),
        "can": {
            "change": request.user.has_perm("exchange.change_pair", pair),
            "answer": request.user.has_perm("exchange.answer_pair", pair),
            "matching": request.user.has_perm("exchange.view_matching", pair.round),
            "reschedule": request.user.has_perm("exchange.reschedule_pair", pair),
            "cancel": request.user.has_perm("exchange.cancel_pair", pair),
        },
        "planning": [
            side
            for side in queries.hosting_sides(request.user, pair)
            if request.user.has_perm("exchange.plan_visit", pair)
        ],
        "in_pair": request.user.pk in (pair.public.applicant_id, pair.company.applicant_id),
        "surveys": _surveys(request.user, pair),
        "follow_ups": list(pair.follow_ups.all()) if pair.status == PairStatus.CONFIRMED else [],
        "can_follow_up": request.user.has_perm("exchange.record_follow_up", pair),
        # (host, guest, mentor, programme, side): each organisation's plan for the guest it hosts.
        "visits": [
            (pair.public, pair.company, pair.public_mentor, pair.public_programme, "public"),
            (pair.company, pair.public, pair.company_mentor, pair.company_programme, "company"),
        ],
    }
    return render(request, "exchange/matching/pair.html", context)


def _surveys(user, pair) -> list[tuple[str, str, object]]:
    """(role, side, guest application) of the surveys `user` may answer and has not yet."""
    if not after_queries.is_over(pair):
        return []
    done = after_queries.answered(pair)
    wanted = []
    if (side := after_queries.guest_side(user, pair)) and user.has_perm("exchange.give_guest_feedback", pair):
        wanted.append((FeedbackRole.GUEST.value, side))
    if user.has_perm("exchange.give_host_feedback", pair):
        wanted += [(FeedbackRole.HOST.value, side) for side in after_queries.hosted_sides(user, pair)]
    return [(role, side, getattr(pair, side)) for role, side in wanted if (side, role) not in done]


def no_longer(request, pair):
    """Refuse one who may never do this; tell one who could when the pair or the round moved on."""
    pair = queries.pair_for(request.user, pair.pk)
    if pair is None:
        raise Http404
    if request.user.has_perm("exchange.view_matching", pair.round) or request.user.pk in (
        pair.public.applicant_id,
        pair.company.applicant_id,
    ):
        return _refused(
            request,
            _("This can no longer be done: the pair is “%(status)s” and the round “%(phase)s”.")
            % {"status": pair.get_status_display(), "phase": pair.round.get_phase_display()},
            pair,
        )
    raise PermissionDenied


def reason_page(request, pair, *, perm: str, form, act, done: str, then, template: str):
    """A page where one decides about a pair with a reason (exclude, decline, cancel): refused
    to one who may not, the service's refusal beside the reason, then `then` with `done` said."""
    if not request.user.has_perm(perm, pair):
        return no_longer(request, pair)
    if request.method == "POST" and form.is_valid():
        try:
            act(form.cleaned_data["reason"])
        except PermissionDenied:
            return no_longer(request, pair)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return then
    return render(request, template, {"pair": pair, "round": pair.round, "form": form})


@login_required
@require_POST
def pair_lock(request, pk):
    pair = pair_or_404(request, pk)
    lock = request.POST.get("locked") == "1"
    try:
        services.pair_lock(actor=request.user, pair=pair, locked_=lock)
    except PermissionDenied:
        return no_longer(request, pair)
    if lock:
        messages.success(request, _("The pair is locked: the matching keeps it when it runs again."))
    else:
        messages.success(request, _("The pair is unlocked: the matching may change it when it runs again."))
    if request.POST.get("next") == "matching":
        return redirect("exchange:matching", pk=pair.round_id)
    return redirect(pair)


@login_required
def pair_exclude(request, pk):
    pair = pair_or_404(request, pk)
    form = ReasonForm(
        request.POST or None,
        label=_("Why the pair is excluded (optional)"),
        help_text=_("For the programme managers: the two people do not read it."),
    )
    form.fields["reason"].required = False
    return reason_page(
        request,
        pair,
        perm="exchange.change_pair",
        form=form,
        act=lambda reason: services.pair_exclude(actor=request.user, pair=pair, reason=reason),
        done=_("The pair is excluded: it is never proposed again. Run the matching to pair its people."),
        then=redirect("exchange:matching", pk=pair.round_id),
        template="exchange/matching/exclude.html",
    )


@login_required
@require_POST
def pair_accept(request, pk):
    pair = pair_or_404(request, pk)
    try:
        pair = services.pair_accept(actor=request.user, pair=pair)
    except PermissionDenied:
        return no_longer(request, pair)
    if pair.status == PairStatus.CONFIRMED:
        messages.success(request, _("You accepted: the exchange is confirmed, as the other person accepted too."))
    else:
        messages.success(request, _("You accepted. The exchange is confirmed once the other person accepts too."))
    return redirect(pair)


@login_required
def pair_decline(request, pk):
    pair = pair_or_404(request, pk)
    form = ReasonForm(
        request.POST or None,
        label=_("Why you decline this exchange"),
        help_text=_("The programme managers read it to find you a better match; the other person does not."),
        required_message=_("Say why you decline this exchange: the programme managers read it to find a better match."),
    )
    return reason_page(
        request,
        pair,
        perm="exchange.answer_pair",
        form=form,
        act=lambda reason: services.pair_decline(actor=request.user, pair=pair, reason=reason),
        done=_("You declined the exchange. The other person and the programme managers are told."),
        then=redirect(pair),
        template="exchange/matching/decline.html",
    )

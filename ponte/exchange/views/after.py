"""After an exchange: the surveys of its visits, its follow-up collaborations, and a round's
statistics and network of organisations (public). A survey one may not answer does not exist
for them (404); a refusal is shown beside its field, and nothing typed is lost."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ponte.core.forms import add_service_errors
from ponte.core.pagecache import public_page
from ponte.core.paging import paginate

from ..forms.scheduling import FeedbackForm, FollowUpForm
from ..models import FeedbackRole
from ..queries import after as queries
from ..queries import rounds as round_queries
from ..services import after as services
from .matching import no_longer, pair_or_404

LINKS_SHOWN = 50
# The network's picture: public bodies on the left, companies on the right, a line for each
# connection, thicker with more exchanges.
PICTURE_WIDTH, ROW_HEIGHT, TOP = 720, 28, 24
LEFT_X, RIGHT_X, NAME_LIMIT = 290, 430, 30


@login_required
def feedback(request, pk, role, side):
    pair = pair_or_404(request, pk)
    if role == FeedbackRole.GUEST:
        allowed, perm = queries.guest_side(request.user, pair) == side, "exchange.give_guest_feedback"
    elif role == FeedbackRole.HOST:
        allowed, perm = side in queries.hosted_sides(request.user, pair), "exchange.give_host_feedback"
    else:
        allowed, perm = False, ""
    if not allowed:
        raise Http404
    if not request.user.has_perm(perm, pair):
        return no_longer(request, pair)
    if (side, role) in queries.answered(pair):
        messages.info(request, _("This visit's survey is answered already: thank you."))
        return redirect(pair)
    guest = pair.public if side == "public" else pair.company
    host = pair.company if side == "public" else pair.public
    form = FeedbackForm(request.POST or None, guest=role == FeedbackRole.GUEST)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_give(actor=request.user, pair=pair, role=role, side=side, **form.cleaned_data)
        except PermissionDenied:
            return no_longer(request, pair)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you: your answers are saved. They count in the round's statistics."))
            return redirect(pair)
    context = {"pair": pair, "round": pair.round, "form": form, "role": role, "guest": guest, "host": host}
    return render(request, "exchange/after/feedback.html", context)


@login_required
def follow_up(request, pk):
    pair = pair_or_404(request, pk)
    if not request.user.has_perm("exchange.record_follow_up", pair):
        return no_longer(request, pair)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_record(actor=request.user, pair=pair, description=form.cleaned_data["description"])
        except PermissionDenied:
            return no_longer(request, pair)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The collaboration is recorded: it counts in the round's network."))
            return redirect(pair)
    return render(request, "exchange/after/follow_up.html", {"pair": pair, "round": pair.round, "form": form})


@public_page
def statistics(request, pk):
    round = round_queries.round_for(request.user, pk)
    if round is None:
        raise Http404
    links = queries.network(round)
    context = {
        "round": round,
        "figures": queries.round_statistics(round),
        "page": paginate(request, links, per_page=LINKS_SHOWN),
        "picture": _picture(list(links[: queries.PICTURE_LINKS])),
        "picture_limit": queries.PICTURE_LINKS,
    }
    return render(request, "exchange/after/statistics.html", context)


def _short(name: str) -> str:
    return name if len(name) <= NAME_LIMIT else name[: NAME_LIMIT - 1] + "…"


def _picture(links: list[dict]) -> dict | None:
    """Where each organisation and line of the network's picture goes."""
    if not links:
        return None
    left = list(dict.fromkeys(link["public__organisation__name"] for link in links))
    right = list(dict.fromkeys(link["company__organisation__name"] for link in links))

    def y(index: int) -> int:
        return TOP + index * ROW_HEIGHT

    return {
        "width": PICTURE_WIDTH,
        "height": TOP * 2 + max(len(left), len(right)) * ROW_HEIGHT,
        "left_x": LEFT_X,
        "right_x": RIGHT_X,
        "left": [{"name": _short(name), "y": y(i)} for i, name in enumerate(left)],
        "right": [{"name": _short(name), "y": y(i)} for i, name in enumerate(right)],
        "lines": [
            {
                "y1": y(left.index(link["public__organisation__name"])),
                "y2": y(right.index(link["company__organisation__name"])),
                "width": min(1 + link["exchanges"], 6),
            }
            for link in links
        ],
    }

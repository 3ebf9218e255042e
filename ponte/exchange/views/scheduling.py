"""A confirmed exchange's schedule: the host organisations' plans for their guests, moving its
days, cancelling it, and the exchanges in a person's calendar — a file per exchange, and a
private address a calendar application subscribes to. A pair one may not see does not exist
for them (404); a refusal is shown beside its field, and nothing typed is lost."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ponte.core import versions
from ponte.core.forms import ReasonForm, add_service_errors

from ..calendar import calendar_of
from ..forms.scheduling import RescheduleForm, VisitPlanForm
from ..models import PairStatus
from ..queries import matching as queries
from ..services import scheduling as services
from .matching import no_longer, pair_or_404, reason_page

CALENDAR_TYPE = "text/calendar; charset=utf-8"


def _calendar_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CALENDAR_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def visit_plan(request, pk, side):
    pair = pair_or_404(request, pk)
    if side not in queries.SIDES or side not in queries.hosting_sides(request.user, pair):
        raise Http404
    if not request.user.has_perm("exchange.plan_visit", pair):
        return no_longer(request, pair)
    mentor = getattr(pair, f"{side}_mentor")
    initial = {
        "version": pair.version,
        f"{side}_mentor": mentor.email if mentor else "",
        f"{side}_programme": getattr(pair, f"{side}_programme"),
    }
    form = VisitPlanForm(request.POST or None, side=side, initial=initial)
    changes = []
    if request.method == "POST" and form.is_valid():
        chosen = form.mentor()
        if chosen is None:
            form.add_error(f"{side}_mentor", _("Nobody in Ponte has this address: give the mentor's own address."))
        else:
            try:
                services.visit_plan(
                    actor=request.user,
                    pair=pair,
                    side=side,
                    mentor=chosen,
                    programme=form.programme(),
                    seen_version=form.cleaned_data["version"],
                )
            except versions.StaleEdit as stale:
                changes = versions.refuse_stale(
                    form,
                    stale,
                    _(
                        "Someone saved a plan of this exchange after you opened it: yours is not saved yet. "
                        "Compare with what changed, below, and save again."
                    ),
                )
            except PermissionDenied:
                return no_longer(request, pair)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The plan is saved. The guest reads it on the exchange's page."))
                return redirect(pair)
    guest = pair.company if side == "public" else pair.public
    context = {"pair": pair, "round": pair.round, "form": form, "guest": guest, "changes": changes}
    return render(request, "exchange/scheduling/plan.html", context)


@login_required
def pair_reschedule(request, pk):
    pair = pair_or_404(request, pk)
    if not request.user.has_perm("exchange.reschedule_pair", pair):
        return no_longer(request, pair)
    form = RescheduleForm(request.POST or None, initial={"starts": pair.slot_starts})
    if request.method == "POST" and form.is_valid():
        try:
            services.pair_reschedule(actor=request.user, pair=pair, starts=form.cleaned_data["starts"])
        except PermissionDenied:
            return no_longer(request, pair)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The exchange's days are changed. Both people are told."))
            return redirect(pair)
    return render(request, "exchange/scheduling/reschedule.html", {"pair": pair, "round": pair.round, "form": form})


@login_required
def pair_cancel(request, pk):
    pair = pair_or_404(request, pk)
    form = ReasonForm(
        request.POST or None,
        label=_("Why the exchange is cancelled"),
        help_text=_("Both people and the programme managers read it."),
        required_message=_("Say why the exchange is cancelled: both people read it."),
    )
    return reason_page(
        request,
        pair,
        perm="exchange.cancel_pair",
        form=form,
        act=lambda reason: services.pair_cancel(actor=request.user, pair=pair, reason=reason),
        done=_("The exchange is cancelled. Both people are told, and their places are free."),
        then=redirect(pair),
        template="exchange/scheduling/cancel.html",
    )


@login_required
def pair_calendar(request, pk):
    """The exchange as an iCalendar file, for those who may read it, once it is confirmed."""
    pair = pair_or_404(request, pk)
    if pair.status not in (PairStatus.CONFIRMED, PairStatus.CANCELLED):
        raise Http404
    content = calendar_of(
        [pair],
        person=request.user,
        host=request.get_host(),
        url_of=lambda p: request.build_absolute_uri(p.get_absolute_url()),
    )
    return _calendar_response(content, f"ponte-exchange-{pair.pk}.ics")


@never_cache
def calendar_feed(request, secret):
    """A person's exchanges, for a calendar application: no session, the address is the key."""
    person = queries.feed_owner(secret)
    if person is None:
        raise Http404
    with translation.override(person.language or translation.get_language()):
        content = calendar_of(
            queries.calendar_pairs(person),
            person=person,
            host=request.get_host(),
            url_of=lambda pair: request.build_absolute_uri(pair.get_absolute_url()),
        )
    response = HttpResponse(content, content_type=CALENDAR_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def calendar_settings(request):
    """Where a person starts, replaces or stops their private calendar address."""
    context = {"has_feed": queries.has_calendar_feed(request.user), "address": None}
    return render(request, "exchange/scheduling/calendar.html", context)


@login_required
@require_POST
def calendar_start(request):
    secret = services.calendar_feed_start(actor=request.user)
    address = request.build_absolute_uri(reverse("exchange:calendar_feed", kwargs={"secret": secret}))
    # Shown once, on this answer: only its hash is kept.
    return render(request, "exchange/scheduling/calendar.html", {"has_feed": True, "address": address})


@login_required
@require_POST
def calendar_stop(request):
    if services.calendar_feed_stop(actor=request.user):
        messages.success(request, _("Your calendar address is stopped: calendars that used it get nothing more."))
    return redirect("exchange:calendar")

"""Following: follow a challenge (interest) and set alerts for new ones."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ponte.organisations.queries import verified_companies_of

from .. import rules as challenge_rules
from ..forms.following import AlertsForm
from ..models import Subscription
from ..queries import phases as phases_queries
from ..queries import public as public_queries
from ..services import following as following_services


@login_required
@require_POST
def interest(request, pk):
    challenge = public_queries.challenge_detail(request.user, pk)
    if challenge is None:
        raise Http404
    if request.POST.get("action") == "unfollow":
        # Whoever follows may stop, whatever happened since: it only removes their own interest
        # (a company not invited to a later phase may have followed it before that was refused).
        following_services.interest_withdraw(actor=request.user, challenge=challenge)
        messages.success(request, _("You no longer follow this challenge."))
        return redirect(challenge)
    if not request.user.has_perm("challenges.express_interest", challenge):
        if challenge_rules.is_company_member(request.user) and not challenge_rules.is_invited(request.user, challenge):
            messages.error(
                request,
                _("Only the companies invited to this phase may follow it, and none of your companies was invited."),
            )
            return redirect(challenge)
        raise PermissionDenied
    mine = list(verified_companies_of(request.user))
    companies = phases_queries.invited_among(challenge, mine)
    chosen = request.POST.get("company", "")
    company = next((c for c in companies if str(c.pk) == chosen), None)
    not_invited = next((c for c in mine if str(c.pk) == chosen), None) if company is None else None
    if not_invited is not None:
        messages.error(
            request,
            _("%(company)s was not invited to this phase: only the companies invited may follow it.")
            % {"company": not_invited},
        )
        return redirect(challenge)
    if company is None and len(companies) == 1:
        company = companies[0]
    if company is None:
        messages.error(request, _("Choose the company that follows this challenge."))
        return redirect(challenge)
    following_services.interest_express(actor=request.user, challenge=challenge, company=company)
    messages.success(
        request,
        _("%(company)s follows this challenge: you will hear of every change and answer.") % {"company": company},
    )
    return redirect(challenge)


@login_required
def alerts(request):
    subscription = Subscription.objects.filter(user=request.user).prefetch_related("sectors").first()
    initial = {}
    if subscription is not None:
        initial = {
            "sectors": [s.code for s in subscription.sectors.all()],
            "cpv_codes": ", ".join(subscription.cpv_prefixes),
            "keywords": ", ".join(subscription.keywords),
        }
    form = AlertsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        following_services.alerts_set(
            actor=request.user,
            sectors=form.cleaned_data["sectors"],
            cpv_prefixes=form.cleaned_data["cpv_codes"],
            keywords=form.cleaned_data["keywords"],
        )
        messages.success(request, _("Your alerts are saved. You will be notified of new challenges that match."))
        return redirect(reverse("challenges:alerts"))
    return render(request, "challenges/following/alerts.html", {"form": form, "subscription": subscription})

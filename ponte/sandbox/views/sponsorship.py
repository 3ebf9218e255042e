"""An exemption's sponsor: the person named by the decision accepts or declines, from the
exemption's page in the register; after a decline the ministry asks another, from the
application's page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from ponte.core import sponsorship

from .. import rules as sandbox_rules
from ..queries import register as register_queries
from ..services import sponsorship as services
from .acting import act, exemption_of, visible

CRUMBS = "sandbox/_breadcrumbs.html"


@login_required
def sponsorship_answer(request, pk):
    exemption = register_queries.exemption_for(pk)
    if exemption is None:
        raise Http404
    if not request.user.has_perm("sandbox.answer_sponsorship", exemption):
        if exemption.sponsor_id == request.user.pk and request.user.is_sponsor:
            messages.error(
                request,
                _(
                    "This request is no longer waiting for you: the sponsorship is “%(state)s” and the "
                    "exemption “%(phase)s”."
                )
                % {"state": exemption.get_sponsorship_display(), "phase": exemption.get_phase_display()},
            )
            return redirect(exemption)
        raise PermissionDenied
    application = exemption.application
    return sponsorship.answer_page(
        request,
        exemption,
        answer=lambda accept, note: services.exemption_sponsorship_answer(
            actor=request.user, exemption=exemption, accept=accept, note=note
        ),
        accepted=_("You sponsor the exemption. The ministry is told."),
        declined=_("You declined to sponsor the exemption. The ministry is told why."),
        note_label=_("Note for the ministry"),
        heading=_("Sponsor the exemption?"),
        intro=_(
            "%(ministry)s granted exemption %(reference)s to %(organisation)s and names you its sponsor: you "
            "would back the experiment while it runs and follow its progress reports."
        )
        % {
            "ministry": application.ministry.name,
            "reference": exemption.reference,
            "organisation": application.coordinator.name,
        },
        owner=application.coordinator.name,
        crumbs=CRUMBS,
        parent=exemption,
    )


@login_required
def ask_another_sponsor(request, pk):
    application = visible(request, pk)
    exemption = exemption_of(application)
    user = request.user
    if (
        not user.has_perm("sandbox.ask_another_sponsor", exemption)
        and sandbox_rules.granted_the_exemption(user, exemption)
        and sandbox_rules.is_running(user, exemption)
    ):
        # The ministry's own exemption, still running: its sponsor has not declined (or another
        # was asked meanwhile).
        messages.error(
            request,
            _("No other sponsor can be asked: the sponsorship is “%(state)s”.")
            % {"state": exemption.get_sponsorship_display()},
        )
        return redirect(application)
    form = sponsorship.SponsorForm(request.POST or None, suggestions=reverse("sandbox:sponsors"))
    return act(
        request,
        application,
        "sandbox.ask_another_sponsor",
        form,
        lambda exemption, data: services.exemption_ask_another_sponsor(
            actor=request.user, exemption=exemption, sponsor=data["sponsor"]
        ),
        done=_("The sponsor is asked to back the exemption."),
        template=lambda form: sponsorship.render_page(
            request,
            exemption,
            page="ask",
            form=form,
            heading=_("Ask another sponsor"),
            owner=application.coordinator.name,
            crumbs=CRUMBS,
            parent=application,
        ),
        exemption=exemption,
    )

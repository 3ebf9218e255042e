"""Enrolments: a person enrols, joins the waiting list or asks their manager, and cancels; reads
their learning in one place; an organisation admin approves or refuses requests."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ponte.core.forms import add_service_errors
from ponte.core.paging import paginate
from ponte.organisations.queries import memberships_of

from ..forms.sessions import EnrolForm, ReasonForm
from ..models import ACTIVE_STATUSES, Enrolment, EnrolmentStatus, SessionPhase
from ..queries import certificates as certificate_queries
from ..queries import sessions as queries
from ..services import enrolments as services
from .sessions import visible_session

DONE = {
    EnrolmentStatus.ENROLLED: gettext_lazy("You are enrolled. Add the session to your calendar."),
    EnrolmentStatus.WAITING: gettext_lazy(
        "The session is full: you are on its waiting list, and will be told when a place is yours."
    ),
    EnrolmentStatus.REQUESTED: gettext_lazy("Your request is sent to your manager. You will be told of their answer."),
}


@login_required
def enrol(request, pk):
    """Enrol at once; or first choose whose approval, when the session asks for it and the
    person belongs to several organisations."""
    session = visible_session(pk)
    organisations = [m.organisation for m in memberships_of(request.user)]
    choose = session.needs_approval and len(organisations) > 1
    # The session page's button sends no choice yet: the form is shown unanswered, without an error.
    answered = request.POST if "choosing" in request.POST else None
    form = EnrolForm(answered, organisations=organisations) if choose else None
    if request.method == "POST" and (form is None or (answered is not None and form.is_valid())):
        try:
            enrolment = services.enrol(
                actor=request.user, session=session, organisation=form.cleaned_data["organisation"] if form else None
            )
        except ValidationError as error:
            if form is None:
                for message in error.messages:
                    messages.error(request, message)
                return redirect(session)
            add_service_errors(form, error)
        else:
            messages.success(request, str(DONE[enrolment.status]))
            return redirect(session)
    if form is None:
        return redirect(session)
    return render(request, "learning/enrolments/enrol.html", {"session": session, "form": form})


def _own_enrolment(request, pk) -> Enrolment:
    enrolment = Enrolment.objects.select_related("session__course").filter(pk=pk).first()
    if enrolment is None or not request.user.has_perm("learning.view_enrolment", enrolment):
        raise Http404
    return enrolment


@login_required
def enrolment_cancel(request, pk):
    enrolment = _own_enrolment(request, pk)
    if enrolment.person_id != request.user.pk:
        raise Http404
    session = enrolment.session
    if request.method == "POST":
        try:
            services.enrolment_cancel(actor=request.user, enrolment=enrolment)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        except PermissionDenied:
            messages.error(request, _("This enrolment is no longer on."))
        else:
            messages.success(request, _("Your enrolment is cancelled. Thank you for freeing the place."))
        return redirect(session)
    return render(request, "learning/enrolments/cancel.html", {"enrolment": enrolment, "session": session})


@login_required
def mine(request):
    """The person's learning: what is on, then what is over."""
    enrolments = list(queries.learning_of(request.user)[:200])
    on, past = [], []
    for enrolment in enrolments:
        still_on = enrolment.status in ACTIVE_STATUSES and enrolment.session.phase == SessionPhase.UPCOMING
        (on if still_on else past).append(enrolment)
    context = {
        "on": list(reversed(on)),
        "past": past,
        "certificates": list(certificate_queries.certificates_of(request.user)[:200]),
    }
    return render(request, "learning/enrolments/mine.html", context)


@login_required
def approvals(request):
    page = paginate(request, queries.awaiting_approval(request.user))
    return render(request, "learning/enrolments/approvals.html", {"page": page})


@login_required
@require_POST
def enrolment_approve(request, pk):
    enrolment = _own_enrolment(request, pk)
    try:
        enrolment = services.enrolment_approve(actor=request.user, enrolment=enrolment)
    except PermissionDenied:
        messages.error(request, _("This request is no longer waiting for an answer."))
    else:
        if enrolment.status == EnrolmentStatus.ENROLLED:
            messages.success(request, _("Approved: %(person)s is enrolled.") % {"person": enrolment.person.name})
        else:
            messages.success(
                request,
                _("Approved: the session is full, %(person)s is on its waiting list.")
                % {"person": enrolment.person.name},
            )
    return redirect("learning:approvals")


@login_required
def enrolment_refuse(request, pk):
    enrolment = _own_enrolment(request, pk)
    if not request.user.has_perm("learning.decide_enrolment", enrolment):
        if enrolment.organisation_id is not None and request.user.has_perm("learning.view_enrolment", enrolment):
            messages.error(request, _("This request is no longer waiting for an answer."))
            return redirect("learning:approvals")
        raise PermissionDenied
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_refuse(actor=request.user, enrolment=enrolment, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied:
            messages.error(request, _("This request is no longer waiting for an answer."))
            return redirect("learning:approvals")
        else:
            messages.success(request, _("Not approved: %(person)s is told why.") % {"person": enrolment.person.name})
            return redirect("learning:approvals")
    return render(request, "learning/enrolments/refuse.html", {"enrolment": enrolment, "form": form})

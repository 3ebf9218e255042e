"""Sessions: their page (public), scheduling, changes and cancellation by a programme manager,
the participants and attendance for the trainer, and calendar files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ponte.accounts.queries import people_named, person_suggestion
from ponte.core import versions
from ponte.core.forms import add_service_errors
from ponte.core.pagecache import public_page

from ..calendar import calendar_of
from ..forms.sessions import AttendanceForm, ReasonForm, SessionEditForm, SessionForm
from ..models import ACTIVE_STATUSES, EnrolmentStatus
from ..queries import sessions as queries
from ..services import sessions as services
from .catalogue import visible_course

SUGGESTIONS_SHOWN = 8


def visible_session(pk):
    found = queries.session_for(pk)
    if found is None:
        raise Http404
    return found


@public_page
def session_detail(request, pk):
    session = visible_session(pk)
    user = request.user
    enrolment = queries.enrolment_of(user, session)
    context = {
        "session": session,
        "course": session.course,
        "enrolment": enrolment,
        "position": queries.waiting_position(enrolment),
        "participants": list(queries.participants(session))
        if user.has_perm("learning.view_participants", session)
        else None,
        "can": {
            "enrol": user.has_perm("learning.enrol", session)
            and (enrolment is None or enrolment.status not in ACTIVE_STATUSES),
            "cancel_enrolment": enrolment is not None and user.has_perm("learning.cancel_enrolment", enrolment),
            "change": user.has_perm("learning.change_session", session),
            "cancel": user.has_perm("learning.cancel_session", session),
            "attendance": user.has_perm("learning.record_attendance", session),
        },
        "sign_in_url": f"{reverse('account_login')}?next={session.get_absolute_url()}",
    }
    return render(request, "learning/sessions/detail.html", context)


def _session_form(request, form_class, **kwargs):
    return form_class(request.POST or None, suggestions=reverse("learning:people"), **kwargs)


@login_required
def session_schedule(request, pk):
    course = visible_course(pk)
    if not request.user.has_perm("learning.schedule_session", course):
        raise PermissionDenied
    form = _session_form(request, SessionForm)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_schedule(actor=request.user, course=course, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The session is scheduled: people can enrol from now on."))
            return redirect(session)
    return render(request, "learning/sessions/form.html", {"form": form, "course": course})


@login_required
def session_edit(request, pk):
    session = visible_session(pk)
    if not request.user.has_perm("learning.change_session", session):
        raise PermissionDenied
    initial = {
        name: getattr(session, name)
        for name in ("starts_at", "ends_at", "place", "online_link", "capacity", "needs_approval", "version")
    }
    initial["trainer"] = session.trainer.email
    form = _session_form(request, SessionEditForm, initial=initial)
    changes = []
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(
                actor=request.user, session=session, seen_version=form.cleaned_data["version"], **form.service_fields()
            )
        except versions.StaleEdit as stale:
            changes = versions.refuse_stale(
                form,
                stale,
                _(
                    "Someone saved this session after you opened it: your changes are not saved yet. "
                    "Compare with what changed, below, and save again."
                ),
            )
        except PermissionDenied:
            messages.error(request, _("The session has begun or is cancelled: it can no longer be changed."))
            return redirect(session)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The session is saved. Those enrolled are told if it moved."))
            return redirect(session)
    context = {"form": form, "course": session.course, "session": session, "changes": changes}
    return render(request, "learning/sessions/form.html", context)


@login_required
def session_cancel(request, pk):
    session = visible_session(pk)
    if not request.user.has_perm("learning.cancel_session", session):
        raise PermissionDenied
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_cancel(actor=request.user, session=session, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied:
            messages.error(request, _("The session has begun: it can no longer be cancelled."))
            return redirect(session)
        else:
            messages.success(request, _("The session is cancelled. Everyone enrolled or waiting is told."))
            return redirect(session)
    return render(request, "learning/sessions/cancel.html", {"session": session, "form": form})


@login_required
def attendance(request, pk):
    session = visible_session(pk)
    if not request.user.has_perm("learning.view_participants", session):
        raise Http404
    if not request.user.has_perm("learning.record_attendance", session):
        messages.error(request, _("Attendance is recorded once the session has begun."))
        return redirect(session)
    enrolled = list(queries.enrolled(session))
    initial = {"present": [e.pk for e in enrolled if e.attended]}
    form = AttendanceForm(request.POST or None, enrolments=enrolled, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.attendance_record(actor=request.user, session=session, present=set(form.cleaned_data["present"]))
        messages.success(request, _("Attendance is recorded."))
        return redirect(session)
    return render(
        request, "learning/sessions/attendance.html", {"session": session, "form": form, "enrolled": enrolled}
    )


def _host(request) -> str:
    return request.get_host().split(":")[0] or "ponte"


@public_page
def session_calendar(request, pk):
    """One session as a calendar file, for anyone who reads its page; its online link, as on
    the page, only for those enrolled, its trainer and the programme managers."""
    session = visible_session(pk)
    enrolment = queries.enrolment_of(request.user, session)
    link_shown = request.user.has_perm("learning.view_participants", session) or (
        enrolment is not None and enrolment.status == EnrolmentStatus.ENROLLED
    )
    body = calendar_of(
        [session],
        host=_host(request),
        url_of=lambda s: request.build_absolute_uri(s.get_absolute_url()),
        shows_link=lambda s: link_shown,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="learning-session-{session.pk}.ics"'
    return response


@login_required
def my_calendar(request):
    """Every session the person is enrolled in, as one calendar file."""
    sessions = queries.calendar_sessions(request.user)
    body = calendar_of(sessions, host=_host(request), url_of=lambda s: request.build_absolute_uri(s.get_absolute_url()))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="learning.ics"'
    return response


@login_required
def people(request):
    """People whose name or address holds what was typed, a few at a time: for naming a trainer."""
    if not request.user.has_perm("learning.add_course"):
        raise PermissionDenied
    text = request.GET.get("q", "").strip().replace("\x00", "")[:200]
    return JsonResponse({"results": [person_suggestion(user) for user in people_named(text, limit=SUGGESTIONS_SHOWN)]})

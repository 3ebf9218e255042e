"""Co-creation with citizens: the panel a person joins, sees, downloads and leaves; a
project's sessions (invitations, places, calendar file, attendance) and prototypes with
the feedback given on each version."""

from __future__ import annotations

import json

import icalendar
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ponte.core.forms import add_service_errors

from ..forms.cocreation import (
    AttendanceForm,
    FeedbackForm,
    InviteForm,
    JoinPanelForm,
    PanelForm,
    PrototypeForm,
    SessionForm,
)
from ..queries import cocreation as queries
from ..rules import invitation_of
from ..services import cocreation as services
from .projects import project_for_work


@login_required
def panel(request):
    """Joining the citizens' panel; once on it, what the lab holds about the member, and their
    invitations."""
    member = queries.panel_member(request.user)
    if member is None:
        form = JoinPanelForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.panel_join(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("You are on the citizens' panel. Project teams can now invite you."))
                return redirect("lab:panel")
        return render(request, "lab/panel/join.html", {"form": form})
    initial = {
        "topics": [tag.code for tag in member.topics.all()],
        "region": member.region,
        "age_band": member.age_band,
        "accessibility": member.accessibility,
    }
    form = PanelForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.panel_update(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your answers are saved."))
            return redirect("lab:panel")
    context = {"member": member, "form": form, "invitations": list(queries.invitations_of(request.user)[:100])}
    return render(request, "lab/panel/member.html", context)


@login_required
def panel_export(request):
    """Everything the lab holds about the member, as a file they keep."""
    data = services.panel_export(request.user)
    if not data:
        raise Http404
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="ponte-citizens-panel.json"'
    return response


@login_required
def panel_withdraw(request):
    if queries.panel_member(request.user) is None:
        return redirect("lab:panel")
    if request.method == "POST":
        services.panel_withdraw(actor=request.user)
        messages.success(
            request,
            _(
                "You have left the citizens' panel. What you told the lab, and your part in sessions and "
                "feedback, is erased."
            ),
        )
        return redirect("lab:home")
    return render(request, "lab/panel/withdraw.html")


# Sessions ---------------------------------------------------------------------------------


def _session(request, pk):
    session = queries.session_for(request.user, pk)
    if session is None:
        raise Http404
    return session


@login_required
def session_create(request, pk):
    project = project_for_work(request, pk, "lab.add_session")
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The session is planned. Invite panel members to it."))
            return redirect(session)
    return render(request, "lab/sessions/form.html", {"project": project, "form": form})


@login_required
def session_detail(request, pk):
    session = _session(request, pk)
    user = request.user
    # The same read the permissions below make, kept on the session: one query, not two.
    invitation = invitation_of(user, session)
    can = {
        "manage": user.has_perm("lab.manage_session", session),
        "sign_up": user.has_perm("lab.sign_up_session", session),
        "cancel": user.has_perm("lab.cancel_sign_up", session),
        "attendance": user.has_perm("lab.record_attendance", session),
        "see_project": user.has_perm("lab.view_project", session.project),
        "see_participants": user.has_perm("lab.view_participants", session),
    }
    context = {
        "session": session,
        "project": session.project,
        "invitation": invitation,
        "can": can,
        "invite_form": InviteForm() if can["manage"] else None,
        "places_left": max(0, session.capacity - session.signed_up),
        "prototypes": list(session.project.prototypes.all()) if invitation else [],
        "participants": list(queries.signed_up(session)) if can["see_participants"] else [],
    }
    return render(request, "lab/sessions/detail.html", context)


@login_required
@require_POST
def session_invite(request, pk):
    session = _session(request, pk)
    if not request.user.has_perm("lab.manage_session", session):
        raise PermissionDenied
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invited = services.session_invite(actor=request.user, session=session, **form.cleaned_data)
        except ValidationError as error:
            for field_messages in error.message_dict.values():
                for message in field_messages:
                    messages.error(request, message)
        else:
            if invited:
                messages.success(
                    request,
                    ngettext("%(count)s panel member is invited.", "%(count)s panel members are invited.", invited)
                    % {"count": invited},
                )
            else:
                messages.info(request, _("No panel member who was not invited yet matches these choices."))
    else:
        # The form sits on the session's page: each fault is told with the field it concerns.
        for name, field_messages in form.errors.items():
            for message in field_messages:
                messages.error(request, f"{form.fields[name].label}: {message}" if name in form.fields else message)
    return redirect(session)


@login_required
@require_POST
def session_sign_up(request, pk):
    session = _session(request, pk)
    if not request.user.has_perm("lab.sign_up_session", session):
        raise PermissionDenied
    try:
        services.session_sign_up(actor=request.user, session=session)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Your place is kept. You will be reminded the day before."))
    return redirect(session)


@login_required
@require_POST
def session_cancel(request, pk):
    session = _session(request, pk)
    if not request.user.has_perm("lab.cancel_sign_up", session):
        raise PermissionDenied
    services.session_cancel(actor=request.user, session=session)
    messages.success(request, _("Your place is given back."))
    return redirect(session)


@login_required
def session_attendance(request, pk):
    session = _session(request, pk)
    if not request.user.has_perm("lab.record_attendance", session):
        raise PermissionDenied
    invitations = list(queries.signed_up(session))
    form = AttendanceForm(request.POST or None, invitations=invitations)
    if request.method == "POST" and form.is_valid():
        came = services.attendance_record(actor=request.user, session=session, present=form.present())
        messages.success(request, _("Attendance is recorded: %(count)s came.") % {"count": came})
        return redirect(session)
    return render(
        request, "lab/sessions/attendance.html", {"session": session, "project": session.project, "form": form}
    )


@login_required
def session_calendar(request, pk):
    """The session as an iCalendar file, for the invited and the team."""
    session = _session(request, pk)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Ponte//Lab sessions//EN")
    calendar.add("version", "2.0")
    event = icalendar.Event()
    event.add("uid", f"lab-session-{session.pk}@{request.get_host()}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", session.title)
    event.add("location", session.place)
    event.add("description", "\n\n".join(filter(None, [session.description, session.accessibility])))
    event.add("url", request.build_absolute_uri(session.get_absolute_url()))
    calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ponte-session-{session.pk}.ics"'
    return response


# Prototypes -------------------------------------------------------------------------------


@login_required
def prototype_create(request, pk):
    project = project_for_work(request, pk, "lab.add_prototype")
    form = PrototypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            prototype = services.prototype_create(
                actor=request.user,
                project=project,
                name=form.cleaned_data["name"],
                version=form.cleaned_data["version"],
                description=form.cleaned_data["description"],
                questions=form.questions(),
            )
        except ValidationError as error:
            # The questions' fault is told beside the first question.
            faults = error.message_dict
            if "questions" in faults:
                faults["question_1"] = faults.pop("questions")
            add_service_errors(form, ValidationError(faults))
        else:
            messages.success(request, _("The prototype is ready for feedback from the members invited to sessions."))
            return redirect(prototype)
    return render(request, "lab/prototypes/form.html", {"project": project, "form": form})


@login_required
def prototype_detail(request, pk):
    prototype = queries.prototype_for(request.user, pk)
    if prototype is None:
        raise Http404
    user = request.user
    may_answer = user.has_perm("lab.give_feedback", prototype)
    form = FeedbackForm(request.POST or None, questions=prototype.questions.all()) if may_answer else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.feedback_give(actor=user, prototype=prototype, answers=form.answers())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Thank you: your answers are sent to the project's team."))
                return redirect(prototype)
    sees_results = user.has_perm("lab.view_project", prototype.project)
    context = {
        "prototype": prototype,
        "project": prototype.project,
        "form": form,
        "answered": not may_answer and prototype.responses.filter(member__person=user).exists(),
        "summary": queries.feedback_summary(prototype) if sees_results else None,
        "responses": queries.responses_count(prototype) if sees_results else None,
        "sees_results": sees_results,
    }
    return render(request, "lab/prototypes/detail.html", context)

"""The dialogue on a sent application and the decisions on it: the parties write and reply, the
ministry or a programme manager asks for changes, the ministry invites the final application,
approves it or rejects it. Views stay thin: parse a form, call a service, render. A refusal is
shown beside the field it concerns, and nothing typed is lost."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from ponte.accounts.queries import person_suggestion, sponsors_named
from ponte.core.forms import ReasonForm

from ..forms.dialogue import ApproveForm, ChangesForm, InviteFinalForm, MessageForm
from ..models import Message
from ..queries import applications as queries
from ..services import decisions, dialogue
from .acting import act, visible

SUGGESTIONS_SHOWN = 10


@login_required
def message_write(request, pk):
    reply_to = None
    if request.GET.get("reply_to", "").isdigit():
        reply_to = Message.objects.filter(pk=int(request.GET["reply_to"]), application_id=pk).first()
        if reply_to is None:
            raise Http404
    form = MessageForm(request.POST or None, request.FILES or None)
    return act(
        request,
        visible(request, pk),
        "sandbox.write_message",
        form,
        lambda application, data: dialogue.message_write(
            actor=request.user, application=application, body=data["body"], reply_to=reply_to, files=data["files"]
        ),
        done=_("Your message is sent. The other side is told."),
        template="sandbox/dialogue/write.html",
        context={"reply_to": reply_to},
    )


@login_required
def changes_ask(request, pk):
    form = ChangesForm(request.POST or None, request.FILES or None)
    return act(
        request,
        visible(request, pk),
        "sandbox.ask_changes",
        form,
        lambda application, data: dialogue.changes_ask(
            actor=request.user, application=application, body=data["body"], files=data["files"]
        ),
        done=_("Changes are asked. The applicants can change the application and send it again."),
        template="sandbox/dialogue/changes.html",
    )


@login_required
def final_invite(request, pk):
    form = InviteFinalForm(request.POST or None, request.FILES or None)
    return act(
        request,
        visible(request, pk),
        "sandbox.invite_final",
        form,
        lambda application, data: dialogue.final_invite(
            actor=request.user, application=application, body=data["body"], files=data["files"]
        ),
        done=_("The applicants are invited to send the final application."),
        template="sandbox/dialogue/invite.html",
    )


@login_required
def application_reject(request, pk):
    form = ReasonForm(
        request.POST or None,
        label=_("Reasons for the rejection"),
        help_text=_("The applicants read them: say which rule cannot be waived, and why."),
        required_message=_("Give the reasons for the rejection: the applicants read them."),
    )
    return act(
        request,
        visible(request, pk),
        "sandbox.reject_application",
        form,
        lambda application, data: decisions.application_reject(
            actor=request.user, application=application, reason=data["reason"]
        ),
        done=_("The application is rejected. The applicants are told why."),
        template="sandbox/dialogue/reject.html",
    )


@login_required
def application_approve(request, pk):
    form = ApproveForm(request.POST or None, suggestions=reverse("sandbox:sponsors"))
    return act(
        request,
        visible(request, pk),
        "sandbox.approve_application",
        form,
        lambda application, data: decisions.application_approve(actor=request.user, application=application, **data),
        done=_("The application is approved: the exemption is granted, and the applicants are told."),
        template="sandbox/dialogue/approve.html",
        initial=lambda application: {"starts": application.starts, "ends": application.ends},
    )


@login_required
def sponsors(request):
    """Sponsors whose name or address holds what a person typed, a few at a time: for those
    who approve exemptions."""
    if not queries.may_name_sponsors(request.user):
        raise PermissionDenied
    text = request.GET.get("q", "").strip().replace("\x00", "")[:200]
    return JsonResponse(
        {"results": [person_suggestion(user) for user in sponsors_named(text, limit=SUGGESTIONS_SHOWN)]}
    )

"""Applications: the members of a public body start one in an open call, write it as a draft
with its rules to waive, send it complete, or withdraw it; the ministry responsible and the
programme managers read what was sent. Views stay thin: parse a form, call a service or a read,
render. A refusal is shown beside the field it concerns, and nothing typed is lost."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ponte.core import versions
from ponte.core.forms import ReasonForm, add_service_errors
from ponte.core.paging import paginate
from ponte.core.registry import registry

from ..forms.applications import ApplicationForm, RuleForm, StartForm
from ..models import (
    ApplicationStatus,
    CallPhase,
    Rule,
)
from ..queries import applications as queries
from ..queries import calls as call_queries
from ..services import applications as services
from ..services.applications import LAB_PROJECT
from .acting import act, may, visible

SUGGESTIONS_SHOWN = 10
MAX_QUERY = 200


def _missing(application):
    return [
        {
            "message": message,
            "url": (
                f"{application.get_absolute_url()}#rules"
                if field == "rules"
                else f"{reverse('sandbox:application_edit', args=[application.pk])}#id_{field}"
            ),
        }
        for field, message in services.missing_for_submission(application)
    ]


@login_required
def application_list(request):
    status = request.GET.get("status", "")
    applications = queries.applications_visible_to(request.user).order_by("-created_at", "-pk")
    if status in ApplicationStatus.values:
        applications = applications.filter(status=status)
    else:
        status = ""
    context = {
        "page": paginate(request, applications),
        "status": status,
        "statuses": ApplicationStatus.choices,
        "open_calls": list(call_queries.open_calls()[:5]),
    }
    return render(request, "sandbox/applications/list.html", context)


@login_required
def application_start(request, pk):
    call = call_queries.call_for(pk)
    if call is None:
        raise Http404
    if not request.user.has_perm("sandbox.apply", call):
        if call.phase != CallPhase.OPEN:
            messages.error(
                request,
                _("This call is not open for applications: it is “%(phase)s”.") % {"phase": call.get_phase_display()},
            )
            return redirect(call)
        raise PermissionDenied
    form = StartForm(request.POST or None, bodies=queries.applying_bodies(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_start(
                actor=request.user,
                call=call,
                coordinator=form.cleaned_data["coordinator"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your draft is saved. Write each part, add the rules to waive, then send it."))
            return redirect("sandbox:application_edit", application.pk)
    return render(request, "sandbox/applications/start.html", {"call": call, "form": form})


@login_required
def application_detail(request, pk):
    application = visible(request, pk)
    user = request.user
    can = {
        perm: user.has_perm(f"sandbox.{perm}", application)
        for perm in (
            "change_application",
            "submit_application",
            "withdraw_application",
            "write_message",
            "ask_changes",
            "invite_final",
            "approve_application",
            "reject_application",
        )
    }
    sent = application.submitted_at is not None
    # Read with the application: None until one is granted.
    exemption = getattr(application, "exemption", None)
    if exemption is not None:
        can.update(
            {
                perm: user.has_perm(f"sandbox.{perm}", exemption)
                for perm in (
                    "report_progress",
                    "revoke_exemption",
                    "evaluate_exemption",
                    "record_outcome",
                    "ask_another_sponsor",
                )
            }
        )
    context = {
        "application": application,
        "call": application.call,
        "partners": list(application.partners.all()),
        "rules": list(application.rules.all()),
        "can": can,
        "missing": _missing(application) if can["submit_application"] else [],
        # Only a first send needs the call open.
        "call_open": sent or application.call.phase == CallPhase.OPEN,
        "dialogue": queries.messages_of(application) if sent else [],
        "exemption": exemption,
        "lab_project": _lab_project(user, application),
        "reports": list(exemption.reports.all()) if exemption else [],
    }
    return render(request, "sandbox/applications/detail.html", context)


def _form(request, application):
    initial = {name: getattr(application, name) for name in ApplicationForm.base_fields if hasattr(application, name)}
    initial["partners"] = ", ".join(body.slug for body in application.partners.all())
    initial["ministry"] = application.ministry_id
    project = _lab_project(request.user, application)
    initial["lab_project"] = f"#{application.lab_project} {project[0]}" if project else ""
    return ApplicationForm(
        request.POST or None,
        initial=initial,
        call=application.call,
        ministries=queries.ministries(),
        suggestions=reverse("sandbox:public_bodies"),
        final=application.is_final_stage,
        projects=reverse("sandbox:lab_projects") if _lab() is not None else "",
    )


@login_required
def application_edit(request, pk):
    application = visible(request, pk)
    refused = may(request, "sandbox.change_application", application)
    if refused:
        return refused
    form = _form(request, application)
    changes = []
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(
                actor=request.user,
                application=application,
                seen_version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except versions.StaleEdit as stale:
            changes = versions.refuse_stale(
                form,
                stale,
                _(
                    "Someone saved this application after you opened it: your changes are not saved yet. "
                    "Compare with what changed, below, and save again."
                ),
            )
        except PermissionDenied:
            return may(request, "sandbox.change_application", visible(request, pk))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect(application)
    context = {"application": application, "form": form, "changes": changes}
    return render(request, "sandbox/applications/form.html", context)


@login_required
def rule_add(request, pk):
    return act(
        request,
        visible(request, pk),
        "sandbox.change_application",
        RuleForm(request.POST or None),
        lambda application, data: services.rule_add(actor=request.user, application=application, **data),
        done=_("The rule is added."),
        template="sandbox/applications/rule.html",
        to="#rules",
    )


@login_required
def rule_edit(request, pk, rule_pk):
    application = visible(request, pk)
    rule = get_object_or_404(Rule, pk=rule_pk, application=application)
    return act(
        request,
        application,
        "sandbox.change_application",
        RuleForm(request.POST or None),
        lambda application, data: services.rule_change(actor=request.user, rule=rule, **data),
        done=_("The rule is saved."),
        template="sandbox/applications/rule.html",
        context={"rule": rule},
        initial=lambda application: {name: getattr(rule, name) for name in RuleForm.base_fields},
        to="#rules",
    )


@login_required
@require_POST
def rule_remove(request, pk, rule_pk):
    application = visible(request, pk)
    rule = get_object_or_404(Rule, pk=rule_pk, application=application)
    try:
        services.rule_remove(actor=request.user, rule=rule)
    except PermissionDenied:
        refused = may(request, "sandbox.change_application", visible(request, pk))
        if refused:
            return refused
        raise
    messages.success(request, _("The rule is removed."))
    return redirect(f"{application.get_absolute_url()}#rules")


@login_required
@require_POST
def application_submit(request, pk):
    application = visible(request, pk)
    try:
        services.application_submit(actor=request.user, application=application)
    except PermissionDenied:
        refused = may(request, "sandbox.submit_application", visible(request, pk))
        if refused:
            return refused
        raise
    except ValidationError as error:
        # The page lists what is missing, each with a link to where it is written.
        for message in error.messages:
            messages.error(request, message)
        return redirect(application)
    messages.success(
        request,
        _("The application is sent to the ministry and the programme managers. You will be told what they say."),
    )
    return redirect(application)


@login_required
def application_withdraw(request, pk):
    application = visible(request, pk)
    sent = application.submitted_at is not None
    form = ReasonForm(
        request.POST or None,
        label=_("Why the application is withdrawn"),
        help_text=_("The ministry and the programme managers read it.") if sent else _("Only your bodies read it."),
        required_message=_("Say why the application is withdrawn: the ministry and the programme managers read it."),
    )
    form.fields["reason"].required = sent
    return act(
        request,
        application,
        "sandbox.withdraw_application",
        form,
        lambda application, data: services.application_withdraw(
            actor=request.user, application=application, reason=data["reason"]
        ),
        done=_("The application is withdrawn."),
        template="sandbox/applications/withdraw.html",
    )


def _lab():
    """How the lab shows and names its projects, when this platform has a lab (core.links)."""
    linked = registry.linked_models.get(LAB_PROJECT)
    return linked if linked is not None and linked.named is not None else None


def _lab_project(user, application) -> tuple[str, str] | None:
    """(title, address) of the application's lab project, when the person may see it."""
    lab = _lab()
    if application.lab_project is None or lab is None:
        return None
    return lab.shown(user, [application.lab_project]).get(application.lab_project)


@login_required
def lab_project_suggestions(request):
    """Lab projects the person may see whose title holds what they typed, a few at a time,
    each written as the field keeps it: its number, then its title."""
    lab = _lab()
    text = request.GET.get("q", "").strip().replace("\x00", "")[:MAX_QUERY]
    found = lab.named(request.user, text) if lab is not None else []
    return JsonResponse({"results": [{"value": f"#{pk} {title}", "name": f"{title} (#{pk})"} for pk, title in found]})


@login_required
def public_body_suggestions(request):
    """Verified public bodies whose name holds what a person typed: the suggestions of the
    network field, a few at a time, each with the short name the field keeps."""
    text = request.GET.get("q", "").strip().replace("\x00", "")[:MAX_QUERY]
    bodies = (
        queries.public_bodies()
        .filter(name__icontains=text)
        .order_by("name")
        .values_list("slug", "name")[:SUGGESTIONS_SHOWN]
        if len(text) >= 2
        else []
    )
    return JsonResponse({"results": [{"value": slug, "name": f"{name} ({slug})"} for slug, name in bodies]})

"""Drafting: a public servant's challenges, the step-by-step editor with its task list, the
documents and the check before sending."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from ponte.core import attachments
from ponte.core.forms import add_service_errors, mark_needed_later
from ponte.core.paging import paginate
from ponte.organisations.queries import roles_of

from ..forms.drafting import (
    BudgetForm,
    ChallengeCreateForm,
    ClassificationForm,
    DocumentsForm,
    ProblemForm,
    criteria_formset,
    criteria_from,
)
from ..models import EDITABLE, Challenge, Status
from ..queries import drafting as drafting_queries
from ..queries import public as public_queries
from ..queries import review as review_queries
from ..services import amendments as amendments_services
from ..services import content as content_services
from ..services import drafting as drafting_services

# The steps of the draft, in order: (key, title, form). "criteria" is a formset;
# "documents" adds and removes files (challenge_documents).
STEPS = [
    ("problem", gettext_lazy("The problem"), ProblemForm),
    ("classification", gettext_lazy("Sectors, codes and languages"), ClassificationForm),
    ("budget", gettext_lazy("Budget and deadline"), BudgetForm),
    ("criteria", gettext_lazy("Evaluation criteria"), None),
    ("documents", gettext_lazy("Documents"), None),
]
STEP_KEYS = [key for key, _title, _form in STEPS]

# Where each missing item is fixed: the step and the field to focus.
FIELD_STEP = {
    "title": ("problem", "id_title"),
    "phase_name": ("problem", "id_phase_name"),
    "summary": ("problem", "id_summary"),
    "context": ("problem", "id_context"),
    "problem": ("problem", "id_problem"),
    "affected": ("problem", "id_affected"),
    "desired_outcomes": ("problem", "id_desired_outcomes"),
    "constraints": ("problem", "id_constraints"),
    "out_of_scope": ("problem", "id_out_of_scope"),
    "sectors": ("classification", "id_sectors_0"),
    "cpv_codes": ("classification", "id_cpv_codes"),
    "languages": ("classification", "id_languages_0"),
    "instrument": ("budget", "id_instrument_0"),
    "budget_ceiling": ("budget", "id_budget_ceiling"),
    "deadline": ("budget", "id_deadline_date"),
    "criteria": ("criteria", "id_criteria-0-name"),
}

# A service names the deadline; the budget form asks for its date and time.
SERVICE_FIELD_ON_FORM = {"deadline": "deadline_date"}

# The form fields that carry a field the send rule names, where the names differ: the deadline
# is asked as a date and a time, the criteria as rows of a name and a weight.
FORM_FIELDS = {"deadline": ("deadline_date", "deadline_time"), "criteria": ("name", "weight")}
# How a needed field is called where no one form field carries its label.
NEEDED_LABELS = {
    "deadline": gettext_lazy("Deadline for proposals"),
    "criteria": gettext_lazy("Evaluation criteria"),
}
# What every new draft already holds: it does not make a part started.
PREFILLED = {"title", "phase_name", "instrument"}

# The status of each part of a draft, as a GOV.UK task list gives it.
TASK_STATUS = {
    "not_started": pgettext_lazy("status of a part", "Not started"),
    "in_progress": pgettext_lazy("status of a part", "In progress"),
    "completed": pgettext_lazy("status of a part", "Completed"),
    "cannot_start": pgettext_lazy("status of a part", "Cannot start yet"),
}


def _allowed(request, perm, challenge):
    if not request.user.has_perm(perm, challenge):
        raise PermissionDenied


def _on_form(error: ValidationError) -> ValidationError:
    if hasattr(error, "error_dict"):
        return ValidationError(
            {SERVICE_FIELD_ON_FORM.get(field, field): messages for field, messages in error.message_dict.items()}
        )
    return error


def _step_of(field: str) -> str:
    return FIELD_STEP.get(field, ("problem", "id_title"))[0]


def _needed_later(step: str) -> list[tuple[str, object]]:
    """(field, label) of what sending needs from a step that a draft may leave empty for now:
    the send rule's fields on this step, less those the step's form requires anyway."""
    form_class = {key: form for key, _title, form in STEPS}[step]
    fields = form_class.base_fields if form_class is not None else {}
    needed = []
    for field in content_services.needed_to_send():
        if _step_of(field) != step or (field in fields and fields[field].required):
            continue
        label = NEEDED_LABELS.get(field) or (fields[field].label if field in fields else field)
        needed.append((field, label))
    return needed


def _started(challenge, step: str) -> bool:
    """Whether the author has given anything on a part of the draft."""
    if step == "criteria":
        return challenge.criteria.exists()
    if step == "documents":
        return bool(attachments.attachments_of(challenge))
    form_class = {key: form for key, _title, form in STEPS}[step]
    initial = form_class.initial_for(challenge)
    return any(value not in (None, "", [], ()) for name, value in initial.items() if name not in PREFILLED)


def _tasks(challenge, missing) -> list[dict]:
    """The draft's parts as a task list: what sending needs from each, and each one's status.
    A part is completed when the send rule misses nothing on it (an optional part, once
    something is given); the check cannot start while anything is missing."""
    missing_steps = {_step_of(field) for field, _message in missing}
    tasks = []
    for key, title, _form in STEPS:
        started = _started(challenge, key)
        needed = [label for _field, label in _needed_later(key)]
        if key in missing_steps:
            status = "in_progress" if started else "not_started"
        else:
            status = "completed" if needed or started else "not_started"
        tasks.append(
            {"key": key, "title": title, "needed": needed, "status": status, "status_label": TASK_STATUS[status]}
        )
    check = "cannot_start" if missing else "not_started"
    tasks.append({"key": "check", "title": _("Check and send"), "status": check, "status_label": TASK_STATUS[check]})
    return tasks


def _missing(challenge):
    items = []
    for field, message in content_services.missing_for_submission(challenge):
        step, anchor = FIELD_STEP.get(field, ("problem", "id_title"))
        items.append(
            {
                "field": field,
                "message": message,
                "url": reverse("challenges:edit", args=[challenge.pk, step]) + f"#{anchor}",
            }
        )
    return items


@login_required
def my_challenges(request):
    # Once published, a challenge leaves the drafts: it is listed with the state the public
    # reads (open, closed while evaluated, awarded, closed without award, cancelled).
    published = paginate(
        request,
        Challenge.objects.was_published()
        .filter(owner_id__in=list(roles_of(request.user)))
        .select_related("owner")
        .order_by("-published_at", "-pk"),
    )
    now = timezone.now()
    for challenge in published.object_list:
        challenge.public_state = public_queries.public_state(challenge, now)
    return render(
        request,
        "challenges/drafting/mine.html",
        {
            "drafts": drafting_queries.drafts_of(request.user),
            "to_approve": review_queries.awaiting_organisation(request.user),
            "published": published,
            "can_create": request.user.has_perm("challenges.add_challenge"),
        },
    )


@login_required
def challenge_create(request):
    if not request.user.has_perm("challenges.add_challenge"):
        raise PermissionDenied
    form = ChallengeCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            challenge = drafting_services.challenge_create(
                actor=request.user, owner=form.cleaned_data["owner"], title=form.cleaned_data["title"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your draft is saved. Describe the problem next."))
            return redirect("challenges:edit", pk=challenge.pk, step="problem")
    return render(request, "challenges/drafting/create.html", {"form": form})


def _next_url(challenge, step):
    index = STEP_KEYS.index(step)
    if index + 1 < len(STEP_KEYS):
        return reverse("challenges:edit", args=[challenge.pk, STEP_KEYS[index + 1]])
    return reverse("challenges:check", args=[challenge.pk])


@login_required
def challenge_edit(request, pk, step):
    if step not in STEP_KEYS:
        raise Http404
    challenge = public_queries.challenge_or_404(request.user, pk)
    _allowed(request, "challenges.change_challenge", challenge)
    if step == "documents":
        return challenge_documents(request, challenge)
    form_class = {key: form for key, _title, form in STEPS}[step]
    posted = request.method == "POST"
    if step == "criteria":
        form = criteria_formset(request.POST if posted else None, challenge=challenge)
    else:
        form = form_class(
            request.POST if posted else None, initial=form_class.initial_for(challenge), challenge=challenge
        )
    # What sending needs is not "(optional)", though a draft may be saved without it.
    needed = [name for field, _label in _needed_later(step) for name in FORM_FIELDS.get(field, (field,))]
    for part in form.forms if step == "criteria" else [form]:
        mark_needed_later(part, needed)
    if posted and form.is_valid():
        fields = {"criteria": criteria_from(form)} if step == "criteria" else form.service_fields()
        try:
            drafting_services.challenge_update(actor=request.user, challenge=challenge, **fields)
        except ValidationError as error:
            if step == "criteria":
                form._non_form_errors = form.error_class(error.messages, error_class="nonform")
            else:
                add_service_errors(form, _on_form(error))
        else:
            was_published = challenge.status == Status.PUBLISHED
            amendments = challenge.amendments.count() if was_published else 0
            challenge.refresh_from_db()
            if was_published and challenge.status == Status.AWAITING_REVIEW:
                messages.warning(request, _("Your changes are saved. The challenge goes back to review."))
                return redirect(challenge)
            if was_published:
                if challenge.amendments.count() > amendments:
                    messages.success(
                        request,
                        _(
                            "The amendment is published on the challenge page, and the companies that follow "
                            "the challenge or submitted a proposal are told."
                        ),
                    )
                else:
                    messages.success(request, _("Your changes are saved."))
                return redirect(challenge)
            messages.success(request, _("Draft saved."))
            if "continue" in request.POST:
                return redirect(_next_url(challenge, step))
            return redirect("challenges:edit", pk=challenge.pk, step=step)
    template = "challenges/drafting/criteria.html" if step == "criteria" else "challenges/drafting/step.html"
    return render(request, template, _step_context(challenge, step, form))


def _step_context(challenge, step, form):
    titles = {key: title for key, title, _form in STEPS}
    drafting = challenge.status in EDITABLE
    context = {
        "challenge": challenge,
        "form": form,
        "step": step,
        "step_title": titles[step],
        "steps": [{"key": key, "title": title, "current": key == step} for key, title, _form in STEPS],
        "is_last": step == STEP_KEYS[-1],
        "is_published": challenge.status == Status.PUBLISHED,
        "drafting": drafting,
    }
    if drafting:
        # While it is a draft, each step says what sending needs from it and every part's status.
        missing = content_services.missing_for_submission(challenge)
        tasks = _tasks(challenge, missing)
        for item, task in zip(context["steps"], tasks, strict=False):
            item.update(status=task["status"], status_label=task["status_label"])
        missing_by_field = dict(missing)
        context["check_task"] = tasks[-1]
        context["needed"] = [
            {"label": label, "missing": missing_by_field.get(field, "")} for field, label in _needed_later(step)
        ]
    return context


def challenge_documents(request, challenge):
    """The "Documents" step: the files published with the challenge. They are added or
    removed while it is a draft or returned for changes; once published, while it is open, they
    are added by amendment (with a reason) and never removed."""
    can_change = request.user.has_perm("challenges.change_documents", challenge)
    documents = attachments.attachments_of(challenge)
    if challenge.status == Status.PUBLISHED:
        return _amend_documents(request, challenge, documents)
    form = DocumentsForm(existing=len(documents))
    if request.method == "POST":
        if not can_change:
            messages.error(
                request,
                _("Documents can be added or removed only while the challenge is a draft or returned for changes."),
            )
            return redirect("challenges:edit", pk=challenge.pk, step="documents")
        if "remove" in request.POST:
            return _remove_document(request, challenge, documents)
        form = DocumentsForm(request.POST, request.FILES, existing=len(documents))
        if form.is_valid():
            try:
                with transaction.atomic():
                    for uploaded in form.cleaned_data["files"]:
                        attachments.attach(uploaded, target=challenge, actor=request.user)
            except ValidationError as error:
                add_service_errors(form, ValidationError({"files": error.messages}))
            except PermissionError:
                messages.error(request, _("Documents can no longer be added: the challenge has changed state."))
                return redirect("challenges:edit", pk=challenge.pk, step="documents")
            else:
                messages.success(
                    request,
                    ngettext("%(count)s document added.", "%(count)s documents added.", len(form.cleaned_data["files"]))
                    % {"count": len(form.cleaned_data["files"])},
                )
                return redirect("challenges:edit", pk=challenge.pk, step="documents")
    context = _step_context(challenge, "documents", form)
    context.update({"documents": documents, "can_change": can_change})
    return render(request, "challenges/drafting/documents.html", context)


def _amend_documents(request, challenge, documents):
    """Add documents to a published challenge: an amendment, told to the companies concerned."""
    form = DocumentsForm(existing=len(documents), amending=True)
    if request.method == "POST":
        if "remove" in request.POST:
            messages.error(request, _("A published challenge's documents are kept: they cannot be removed."))
            return redirect("challenges:edit", pk=challenge.pk, step="documents")
        form = DocumentsForm(request.POST, request.FILES, existing=len(documents), amending=True)
        if form.is_valid():
            try:
                amendments_services.challenge_add_documents(
                    actor=request.user,
                    challenge=challenge,
                    files=form.cleaned_data["files"],
                    rationale=form.cleaned_data["rationale"],
                )
            except ValidationError as error:
                add_service_errors(
                    form, error if hasattr(error, "error_dict") else ValidationError({"files": error.messages})
                )
            except (PermissionDenied, PermissionError):
                messages.error(request, _("Documents can no longer be added: the challenge has changed state."))
                return redirect(challenge)
            else:
                messages.success(
                    request,
                    _(
                        "The amendment is published on the challenge page, and the companies that follow "
                        "the challenge or submitted a proposal are told."
                    ),
                )
                return redirect(challenge)
    context = _step_context(challenge, "documents", form)
    context.update({"documents": documents, "can_change": False, "can_amend": True})
    return render(request, "challenges/drafting/documents.html", context)


def _remove_document(request, challenge, documents):
    document = next((d for d in documents if str(d.pk) == request.POST["remove"]), None)
    if document is None:
        messages.info(request, _("That document was already removed."))
    else:
        try:
            attachments.detach(document, actor=request.user)
        except PermissionError:
            messages.error(request, _("Documents can no longer be removed: the challenge has changed state."))
        else:
            messages.success(request, _("“%(name)s” is removed.") % {"name": document.original_name})
    return redirect("challenges:edit", pk=challenge.pk, step="documents")


@login_required
def challenge_parts(request, pk):
    """The draft's task list: its parts, what sending needs from each, and their status."""
    challenge = public_queries.challenge_or_404(request.user, pk)
    if challenge.status not in EDITABLE:
        return redirect(challenge)  # sent: the challenge page says where it stands
    _allowed(request, "challenges.change_challenge", challenge)
    missing = content_services.missing_for_submission(challenge)
    return render(
        request,
        "challenges/drafting/parts.html",
        {"challenge": challenge, "tasks": _tasks(challenge, missing), "ready": not missing},
    )


@login_required
def challenge_check(request, pk):
    challenge = public_queries.challenge_or_404(request.user, pk)
    can_change = request.user.has_perm("challenges.change_challenge", challenge)
    # The deadline reads in the public body's time, as it was entered.
    with timezone.override(challenge.time_zone):
        return render(
            request,
            "challenges/drafting/check.html",
            {
                "challenge": challenge,
                "missing": _missing(challenge) if challenge.status in (Status.DRAFT, Status.CHANGES_REQUESTED) else [],
                "can_change": can_change,
                "criteria_total": sum(c.weight for c in challenge.criteria.all()),
            },
        )

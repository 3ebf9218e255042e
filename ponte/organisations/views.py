from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ponte.core import attachments
from ponte.core.forms import add_service_errors
from ponte.core.pagecache import public_page
from ponte.core.paging import paginate
from ponte.core.registry import registry
from ponte.reference.models import Country, Sector

from . import queries, services
from .forms import (
    DecisionForm,
    DocumentForm,
    InvitationForm,
    JoinRequestForm,
    OrganisationForm,
    ProfileForm,
    ReasonForm,
    RoleForm,
)
from .models import Invitation, JoinRequest, Kind, Membership, Organisation


def _visible(request, slug: str) -> Organisation:
    organisation = queries.organisation_detail(request.user, slug)
    if organisation is None:
        raise Http404
    return organisation


def _allowed(request, perm: str, obj) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


@public_page
def organisation_list(request):
    filters = {key: request.GET.get(key, "").strip() for key in ("kind", "country", "sector", "q")}
    if filters["kind"] not in Kind.values:
        filters["kind"] = ""
    if filters["country"] not in Country.values:
        filters["country"] = ""
    if filters["sector"] not in Sector.values:
        filters["sector"] = ""
    page = paginate(request, queries.organisation_list(request.user, **filters))
    # htmx asks for the results alone when a filter changes; everyone else gets the page.
    template = "organisations/list.html#results" if request.headers.get("HX-Request") else "organisations/list.html"
    return render(
        request,
        template,
        {
            "page": page,
            "filters": filters,
            "kinds": Kind.choices,
            "countries": Country.choices,
            "sectors": Sector.choices,
        },
    )


@public_page
def organisation_detail(request, slug):
    organisation = _visible(request, slug)
    user = request.user
    context = {
        "organisation": organisation,
        "document_form": DocumentForm(),
        "join_form": JoinRequestForm(),
        "reason_form": ReasonForm(),
        "own_request": queries.own_join_request(user, organisation),
    }
    if user.has_perm("organisations.view_documents", organisation):
        context["documents"] = attachments.attachments_of(organisation)
    # What the organisation did on Ponte: its solutions, challenges, awards (from their modules).
    context["sections"] = registry.organisation_sections_for(organisation, user)
    return render(request, "organisations/detail.html", context)


@login_required
def organisation_create(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("%(name)s is registered. A programme manager will verify it.") % {"name": organisation.name}
            )
            return redirect(organisation)
    return render(request, "organisations/form.html", {"form": form, "creating": True})


@login_required
def organisation_edit(request, slug):
    """Admins change everything; other members change the public profile only."""
    organisation = _visible(request, slug)
    if request.user.has_perm("organisations.change_organisation", organisation):
        initial = ProfileForm.initial_for(organisation, services.EDITABLE_FIELDS)
        form = OrganisationForm(request.POST or None, instance=organisation, initial=initial)
        form._kind = organisation.kind
    else:
        _allowed(request, "organisations.change_profile", organisation)
        initial = ProfileForm.initial_for(organisation, services.PROFILE_FIELDS)
        form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        sectors = data.pop("sectors")
        try:
            services.organisation_update(actor=request.user, organisation=organisation, sectors=sectors, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(organisation)
    return render(request, "organisations/form.html", {"form": form, "organisation": organisation})


@login_required
def organisation_members(request, slug):
    organisation = _visible(request, slug)
    _allowed(request, "organisations.view_members", organisation)
    can_manage = request.user.has_perm("organisations.manage_members", organisation)
    invite_form = InvitationForm(request.POST or None)
    if request.method == "POST":
        _allowed(request, "organisations.manage_members", organisation)
        if invite_form.is_valid():
            try:
                services.invitation_create(actor=request.user, organisation=organisation, **invite_form.cleaned_data)
            except ValidationError as error:
                add_service_errors(invite_form, error)
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % invite_form.cleaned_data)
                return redirect("organisations:members", slug=slug)
    return render(
        request,
        "organisations/members.html",
        {
            "organisation": organisation,
            "members": queries.members_of(organisation),
            "can_manage": can_manage,
            "invite_form": invite_form,
            "invitations": queries.pending_invitations(organisation) if can_manage else [],
            "join_requests": queries.pending_join_requests(organisation) if can_manage else [],
            "role_form": RoleForm(),
            "decision_form": DecisionForm(),
        },
    )


@login_required
@require_POST
def membership_role(request, slug, pk):
    organisation = _visible(request, slug)
    membership = get_object_or_404(Membership, pk=pk, organisation=organisation)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_set_role(actor=request.user, membership=membership, role=form.cleaned_data["role"])
            messages.success(request, _("Role changed."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("organisations:members", slug=slug)


@login_required
def membership_remove(request, slug, pk):
    organisation = _visible(request, slug)
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk, organisation=organisation)
    _allowed(request, "organisations.manage_members", organisation)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_remove(actor=request.user, membership=membership, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(person)s is no longer a member.") % {"person": membership.user})
            return redirect("organisations:members", slug=slug)
    return render(
        request,
        "organisations/confirm_remove.html",
        {"organisation": organisation, "membership": membership, "form": form},
    )


@login_required
@require_POST
def invitation_revoke(request, slug, pk):
    organisation = _visible(request, slug)
    invitation = get_object_or_404(Invitation, pk=pk, organisation=organisation)
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
        messages.success(request, _("Invitation revoked."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("organisations:members", slug=slug)


def invitation(request, token):
    invitation = Invitation.objects.select_related("organisation", "invited_by").filter(token=token).first()
    if invitation is None:
        raise Http404
    if not request.user.is_authenticated:
        return render(request, "organisations/invitation.html", {"invitation": invitation, "anonymous": True})
    if invitation.email.lower() != request.user.email.lower():
        # Another person's invitation answers exactly like one that does not exist.
        raise Http404
    if request.method == "POST":
        try:
            answer = request.POST.get("answer")
            if answer == "accept":
                services.invitation_accept(actor=request.user, token=token)
                messages.success(request, _("Welcome to %(organisation)s.") % {"organisation": invitation.organisation})
                return redirect(invitation.organisation)
            if answer != "decline":
                # A missing or garbled answer must not decline the invitation for them.
                messages.error(request, _("Choose whether to accept or decline the invitation."))
                return redirect("organisations:invitation", token=token)
            services.invitation_decline(actor=request.user, token=token)
            messages.success(request, _("Invitation declined."))
            return redirect("home")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("organisations:invitation", token=token)
    return render(request, "organisations/invitation.html", {"invitation": invitation})


@login_required
@require_POST
def join_request_create(request, slug):
    organisation = _visible(request, slug)
    form = JoinRequestForm(request.POST)
    if form.is_valid():
        try:
            services.join_request_create(actor=request.user, organisation=organisation, **form.cleaned_data)
            messages.success(request, _("Your request is sent. The organisation's admins will answer."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied:
            messages.error(request, _("You cannot ask to join this organisation."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(organisation)


@login_required
@require_POST
def join_request_withdraw(request, slug, pk):
    organisation = _visible(request, slug)
    join_request = get_object_or_404(JoinRequest, pk=pk, organisation=organisation, user=request.user)
    try:
        services.join_request_withdraw(actor=request.user, join_request=join_request)
        messages.success(request, _("Your request is withdrawn."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(organisation)


@login_required
@require_POST
def join_request_decide(request, slug, pk):
    organisation = _visible(request, slug)
    join_request = get_object_or_404(JoinRequest, pk=pk, organisation=organisation)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.join_request_decide(
                actor=request.user,
                join_request=join_request,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Decision recorded."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Choose approve or refuse."))
    return redirect("organisations:members", slug=slug)


@login_required
def leave(request, slug):
    organisation = _visible(request, slug)
    if request.method == "POST":
        try:
            services.membership_leave(actor=request.user, organisation=organisation)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(organisation)
        messages.success(request, _("You have left %(organisation)s.") % {"organisation": organisation})
        return redirect("home")
    return render(request, "organisations/confirm_leave.html", {"organisation": organisation})


@login_required
@require_POST
def decide(request, slug, verb):
    organisation = _visible(request, slug)
    actions = {
        "verify": services.organisation_verify,
        "suspend": services.organisation_suspend,
        "reinstate": services.organisation_reinstate,
    }
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        actions[verb](actor=request.user, organisation=organisation, reason=form.cleaned_data.get("reason", ""))
        messages.success(request, _("Done."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(organisation)


@login_required
def verification_queue(request):
    if not request.user.is_programme_manager:
        raise PermissionDenied
    page = paginate(request, queries.awaiting_verification().prefetch_related("sectors"))
    return render(request, "organisations/verification.html", {"page": page})


@login_required
@require_POST
def document_upload(request, slug):
    organisation = _visible(request, slug)
    _allowed(request, "organisations.add_document", organisation)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachments.attach(form.cleaned_data["file"], target=organisation, actor=request.user)
            messages.success(request, _("Document added."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Choose a file to upload."))
    return redirect(organisation)

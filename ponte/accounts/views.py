import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ponte.core import notifications
from ponte.core.models import EmailChannel
from ponte.core.registry import registry

from . import services
from .forms import ApiTokenForm, EraseAccountForm, ProfileForm
from .models import ApiToken


@login_required
def account(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST":
        if form.is_valid():
            services.profile_update(user=request.user, **form.cleaned_data)
            messages.success(request, _("Your details are saved."))
            return redirect("account")
        # A failed ModelForm validation leaves the instance half-updated: restore it.
        request.user.refresh_from_db()
    return render(
        request,
        "accounts/account.html",
        {
            "form": form,
            "has_two_factor": services.has_two_factor(request.user),
            "actions": registry.actions_for(request.user),
        },
    )


@login_required
def notification_preferences(request):
    # Only the kinds that can reach this person are offered, and only those are saved: a
    # choice sent for any other kind is ignored.
    kinds = registry.notification_kinds_for(request.user)
    current = notifications.preferences_of(request.user)
    errors = []
    if request.method == "POST":
        choices = {key: request.POST.get(key, "") for key in kinds}
        errors = [key for key, value in choices.items() if value not in EmailChannel.values]
        if not errors:
            notifications.set_preferences(request.user, choices)
            messages.success(request, _("Your notification choices are saved."))
            return redirect("notification_preferences")
        current.update({k: v for k, v in choices.items() if v in EmailChannel.values})
    rows = [
        {"key": key, "label": kind.label, "value": current[key], "error": key in errors}
        for key, kind in sorted(kinds.items(), key=lambda item: str(item[1].label))
    ]
    return render(
        request,
        "accounts/notification_preferences.html",
        {"rows": rows, "channels": EmailChannel.choices, "errors": errors},
    )


@login_required
def api_tokens(request):
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = services.api_token_create(user=request.user, **form.cleaned_data)
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "accounts/api_tokens.html", {"form": form, "tokens": tokens, "new_key": new_key})


@login_required
@require_POST
def api_token_revoke(request, pk):
    token = ApiToken.objects.filter(pk=pk, user=request.user).first()
    if token is None:
        raise Http404
    services.api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api_tokens")


@login_required
def data_export(request):
    """Everything Ponte holds about the signed-in person, as JSON (GDPR article 20)."""
    user = request.user
    data = {
        "exported_at": timezone.now().isoformat(),
        "person": {
            "email": user.email,
            "name": user.name,
            "language": user.language,
            "date_joined": user.date_joined.isoformat(),
        },
        "memberships": [
            {"organisation": m.organisation.name, "role": m.role, "joined_at": m.joined_at.isoformat()}
            for m in user.memberships.select_related("organisation")
        ],
        "notifications": [
            {"message": n.message, "created_at": n.created_at.isoformat(), "read": n.read_at is not None}
            for n in user.notifications.all()
        ],
        "api_tokens": [
            {
                "name": t.name,
                "scope": t.scope,
                "created_at": t.created_at.isoformat(),
                "revoked": t.revoked_at is not None,
            }
            for t in user.api_tokens.all()
        ],
    }
    response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="ponte-my-data.json"'
    return response


@login_required
def erase_account(request):
    form = EraseAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_erase(user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            logout(request)
            messages.success(request, _("Your account is erased."))
            return redirect("home")
    return render(request, "accounts/erase.html", {"form": form})

"""Kudos: a signed-in person thanks a lab project or a team for a result, from its page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ponte.core.forms import add_service_errors

from ..forms import KudosForm
from ..models import Kudos
from ..queries.kudos import target_shown
from ..services import kudos as services


def _target(text: str) -> tuple[str, int] | None:
    """("lab.project", 12) from "lab.project:12", or None."""
    model, _sep, number = text.partition(":")
    # ASCII digits only: "²" is a digit to str.isdigit() but not to int().
    return (model, int(number)) if number.isascii() and number.isdigit() and len(number) < 10 else None


@login_required
def give(request):
    target = _target(request.POST.get("to") or request.GET.get("to", ""))
    shown = target_shown(request.user, *target) if target else None
    if shown is None:
        raise Http404
    own = Kudos.objects.filter(target_model=target[0], target_id=target[1], author=request.user).first()
    form = KudosForm(request.POST or None, initial={"message": own.message if own else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.give(actor=request.user, target_model=target[0], target_id=target[1], **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your thanks are on the page of %(name)s.") % {"name": shown[0]})
            return redirect(shown[1])
    context = {"form": form, "name": shown[0], "url": shown[1], "to": f"{target[0]}:{target[1]}", "own": own}
    return render(request, "recognition/kudos/form.html", context)


@login_required
@require_POST
def withdraw(request, pk):
    kudos = Kudos.objects.filter(pk=pk).first()
    if kudos is None or not request.user.has_perm("recognition.withdraw_kudos", kudos):
        raise Http404
    shown = target_shown(request.user, kudos.target_model, kudos.target_id)
    services.withdraw(actor=request.user, kudos=kudos)
    messages.success(request, _("The thanks are withdrawn."))
    # Back to the page thanked (an address of this server), or home when it is gone from their sight.
    return redirect(shown[1] if shown else "/")

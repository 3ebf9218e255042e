"""Nominations and the jury's work: a person nominates while nominations are open and follows
their nominations; a jury member declares any conflict of interest, then scores. Views stay
thin: parse a form, call a service or a read, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ponte.core.forms import add_service_errors
from ponte.core.paging import paginate
from ponte.core.registry import registry

from ..forms import DeclarationForm, NominationForm, ScoreForm
from ..models import LINKED_MODELS, NomineeKind
from ..queries import programmes as queries
from ..services import jury as jury_services
from ..services import nominations as services
from .programmes import SUGGESTIONS_SHOWN, visible_programme

MAX_QUERY = 200


def _nomination(request, pk, permission: str = "recognition.view_nomination"):
    """The nomination, when the person may read it; 404 otherwise, so nobody learns of others'."""
    nomination = queries.nomination_for(pk)
    if nomination is None or not request.user.has_perm(permission, nomination):
        raise Http404
    return nomination


@login_required
def nominate(request, pk):
    programme = visible_programme(pk)
    categories = list(programme.categories.all())
    form = NominationForm(
        request.POST or None,
        initial={"category": request.GET.get("category", "")},
        categories=[(category.pk, category.title) for category in categories],
        kinds=services.kinds_offered(),
        suggestions={kind: reverse("recognition:nominees", args=[kind]) for kind in ("project", "exemption")},
    )
    closed = ""
    if not request.user.has_perm("recognition.nominate", programme):
        # Said plainly rather than refused: a page opened before the window closed keeps what was typed.
        closed = programme.phase_label
    if request.method == "POST" and form.is_valid():
        category = next(category for category in categories if category.pk == form.cleaned_data["category"])
        try:
            nomination = services.nominate(actor=request.user, category=category, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("Your nomination is in. The jury reads it once nominations close."))
            return redirect(nomination)
    context = {"form": form, "programme": programme, "categories": categories, "closed": closed}
    return render(request, "recognition/nominations/form.html", context)


@login_required
def nominee_suggestions(request, kind):
    """Lab projects the person may see, or exemptions, whose title holds what they typed, each
    written as the field keeps it: its number, then its title."""
    linked = registry.linked_models.get(LINKED_MODELS.get(kind, ""))
    if linked is None or linked.named is None:
        raise Http404
    text = request.GET.get("q", "").strip().replace("\x00", "")[:MAX_QUERY]
    found = linked.named(request.user, text)[:SUGGESTIONS_SHOWN]
    if kind == NomineeKind.PROJECT:
        results = [{"value": f"#{pk} {title}", "name": f"{title} (#{pk})"} for pk, title in found]
    else:  # an exemption's title already starts with its reference
        results = [{"value": title, "name": title} for pk, title in found]
    return JsonResponse({"results": results})


@login_required
def nomination_detail(request, pk):
    nomination = queries.nomination_for(pk)
    if nomination is not None and request.user.has_perm("recognition.declare_conflict", nomination):
        return redirect("recognition:declare", pk=pk)
    nomination = _nomination(request, pk)
    user = request.user
    review = None
    if user.has_perm("recognition.score_nomination", nomination):
        review = nomination.reviews.filter(juror=user).first()
    context = {
        "nomination": nomination,
        "programme": nomination.category.programme,
        "link": queries.links_of(user, [nomination]).get(nomination.pk),
        "review": review,
        "score_form": ScoreForm(initial={"score": review.score, "comment": review.comment}) if review else None,
        "can": {
            "withdraw": user.has_perm("recognition.withdraw_nomination", nomination),
            "choose": user.has_perm("recognition.choose_winner", nomination),
        },
    }
    return render(request, "recognition/nominations/detail.html", context)


@login_required
def declare(request, pk):
    """A jury member reads who is nominated, in which category, and declares any conflict."""
    nomination = _nomination(request, pk, "recognition.declare_conflict")
    form = DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            jury_services.declare(
                actor=request.user,
                nomination=nomination,
                has_conflict=form.cleaned_data["conflict"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if form.cleaned_data["conflict"]:
                messages.success(request, _("Your conflict of interest is recorded: you do not judge this nomination."))
                return redirect("recognition:jury_work", pk=nomination.category.programme_id)
            return redirect(nomination)
    return render(request, "recognition/nominations/declare.html", {"form": form, "nomination": nomination})


@login_required
@require_POST
def score(request, pk):
    nomination = queries.nomination_for(pk)
    if nomination is None or not request.user.has_perm("recognition.read_jury_work", nomination.category.programme):
        raise Http404
    form = ScoreForm(request.POST)
    if form.is_valid():
        try:
            jury_services.score(actor=request.user, nomination=nomination, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied:
            form.add_error(
                None,
                _("The jury scores once nominations close.")
                if nomination.category.programme.phase == "nominating"
                else _("The jury's scoring is over: scores can no longer change."),
            )
        else:
            messages.success(request, _("Your score is saved. You may change it until the winners are announced."))
            return redirect("recognition:jury_work", pk=nomination.category.programme_id)
    if not request.user.has_perm("recognition.view_nomination", nomination):
        # A recused jury member never reads the nomination: the refusal is shown on their list.
        for message in form.non_field_errors():
            messages.error(request, message)
        return redirect("recognition:jury_work", pk=nomination.category.programme_id)
    context = {
        "nomination": nomination,
        "programme": nomination.category.programme,
        "link": queries.links_of(request.user, [nomination]).get(nomination.pk),
        "review": nomination.reviews.filter(juror=request.user).first(),
        "score_form": form,
        "can": {},
    }
    return render(request, "recognition/nominations/detail.html", context, status=400)


@login_required
@require_POST
def withdraw(request, pk):
    nomination = _nomination(request, pk)
    if not request.user.has_perm("recognition.withdraw_nomination", nomination):
        messages.error(request, _("Nominations are closed: the nomination can no longer be withdrawn."))
        return redirect(nomination)
    services.withdraw(actor=request.user, nomination=nomination)
    messages.success(request, _("Your nomination is withdrawn."))
    return redirect(nomination)


@login_required
def jury_work(request, pk):
    programme = visible_programme(pk)
    if not request.user.has_perm("recognition.read_jury_work", programme):
        raise Http404
    work = queries.jury_work(programme, request.user) if programme.phase == "judging" else []
    context = {
        "programme": programme,
        "work": work,
        "to_declare": sum(1 for _nomination, review in work if review is None),
        "to_score": sum(
            1 for _nomination, review in work if review and review.status == "cleared" and review.score is None
        ),
    }
    return render(request, "recognition/nominations/jury_work.html", context)


@login_required
def mine(request):
    context = {
        "page": paginate(request, queries.nominations_by(request.user)),
        "juries": list(queries.juries_of(request.user)),
    }
    return render(request, "recognition/nominations/mine.html", context)

"""Award programmes: the public hall of fame and each programme's page; a programme manager sets
programmes up, names the jury, chooses winners and announces them. Views stay thin: parse a
form, call a service or a read, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ponte.accounts.queries import people_named, person_suggestion
from ponte.core import versions
from ponte.core.csvexport import csv_response
from ponte.core.forms import add_service_errors
from ponte.core.pagecache import kept_part, kept_value, public_page
from ponte.core.paging import paginate

from ..forms import CategoryForm, CitationForm, JurorForm, ProgrammeEditForm, ProgrammeForm
from ..models import Category
from ..queries import programmes as queries
from ..services import programmes as services

SUGGESTIONS_SHOWN = 10
# Programmes a hall-of-fame page shows, each with its winners.
PROGRAMMES_PER_PAGE = 5


def visible_programme(pk) -> object:
    found = queries.programme_for(pk)
    if found is None:
        raise Http404
    return found


def _year(request) -> tuple[int | None, str]:
    """The year asked for, or None; and a message when what was asked is not a year."""
    text = request.GET.get("year", "").strip()
    if not text:
        return None, ""
    if text.isascii() and text.isdigit() and len(text) == 4:
        return int(text), ""
    return None, _("“%(year)s” is not a year: every year is shown.") % {"year": text[:20]}


@public_page
def hall_of_fame(request):
    year, year_error = _year(request)
    page = paginate(request, queries.hall_of_fame(year), PROGRAMMES_PER_PAGE)
    queries.with_links(
        request.user,
        [winner for programme in page for category in programme.categories.all() for winner in category.winners],
    )
    context = {
        "page": page,
        "under_way": queries.under_way(),
        "years": queries.hall_of_fame_years(),
        "year": year,
        "year_error": year_error,
        "can_add": request.user.has_perm("recognition.add_programme"),
    }
    return render(request, "recognition/hall_of_fame.html", context)


@public_page
def programme_detail(request, pk):
    programme = visible_programme(pk)
    user = request.user
    context = {
        "programme": programme,
        "categories": list(programme.categories.all()),
        "can": {
            "change": user.has_perm("recognition.change_programme", programme),
            "categories": user.has_perm("recognition.change_categories", programme),
            "jury": user.has_perm("recognition.name_jury", programme),
            "nominate": user.has_perm("recognition.nominate", programme),
            "jury_work": user.has_perm("recognition.read_jury_work", programme),
            "ranking": user.has_perm("recognition.view_ranking", programme),
        },
    }
    if programme.announced_at is not None:
        winners = queries.hall_of_fame().filter(pk=programme.pk).first()
        context["winning"] = list(winners.categories.all())
        queries.with_links(user, [winner for category in context["winning"] for winner in category.winners])
    return render(request, "recognition/programmes/detail.html", context)


@login_required
def programme_add(request):
    if not request.user.has_perm("recognition.add_programme"):
        raise PermissionDenied
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_add(actor=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The programme is set up. Add its categories and name its jury."))
            return redirect(programme)
    return render(request, "recognition/programmes/form.html", {"form": form})


@login_required
def programme_edit(request, pk):
    programme = visible_programme(pk)
    if not request.user.has_perm("recognition.change_programme", programme):
        raise PermissionDenied
    fields = ("title", "description", "year", "nominations_open_at", "nominations_close_at", "version")
    form = ProgrammeEditForm(request.POST or None, initial={name: getattr(programme, name) for name in fields})
    changes = []
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(
                actor=request.user,
                programme=programme,
                seen_version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except versions.StaleEdit as stale:
            changes = versions.refuse_stale(
                form,
                stale,
                _(
                    "Someone saved this programme after you opened it: your changes are not saved yet. "
                    "Compare with what changed, below, and save again."
                ),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The programme is saved."))
            return redirect(programme)
    context = {"form": form, "programme": programme, "changes": changes}
    return render(request, "recognition/programmes/form.html", context)


@login_required
def category_add(request, pk):
    programme = visible_programme(pk)
    if not request.user.has_perm("recognition.change_categories", programme):
        raise PermissionDenied
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_add(actor=request.user, programme=programme, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The category is added."))
            return redirect(programme)
    return render(request, "recognition/programmes/category.html", {"form": form, "programme": programme})


@login_required
@require_POST
def category_remove(request, pk, category):
    programme = visible_programme(pk)
    found = Category.objects.filter(programme=programme, pk=category).first()
    if found is None:
        raise Http404
    if not request.user.has_perm("recognition.change_categories", programme):
        raise PermissionDenied
    services.category_remove(actor=request.user, category=found)
    messages.success(request, _("The category is removed."))
    return redirect(programme)


@login_required
def jury(request, pk):
    programme = visible_programme(pk)
    if not request.user.has_perm("recognition.name_jury", programme):
        raise PermissionDenied
    form = JurorForm(request.POST or None, suggestions=reverse("recognition:people"))
    if request.method == "POST" and form.is_valid():
        try:
            services.jury_add(actor=request.user, programme=programme, person=form.cleaned_data["person"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s is on the jury.") % {"name": form.cleaned_data["person"]})
            return redirect("recognition:jury", pk=programme.pk)
    context = {"form": form, "programme": programme, "jury": programme.jury.order_by("name", "email")}
    return render(request, "recognition/programmes/jury.html", context)


@login_required
@require_POST
def jury_remove(request, pk, person):
    programme = visible_programme(pk)
    if not request.user.has_perm("recognition.name_jury", programme):
        raise PermissionDenied
    found = programme.jury.filter(pk=person).first()
    if found is None:
        raise Http404
    services.jury_remove(actor=request.user, programme=programme, person=found)
    messages.success(request, _("%(name)s is no longer on the jury.") % {"name": found})
    return redirect("recognition:jury", pk=programme.pk)


@login_required
def people(request):
    """People whose name or address holds what was typed, a few at a time: for naming the jury."""
    if not request.user.has_perm("recognition.add_programme"):
        raise PermissionDenied
    text = request.GET.get("q", "").strip().replace("\x00", "")[:200]
    return JsonResponse({"results": [person_suggestion(user) for user in people_named(text, limit=SUGGESTIONS_SHOWN)]})


@login_required
def ranking(request, pk):
    """The nominations of each category by the jury's mean score: where winners are chosen."""
    # The programme, its categories and its jury's size, read once for every reader and kept
    # until the next write, as the table is: this page is read again after each choice.
    programme, jury_size = kept_value(f"recognition-ranking-programme:{int(pk)}", lambda: _with_jury_size(pk))
    if programme is None:
        raise Http404
    if not request.user.has_perm("recognition.view_ranking", programme):
        raise PermissionDenied
    can_choose = request.user.has_perm("recognition.announce", programme)

    def table() -> str:
        # The same for every programme manager: made once, kept until the next score or choice.
        part = {"ranking": queries.ranking(programme), "can_choose": can_choose}
        return render_to_string("recognition/programmes/ranking.html#table", part, request)

    context = {
        "programme": programme,
        "table": kept_part(request, f"recognition-ranking:{int(can_choose)}", table),
        "jury_size": jury_size,
        "can_choose": can_choose,
    }
    return render(request, "recognition/programmes/ranking.html", context)


def _with_jury_size(pk) -> tuple[object | None, int]:
    programme = queries.programme_for(pk)
    return programme, programme.jury.count() if programme is not None else 0


@login_required
def winner_choose(request, pk):
    nomination = queries.nomination_for(pk)
    if nomination is None or not request.user.has_perm("recognition.view_nomination", nomination):
        raise Http404
    if not request.user.has_perm("recognition.choose_winner", nomination):
        raise PermissionDenied
    form = CitationForm(request.POST or None, initial={"citation": nomination.citation})
    if request.method == "POST" and form.is_valid():
        try:
            services.winner_choose(actor=request.user, nomination=nomination, citation=form.cleaned_data["citation"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The winner of “%(category)s” is chosen.") % {"category": nomination.category})
            return redirect("recognition:ranking", pk=nomination.category.programme_id)
    return render(request, "recognition/nominations/win.html", {"form": form, "nomination": nomination})


@login_required
def announce(request, pk):
    programme = visible_programme(pk)
    if not request.user.has_perm("recognition.announce", programme):
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        try:
            services.announce(actor=request.user, programme=programme)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, _("The winners are announced: they are in the hall of fame."))
            return redirect(programme)
    ranked = queries.ranking(programme)
    context = {
        "programme": programme,
        "error": error,
        "chosen": [(category, next((row for row in rows if row.nomination.won_at), None)) for category, rows in ranked],
    }
    return render(request, "recognition/programmes/announce.html", context)


WINNER_COLUMNS = [
    "programme",
    "year",
    "category",
    "lesson_category",
    "kind",
    "winner",
    "organisation",
    "citation",
    "url",
]


def _winner_rows(request):
    yield WINNER_COLUMNS
    for winner in queries.winners().iterator(chunk_size=500):
        category = winner.category
        yield [
            category.programme.title,
            category.programme.year,
            category.title,
            "yes" if category.for_lessons else "no",
            winner.kind,
            winner.nominee,
            winner.organisation,
            winner.citation,
            request.build_absolute_uri(category.programme.get_absolute_url()),
        ]


@public_page
def hall_of_fame_csv(request):
    """The hall of fame as open data: every winner announced, with the citation."""
    return csv_response(_winner_rows(request), "ponte-hall-of-fame.csv")

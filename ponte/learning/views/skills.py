"""The skills self-assessment: a person takes it and reads their profile, its change over time
and the courses for their weakest skills; organisation admins and programme managers read a
group's profile, never of fewer than MIN_GROUP people."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ponte.core.charts import horizontal_bars, shown
from ponte.core.csvexport import csv_response
from ponte.core.forms import add_service_errors
from ponte.core.pagecache import kept_part
from ponte.organisations.models import Membership, Organisation
from ponte.organisations.queries import administered_by

from ..forms.skills import GroupFilterForm, SelfAssessmentForm
from ..models import CORE_SKILLS, MIN_GROUP, Proficiency, Skill
from ..queries import skills as queries
from ..services import skills as services

SUGGESTIONS_SHOWN = 8


@login_required
def profile(request):
    found = queries.profile_of(request.user)
    context = {"profile": found, "skills": [Skill(s) for s in CORE_SKILLS]}
    if found is not None:
        latest, previous = found.latest, found.previous
        series = [date_format(latest.taken_at, "DATE_FORMAT")]
        if previous is not None:
            series.append(date_format(previous.taken_at, "DATE_FORMAT"))
        values = [[row.latest, row.previous][: len(series)] for row in found.rows]
        context["chart"] = horizontal_bars(
            [Skill(row.skill).label for row in found.rows],
            series,
            values,
            maximum=max(Proficiency.values),
            decimals=1,
        )
        weakest = found.weakest[0]
        context["summary"] = _(
            "Your strongest skill is %(strong)s (%(strong_score)s of 5); "
            "your weakest is %(weak)s (%(weak_score)s of 5)."
        ) % {
            "strong": Skill(found.strongest).label,
            "strong_score": shown(latest.by_skill[found.strongest], 1),
            "weak": Skill(weakest).label,
            "weak_score": shown(latest.by_skill[weakest], 1),
        }
        context["recommended"] = [(Skill(skill).label, courses) for skill, courses in found.recommended.items()]
    return render(request, "learning/skills/profile.html", context)


@login_required
def assess(request):
    form = SelfAssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.self_assessment_take(actor=request.user, answers=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your answers are saved: here is your profile."))
            return redirect("learning:skills")
    return render(request, "learning/skills/assess.html", {"form": form})


def _group_viewer(user):
    """The organisations whose group profile the person may read: every one for a programme
    manager (None), those they administer for an organisation admin; PermissionDenied else."""
    if user.is_programme_manager:
        return None
    administered = administered_by(user)
    if not administered:
        raise PermissionDenied
    return administered


def _chosen(form, viewer) -> Organisation | None:
    text = form.cleaned_data.get("organisation") or ""
    if not text:
        return None
    found = Organisation.objects.only("pk", "name", "slug").filter(slug=text.strip().lower()).first()
    if found is None or not viewer.has_perm("learning.view_group_skills", found):
        form.add_error(
            "organisation",
            _("No organisation you may read has this short name: choose one from the suggestions."),
        )
        return None
    return found


@login_required
def groups(request):
    allowed = _group_viewer(request.user)
    form = GroupFilterForm(request.GET or None)
    context = {"form": form, "min_group": MIN_GROUP, "skills": [Skill(s) for s in CORE_SKILLS]}
    if allowed is not None:
        context["administered"] = Organisation.objects.filter(pk__in=allowed).order_by("name")
    if form.is_bound:
        form.is_valid()  # every field judged, so each wrong one says so at once
        organisation = _chosen(form, request.user)
        if organisation is not None and form.is_valid():
            year = form.cleaned_data.get("year")
            context["organisation"] = organisation
            # The same for every reader allowed this address until the next write (an
            # assessment, a member joining): drawn once, chart and table, and kept.
            context["profile"] = kept_part(request, "skills-group", lambda: _group_profile(request, organisation, year))
    return render(request, "learning/skills/groups.html", context)


def _group_profile(request, organisation: Organisation, year: int | None) -> str:
    people = Membership.objects.filter(organisation=organisation).values("user_id")
    group = queries.group_profile(people, year=year)
    part = {"organisation": organisation, "group": group, "min_group": MIN_GROUP}
    part["rows"] = [(Skill(skill).label, group.scores.get(skill)) for skill in CORE_SKILLS]
    if group.shown:
        values = [[group.scores.get(skill)] for skill in CORE_SKILLS]
        part["chart"] = horizontal_bars(
            [Skill(skill).label for skill in CORE_SKILLS],
            [organisation.name],
            values,
            maximum=max(Proficiency.values),
            decimals=1,
        )
    return render_to_string("learning/skills/groups.html#profile", part, request)


@login_required
def groups_csv(request):
    """Every group profile the person may read, for the year asked: only groups of at least
    MIN_GROUP people, the others left out."""
    allowed = _group_viewer(request.user)
    form = GroupFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        # A year that is not one: the page says why, rather than an export of every year.
        return groups(request)
    year = form.cleaned_data.get("year") if form.is_bound else None
    rows = queries.organisation_profiles(allowed, year=year)

    def lines():
        yield ["organisation", "people", *CORE_SKILLS]
        for row in rows:
            yield [row["slug"], row["people"], *[row["scores"].get(skill, "") for skill in CORE_SKILLS]]

    return csv_response(lines(), f"ponte-skills-profiles{'-' + str(year) if year else ''}.csv")


@login_required
def organisation_suggestions(request):
    """Organisations whose name holds what was typed: for reading a group's profile."""
    allowed = _group_viewer(request.user)
    text = request.GET.get("q", "").strip().replace("\x00", "")[:100]
    found = Organisation.objects.filter(name__icontains=text) if len(text) >= 2 else Organisation.objects.none()
    if allowed is not None:
        found = found.filter(pk__in=allowed)
    return JsonResponse(
        {
            "results": [
                {"value": slug, "name": f"{name} ({slug})"}
                for slug, name in found.order_by("name").values_list("slug", "name")[:SUGGESTIONS_SHOWN]
            ]
        }
    )

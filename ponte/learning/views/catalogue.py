"""The catalogue: the public reads every course and its sessions; a programme manager adds,
changes and withdraws courses. Views stay thin: parse a form, call a service or a read, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ponte.core import versions
from ponte.core.csvexport import csv_response
from ponte.core.forms import add_service_errors
from ponte.core.pagecache import public_page
from ponte.core.paging import paginate

from ..forms.catalogue import CourseEditForm, CourseForm
from ..models import CourseKind, Skill, Track
from ..queries import catalogue as queries
from ..queries import paths as path_queries
from ..services import catalogue as services


def visible_course(pk):
    found = queries.course_for(pk)
    if found is None:
        raise Http404
    return found


@public_page
def catalogue(request):
    filters = queries.CatalogueFilters.from_query(request.GET)
    context = {
        "page": paginate(request, queries.catalogue(filters)),
        "filters": filters,
        "skills": Skill.choices,
        "tracks": Track.choices,
        "kinds": CourseKind.choices,
        "can_add": request.user.has_perm("learning.add_course"),
    }
    return render(request, "learning/catalogue/list.html", context)


@public_page
def course_detail(request, pk):
    course = queries.course_with_sessions(pk)
    if course is None:
        raise Http404
    sessions = course.sessions_listed
    context = {
        "course": course,
        "upcoming": [session for session in reversed(sessions) if session.phase == "upcoming"],
        "past": [session for session in sessions if session.phase != "upcoming"],
        "paths": list(path_queries.paths_of_course(course)),
        "can": {
            "change": request.user.has_perm("learning.change_course", course),
            "withdraw": request.user.has_perm("learning.withdraw_course", course),
            "schedule": request.user.has_perm("learning.schedule_session", course),
        },
    }
    return render(request, "learning/catalogue/detail.html", context)


@login_required
def course_add(request):
    if not request.user.has_perm("learning.add_course"):
        raise PermissionDenied
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_add(actor=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The course is in the catalogue. Schedule its first session."))
            return redirect(course)
    return render(request, "learning/catalogue/form.html", {"form": form})


@login_required
def course_edit(request, pk):
    course = visible_course(pk)
    if not request.user.has_perm("learning.change_course", course):
        raise PermissionDenied
    initial = {
        name: getattr(course, name)
        for name in ("title", "summary", "description", "kind", "track", "hours", "language", "version")
    }
    initial["skills"] = course.skill_list
    form = CourseEditForm(request.POST or None, initial=initial)
    changes = []
    if request.method == "POST" and form.is_valid():
        try:
            services.course_update(
                actor=request.user, course=course, seen_version=form.cleaned_data["version"], **form.service_fields()
            )
        except versions.StaleEdit as stale:
            changes = versions.refuse_stale(
                form,
                stale,
                _(
                    "Someone saved this course after you opened it: your changes are not saved yet. "
                    "Compare with what changed, below, and save again."
                ),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The course is saved."))
            return redirect(course)
    return render(request, "learning/catalogue/form.html", {"form": form, "course": course, "changes": changes})


@login_required
def course_withdraw(request, pk):
    course = visible_course(pk)
    if not request.user.has_perm("learning.withdraw_course", course):
        raise PermissionDenied
    if request.method == "POST":
        services.course_withdraw(actor=request.user, course=course)
        messages.success(request, _("The course is withdrawn from the catalogue. Its scheduled sessions go on."))
        return redirect(course)
    return render(request, "learning/catalogue/withdraw.html", {"course": course})


CATALOGUE_COLUMNS = ["id", "title", "kind", "track", "skills", "hours", "language", "next_session", "url"]


def _catalogue_rows(request):
    yield CATALOGUE_COLUMNS
    for course in queries.catalogue().iterator(chunk_size=500):
        yield [
            course.pk,
            course.title,
            course.kind,
            course.track,
            " ".join(course.skill_list),
            course.hours,
            course.language,
            course.next_session.isoformat() if course.next_session else "",
            request.build_absolute_uri(course.get_absolute_url()),
        ]


@public_page
def catalogue_csv(request):
    """The catalogue as open data: each course with the skills it builds and its next session."""
    return csv_response(_catalogue_rows(request), "ponte-learning-catalogue.csv")

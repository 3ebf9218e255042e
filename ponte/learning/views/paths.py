"""Learning paths: the public reads every path and its courses in order, and a signed-in person
sees how far they have come; a programme manager adds, changes and withdraws paths. Views stay
thin: parse a form, call a service or a read, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from ponte.core import versions
from ponte.core.forms import add_service_errors
from ponte.core.pagecache import public_page
from ponte.core.paging import paginate

from ..forms.paths import PathEditForm, PathForm
from ..models import Course, Track
from ..queries import paths as queries
from ..services import paths as services

SUGGESTIONS_SHOWN = 10


def _path(pk):
    found = queries.path_for(pk)
    if found is None:
        raise Http404
    return found


@public_page
def path_list(request):
    track = request.GET.get("track", "")
    track = track if track in Track.values else ""
    context = {
        "page": paginate(request, queries.paths(track=track)),
        "track": track,
        "tracks": Track.choices,
        "can_add": request.user.has_perm("learning.add_path"),
    }
    return render(request, "learning/paths/list.html", context)


@public_page
def path_detail(request, pk):
    path = _path(pk)
    steps = list(path.steps.all())
    done = queries.completed_courses(request.user, [step.course_id for step in steps])
    context = {
        "path": path,
        "steps": [(step, step.course_id in done) for step in steps],
        "done": len(done),
        "can": {
            "change": request.user.has_perm("learning.change_path", path),
            "withdraw": request.user.has_perm("learning.withdraw_path", path),
        },
    }
    return render(request, "learning/paths/detail.html", context)


def _initial(path) -> dict:
    initial = {name: getattr(path, name) for name in ("title", "summary", "description", "track", "version")}
    for position, step in enumerate(path.steps.all(), start=1):
        initial[f"course_{position}"] = f"#{step.course_id} {step.course.title}"
    return initial


@login_required
def path_add(request):
    if not request.user.has_perm("learning.add_path"):
        raise PermissionDenied
    form = PathForm(request.POST or None, suggestions=reverse("learning:course_suggestions"))
    if request.method == "POST" and form.is_valid():
        try:
            path = services.path_add(actor=request.user, **form.service_fields())
        except ValidationError as error:
            _course_errors(error)
            add_service_errors(form, error)
        else:
            messages.success(request, _("The path is in the catalogue."))
            return redirect(path)
    return render(request, "learning/paths/form.html", {"form": form})


@login_required
def path_edit(request, pk):
    path = _path(pk)
    if not request.user.has_perm("learning.change_path", path):
        raise PermissionDenied
    form = PathEditForm(
        request.POST or None, initial=_initial(path), suggestions=reverse("learning:course_suggestions")
    )
    changes = []
    if request.method == "POST" and form.is_valid():
        try:
            services.path_update(
                actor=request.user, path=path, seen_version=form.cleaned_data["version"], **form.service_fields()
            )
        except versions.StaleEdit as stale:
            changes = versions.refuse_stale(
                form,
                stale,
                _(
                    "Someone saved this path after you opened it: your changes are not saved yet. "
                    "Compare with what changed, below, and save again."
                ),
            )
            _courses_shown(changes, path)
        except ValidationError as error:
            _course_errors(error)
            add_service_errors(form, error)
        else:
            messages.success(request, _("The path is saved."))
            return redirect(path)
    return render(request, "learning/paths/form.html", {"form": form, "path": path, "changes": changes})


def _courses_shown(changes: list[dict], path) -> None:
    """The courses' change as a person reads it: named "Courses", with the titles now saved in
    their order (the form has no field "courses", and the path no attribute of that name)."""
    for change in changes:
        if change["field"] == "courses":
            change["field"] = capfirst(Course._meta.verbose_name_plural)
            change["now"] = ", ".join(step.course.title for step in path.steps.all())


def _course_errors(error: ValidationError) -> None:
    """The courses' message, shown beside the first course (the form has no field "courses")."""
    if hasattr(error, "error_dict") and "courses" in error.error_dict:
        error.error_dict["course_1"] = error.error_dict.pop("courses")


@login_required
def path_withdraw(request, pk):
    path = _path(pk)
    if not request.user.has_perm("learning.withdraw_path", path):
        raise PermissionDenied
    if request.method == "POST":
        services.path_withdraw(actor=request.user, path=path)
        messages.success(request, _("The path is withdrawn from the catalogue."))
        return redirect(path)
    return render(request, "learning/paths/withdraw.html", {"path": path})


@login_required
def course_suggestions(request):
    """Courses in the catalogue whose title holds what was typed, a few at a time, each written
    as the field keeps it: its number, then its title."""
    if not request.user.has_perm("learning.add_path"):
        raise PermissionDenied
    text = request.GET.get("q", "").strip().replace("\x00", "")[:100]
    found = (
        Course.objects.in_catalogue().filter(title__icontains=text).order_by("title", "pk")[:SUGGESTIONS_SHOWN]
        if len(text) >= 2
        else []
    )
    return JsonResponse(
        {
            "results": [
                {"value": f"#{course.pk} {course.title}", "name": f"{course.title} (#{course.pk})"} for course in found
            ]
        }
    )

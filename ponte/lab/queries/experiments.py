"""Reads of experiments: one with its project, team and deviations, and a project's list.
Each returns only what the viewer may see."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Deviation, Experiment, Project
from .projects import of_visible_projects


def experiment_for(user, pk) -> Experiment | None:
    """One experiment with what its page shows, or None when the viewer may not see its project."""
    return (
        Experiment.objects.filter(of_visible_projects(user))
        .select_related("project", "project__organisation", "project__sponsor", "created_by")
        .prefetch_related("project__team", "project__gates")
        .filter(pk=pk)
        .first()
    )


def deviations_of(experiment: Experiment) -> QuerySet[Deviation]:
    return experiment.deviations.select_related("made_by")


def experiments_of(project: Project) -> QuerySet[Experiment]:
    return project.experiments.only(
        "pk", "title", "status", "conclusion", "metric_kind", "results", "project_id", "created_at"
    )

"""Reads of experiments: one with its project, team and deviations, and a project's list.
Each returns only what the viewer may see."""

from __future__ import annotations

from django.db.models import QuerySet

from ponte.core.pagecache import kept_value

from ..models import Deviation, Experiment, Project


def experiment_for(user, pk) -> Experiment | None:
    """One experiment with what its page shows, or None when the viewer may not see its project.
    Read once and kept until the next write, like a project (see projects.project_for)."""
    experiment = kept_value(f"lab-experiment:{pk}", lambda: _experiment(pk))
    if experiment is None or not user.has_perm("lab.view_experiment", experiment):
        return None
    return experiment


def _experiment(pk) -> Experiment | None:
    return (
        Experiment.objects.select_related("project", "project__organisation", "project__sponsor", "created_by")
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

"""The lab's figures on the leadership dashboard (core.indicators): projects started by facet,
projects under way by stage, experiments concluded by their conclusion, and the lessons of the
projects that stopped. Counts only: the projects themselves stay with those who may see them
(the dashboard's lists are for its own readers, the innovation unit and sponsors)."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ponte.core.indicators import Indicator

from ..models import Conclusion, Experiment, ExperimentStatus, Facet, Project, ProjectStatus, stage_name, stages

SECTION = _("Experimentation lab")


def projects() -> QuerySet[Project]:
    return Project.objects.all()


def projects_under_way() -> QuerySet[Project]:
    return Project.objects.filter(status=ProjectStatus.ACTIVE)


def experiments_concluded() -> QuerySet[Experiment]:
    return Experiment.objects.filter(status=ExperimentStatus.CONCLUDED).select_related("project")


def lessons_recorded() -> QuerySet[Project]:
    """Projects that stopped with their lessons written down."""
    return Project.objects.filter(status=ProjectStatus.STOPPED).exclude(lessons="")


def _project(project: Project) -> tuple[str, str]:
    return project.title, project.get_absolute_url()


INDICATORS = [
    Indicator(
        key="lab.projects_started",
        section=SECTION,
        label=_("Lab projects started, by facet of innovation"),
        rows=projects,
        dated_by="created_at",
        organisation="organisation",
        split_by="facet",
        split_labels=lambda: dict(Facet.choices),
        describe=_project,
    ),
    Indicator(
        key="lab.projects_by_stage",
        section=SECTION,
        label=_("Lab projects under way now, by stage"),
        rows=projects_under_way,
        dated_by=None,
        organisation="organisation",
        split_by="stage",
        split_labels=lambda: {stage: stage_name(stage) for stage in stages()},
        describe=_project,
    ),
    Indicator(
        key="lab.experiments_concluded",
        section=SECTION,
        label=_("Experiments concluded, by conclusion"),
        rows=experiments_concluded,
        dated_by="concluded_at",
        organisation="project__organisation",
        split_by="conclusion",
        split_labels=lambda: dict(Conclusion.choices),
        describe=lambda experiment: (f"{experiment.project.title}: {experiment}", experiment.get_absolute_url()),
    ),
    Indicator(
        key="lab.lessons_recorded",
        section=SECTION,
        label=_("Lessons recorded by projects that stopped"),
        rows=lessons_recorded,
        dated_by="stopped_at",
        organisation="organisation",
        describe=_project,
    ),
]

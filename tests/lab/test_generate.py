"""The lab at scale (`python -m ponte generate`): problems in every state of triage and
projects at every stage that hold together as the services would have left them."""

from django.db.models import Count, Q

from ponte.dev.generate import lab as lab_generate
from ponte.dev.generate import organisations as organisations_generate
from ponte.lab import presentation
from ponte.lab.models import STOP, CaseStudy, CaseTag, Experiment, GateDecision, GateRequest, Problem, Project, stages
from ponte.lab.queries import cases as case_queries
from ponte.lab.services import cases as case_services
from ponte.organisations.models import Membership
from tests.factories import UserFactory


class _NoBar:
    def update(self, count):
        pass

    def close(self):
        pass


def _progress(total, desc):
    return _NoBar()


def test_the_generator_adds_problems_and_projects_that_hold_together(db):
    UserFactory(is_sponsor=True)
    organisations_generate.build("S", _progress)
    lab_generate.build("S", _progress)
    problems, projects = lab_generate.SIZES["S"]
    assert Problem.objects.count() == problems
    assert Project.objects.count() == projects
    assert set(Problem.objects.values_list("status", flat=True)) == {
        "submitted",
        "accepted",
        "declined",
        "merged",
        "sent_to_marketplace",
    }
    assert set(Project.objects.values_list("stage", flat=True)) == set(stages())
    assert not Project.objects.exclude(problem__status="accepted").exists()
    # A project passed a gate for each stage behind it; a stopped one asked to stop, with lessons.
    for project in Project.objects.prefetch_related("gates", "team"):
        went = [g for g in project.gates.all() if g.decision == GateDecision.GO and g.to_stage != STOP]
        assert len(went) == stages().index(project.stage)
        if project.status == "stopped":
            assert project.lessons and any(g.to_stage == STOP for g in project.gates.all())
        [member] = project.team.all()
        assert Membership.objects.filter(user=member, organisation=project.organisation).exists()
    assert not GateRequest.objects.filter(decision="pending").values("project").annotate(n=Count("pk")).filter(n__gt=1)


def test_the_generator_adds_experiments_in_every_state_that_the_pages_can_show(db):
    UserFactory(is_sponsor=True)
    organisations_generate.build("S", _progress)
    lab_generate.build("S", _progress)
    _problems, projects = lab_generate.SIZES["S"]
    assert Experiment.objects.count() == projects * lab_generate.EXPERIMENTS_PER_PROJECT
    assert set(Experiment.objects.values_list("status", flat=True)) == {"draft", "running", "concluded"}
    # A started experiment has its frozen plan; a concluded one its results and conclusion.
    assert not Experiment.objects.exclude(status="draft").filter(registration={}).exists()
    assert not Experiment.objects.filter(status="concluded").filter(Q(results__isnull=True) | Q(conclusion="")).exists()
    assert not Experiment.objects.filter(status="draft", results__isnull=False).exists()
    concluded = Experiment.objects.filter(status="concluded").first()
    assert presentation.results_view(concluded)["metrics"][0]["sentence"]


def test_the_generator_publishes_cases_of_projects_that_scaled_or_stopped_with_every_field(db):
    UserFactory(is_sponsor=True)
    organisations_generate.build("S", _progress)
    lab_generate.build("S", _progress)
    cases = CaseStudy.objects.select_related("project").prefetch_related("tags")
    assert cases.exists()
    for case in cases:
        assert case.project.status == "stopped" or case.project.stage == stages()[-1]
        assert case_services.check_case(case_services.current(case), complete=True)
    # More tags are in use than the library's filter offers.
    assert CaseTag.objects.filter(cases__isnull=False).distinct().count() > case_queries.TAGS_OFFERED

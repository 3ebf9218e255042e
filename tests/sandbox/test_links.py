"""An application names the lab project that runs its experiment, found through core and never
imported; once the exemption is granted, the project's trail shows it and the register's page
shows the project — to those who may see the project, and to no one else."""

import pytest
from django.core.exceptions import ValidationError

from ponte.core.models import Link
from ponte.core.rolematrix import World
from ponte.lab.matrix import make_project
from ponte.sandbox.matrix import make_application
from ponte.sandbox.services import applications as services
from ponte.sandbox.services import decisions
from tests.factories import MembershipFactory, OrganisationFactory
from tests.reading import Page

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return World()


def test_the_project_is_named_then_linked_to_the_exemption(world, client, login):
    project = make_project(world, "active")
    servant, official = world.people["public_servant"], world.people["ministry_official"]
    application = make_application(world, "final")
    application.status = "changes_asked"  # open again to the applicants, as after changes asked
    application.save(update_fields=["status"])
    services.application_update(
        actor=servant, application=application, seen_version=application.version, lab_project=project.pk
    )
    application.refresh_from_db()
    assert application.lab_project == project.pk
    found = login(servant).get("/sandbox/lab-projects/?q=" + project.title[:12]).json()["results"]
    assert {"value": f"#{project.pk} {project.title}", "name": f"{project.title} (#{project.pk})"} in found

    application.status = "final"
    application.save(update_fields=["status"])
    exemption = decisions.application_approve(
        actor=official,
        application=application,
        conditions="Reports.",
        legal_basis="Order 1/2027",
        starts=application.starts,
        ends=application.ends,
        sponsor=world.people["sponsor"],
    )
    assert Link.objects.filter(kind="sandbox.exemption_for_project", target_id=project.pk).count() == 1
    project_page = Page(login(servant).get(project.get_absolute_url()))
    assert f"Runs under the rule exemption: {exemption.reference} {application.title}" in project_page.text()
    register = Page(login(servant).get(f"/sandbox/register/{exemption.pk}/"))
    assert f"Experiment run by the lab project: {project.title}" in register.text()
    # A visitor reads the exemption, never the project they may not see.
    assert project.title not in Page(login(None).get(f"/sandbox/register/{exemption.pk}/")).text()


def test_a_project_the_person_may_not_see_is_refused(world, call, login):
    project = make_project(world, "active")
    outsider_body = OrganisationFactory()
    outsider = MembershipFactory(organisation=outsider_body).user
    draft = services.application_start(actor=outsider, call=call, coordinator=outsider_body, title="Not theirs")
    with pytest.raises(ValidationError) as error:
        services.application_update(actor=outsider, application=draft, seen_version=1, lab_project=project.pk)
    assert "Choose a lab project you can see" in error.value.message_dict["lab_project"][0]
    assert login(outsider).get("/sandbox/lab-projects/?q=" + project.title[:12]).json()["results"] == []
    response = login(outsider).post(
        f"/sandbox/applications/{draft.pk}/edit/", {"title": "Not theirs", "lab_project": "a project", "version": "1"}
    )
    assert "Choose a lab project you can see, from the suggestions." in Page(response).text()

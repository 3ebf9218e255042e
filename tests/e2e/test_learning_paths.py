"""Learning paths, going by what the pages say: a programme manager puts two courses of the
catalogue in order, finding each by typing part of its title (a course typed but not chosen is
refused, nothing typed is lost); a public servant reading Portuguese finds the path from the
catalogue and sees how far they have come, with a certificate of its first course. Every page
is checked with axe-core."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from ponte.learning.models import Certificate, Course, Enrolment, Session
from tests.conftest import give_two_factor
from tests.factories import UserFactory

from .support import AccessibilityAudit, tr, trc

PT = "pt-pt"


def _course(title, manager):
    return Course.objects.create(
        title=title, summary=f"{title}, in a day.", description="A day.", hours=6, language="en", created_by=manager
    )


def test_a_path_is_put_together_and_followed(signed_in, screenshot_dir):
    audit = AccessibilityAudit(screenshot_dir, "learning paths")
    manager = UserFactory(name="Paula Manager", is_programme_manager=True)
    give_two_factor(manager)
    joana = UserFactory(name="Joana Ferreira", language=PT)
    first = _course("Asking better questions", manager)
    _course("Test small, learn fast", manager)
    # Joana came to a session of the first course: she holds its certificate.
    now = timezone.now()
    session = Session.objects.create(
        course=first,
        starts_at=now - timedelta(days=10),
        ends_at=now - timedelta(days=10, hours=-6),
        place="Lisbon",
        capacity=10,
        trainer=manager,
        created_by=manager,
    )
    enrolment = Enrolment.objects.create(session=session, person=joana, status="enrolled", queued_at=now, attended=True)
    Certificate.objects.create(
        enrolment=enrolment,
        person=joana,
        name=joana.name,
        course_title=first.title,
        hours=6,
        completed_on=timezone.localdate() - timedelta(days=10),
        issued_at=now,
    )

    page = signed_in(manager)
    page.goto("/learning/")
    page.get_by_role("link", name="Learning paths: courses in order, towards a skill or a role").click()
    page.get_by_role("link", name="Add a learning path").click()
    page.get_by_label("Title").fill("From an idea to a tested service")
    page.get_by_label("Summary").fill("Ask, then test small.")
    page.get_by_label("Description").fill("Two courses, in order.")
    course_1 = page.get_by_role("combobox", name="Course 1")
    course_1.press_sequentially("Asking")
    expect(page.get_by_role("option", name=f"Asking better questions (#{first.pk})")).to_be_visible()
    course_1.press("ArrowDown")
    course_1.press("Enter")
    page.get_by_role("combobox", name="Course 2").fill("Test small")
    page.get_by_role("button", name="Add the path").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose the course from the suggestions.")
    expect(page.get_by_label("Title")).to_have_value("From an idea to a tested service")
    audit.check(page, "add a path, with an error")
    course_2 = page.get_by_role("combobox", name="Course 2")
    course_2.fill("")
    course_2.press_sequentially("Test sm")
    expect(page.get_by_role("option", name="Test small, learn fast", exact=False)).to_be_visible()
    course_2.press("ArrowDown")
    course_2.press("Enter")
    page.get_by_role("button", name="Add the path").click()
    expect(page.get_by_role("status")).to_contain_text("The path is in the catalogue.")
    audit.check(page, "the path")

    joana_page = signed_in(joana, PT)
    joana_page.goto("/learning/")
    joana_page.get_by_role("link", name=tr(PT, "Learning paths: courses in order, towards a skill or a role")).click()
    joana_page.get_by_role("link", name="From an idea to a tested service").click()
    expect(joana_page.get_by_role("listitem").filter(has_text="Asking better questions")).to_contain_text(
        trc(PT, "course of a learning path", "Done")
    )
    expect(joana_page.get_by_role("listitem").filter(has_text="Test small, learn fast")).to_contain_text(
        trc(PT, "course of a learning path", "To do")
    )
    audit.check(joana_page, "the path, one course done (pt)")
    audit.assert_clean()

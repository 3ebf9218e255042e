"""Learning, going by what the pages say: a programme manager adds a course (a course without a
skill is refused, nothing typed is lost) and schedules a session of one place with a trainer; a
public servant reading Portuguese finds it from the menu and enrols; a second person joins the
waiting list and takes the place when the first cancels; once the session is over, the trainer
records who came; the person downloads their certificate and publishes it as an Open Badge,
and a visitor checks its code. Then a session that asks for a
manager's approval: the person asks, their organisation's admin approves, and they are enrolled.
Every page is checked with axe-core, in both languages."""

from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from ponte.learning.models import Certificate, Session
from ponte.learning.services import catalogue, sessions
from tests.conftest import give_two_factor
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

from .support import AccessibilityAudit, tr, trc

PT = "pt-pt"


def test_enrol_wait_take_the_place_attend_and_hold_a_certificate(signed_in, new_context, screenshot_dir):
    audit = AccessibilityAudit(screenshot_dir, "learning enrolment")
    manager = UserFactory(name="Paula Manager", is_programme_manager=True)
    give_two_factor(manager)
    trainer = UserFactory(name="Katja Zorman", email="katja@example.org")
    joana = UserFactory(name="Joana Ferreira", language=PT)
    luc = UserFactory(name="Luc Dubois")

    # The programme manager adds a course and schedules a session of one place.
    page = signed_in(manager)
    page.goto("/learning/")
    page.get_by_role("link", name="Add a course").click()
    page.get_by_label("Title").fill("Test small, learn fast")
    page.get_by_label("Summary").fill("Turn an idea into small tests.")
    page.get_by_label("Description").fill("A day of hypotheses, metrics and decisions.")
    page.get_by_label("Length in hours").fill("6")
    page.get_by_role("button", name="Add the course").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose at least one skill the course builds.")
    expect(page.get_by_label("Title")).to_have_value("Test small, learn fast")
    audit.check(page, "add a course, with an error")
    page.get_by_label("Iteration").check()
    page.get_by_label("Curiosity").check()
    page.get_by_role("button", name="Add the course").click()
    expect(page.get_by_role("status")).to_contain_text("The course is in the catalogue.")
    page.get_by_role("link", name="Schedule a session").click()
    starts = timezone.localtime() + timedelta(days=10)
    page.get_by_label("Starts").fill(starts.strftime("%Y-%m-%dT09:30"))
    page.get_by_label("Ends").fill(starts.strftime("%Y-%m-%dT16:30"))
    page.get_by_label("Place", exact=True).fill("Innovation lab, Lisbon")
    page.get_by_label("Number of places").fill("1")
    page.get_by_role("combobox", name="Trainer").fill("katja@example.org")
    audit.check(page, "schedule a session")
    page.get_by_role("button", name="Schedule the session").click()
    expect(page.get_by_role("status")).to_contain_text("The session is scheduled")
    session_address = page.url

    # Joana, in Portuguese, finds it from the menu, filtered by skill, and enrols.
    joana_page = signed_in(joana, PT)
    joana_page.goto("/")
    joana_page.get_by_role("navigation").get_by_role("link", name=tr(PT, "Learning")).first.click()
    joana_page.get_by_label(tr(PT, "Skill"), exact=True).select_option(label=tr(PT, "Iteration"))
    joana_page.get_by_role("button", name=tr(PT, "Apply the filters")).click()
    audit.check(joana_page, "the catalogue, filtered (pt)")
    joana_page.get_by_role("link", name="Test small, learn fast").click()
    audit.check(joana_page, "the course (pt)")
    joana_page.get_by_role("table").get_by_role("link").first.click()
    joana_page.get_by_role("button", name=tr(PT, "Enrol")).click()
    expect(joana_page.get_by_role("status")).to_contain_text(
        tr(PT, "You are enrolled. Add the session to your calendar.")
    )
    audit.check(joana_page, "the session, enrolled (pt)")

    # Luc finds it full and joins the waiting list.
    luc_page = signed_in(luc)
    luc_page.goto(session_address)
    expect(luc_page.get_by_text("Full")).to_be_visible()
    luc_page.get_by_role("button", name="Join the waiting list").click()
    expect(luc_page.get_by_role("status")).to_contain_text("you are on its waiting list")
    expect(luc_page.get_by_text("you are first in line")).to_be_visible()
    audit.check(luc_page, "the session, waiting")

    # Joana cancels: Luc takes the place.
    joana_page.get_by_role("link", name=tr(PT, "Cancel your enrolment")).click()
    audit.check(joana_page, "cancel the enrolment (pt)")
    joana_page.get_by_role("button", name=tr(PT, "Yes, cancel")).click()
    expect(joana_page.get_by_role("status")).to_contain_text(
        tr(PT, "Your enrolment is cancelled. Thank you for freeing the place.")
    )
    luc_page.reload()
    expect(luc_page.get_by_text("Enrolled", exact=True)).to_be_visible()

    # The session is over: the trainer records that Luc came.
    session = Session.objects.get()
    Session.objects.filter(pk=session.pk).update(
        starts_at=session.starts_at - timedelta(days=12), ends_at=session.ends_at - timedelta(days=12)
    )
    trainer_page = signed_in(trainer)
    trainer_page.goto(session_address)
    expect(trainer_page.get_by_role("table")).to_contain_text("Luc Dubois")
    trainer_page.get_by_role("link", name="Record attendance").click()
    trainer_page.get_by_label("Luc Dubois").check()
    audit.check(trainer_page, "record attendance")
    trainer_page.get_by_role("button", name="Save the attendance").click()
    expect(trainer_page.get_by_role("status")).to_contain_text("Attendance is recorded.")
    expect(trainer_page.get_by_role("table")).to_contain_text("Came")

    # Luc holds a certificate: he downloads it, publishes it as an Open Badge, and anyone checks its code.
    luc_page.goto("/learning/mine/")
    expect(luc_page.get_by_role("table").last).to_contain_text("Came")
    audit.check(luc_page, "your learning, with a certificate")
    luc_page.get_by_role("link", name="Test small, learn fast").first.click()
    code = Certificate.objects.get(person=luc).code
    expect(luc_page.get_by_text(code, exact=True)).to_be_visible()
    with luc_page.expect_download() as download:
        luc_page.get_by_role("link", name="Download the certificate (PDF)").click()
    assert download.value.suggested_filename == f"certificate-{code}.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    luc_page.get_by_role("button", name="Publish it as an Open Badge").click()
    expect(luc_page.get_by_role("status")).to_contain_text("Your certificate is published as an Open Badge")
    audit.check(luc_page, "the certificate, published as a badge")

    visitor = new_context().new_page()
    visitor.goto("/learning/")
    visitor.get_by_role("link", name="Check a certificate").click()
    visitor.get_by_label("Verification code").fill("no such code")
    visitor.get_by_role("button", name="Check the code").click()
    expect(visitor.get_by_text("No certificate has this code.")).to_be_visible()
    expect(visitor.get_by_label("Verification code")).to_have_value("no such code")
    audit.check(visitor, "check a certificate, with an error")
    visitor.get_by_label("Verification code").fill(code.lower().replace("-", " "))
    visitor.get_by_role("button", name="Check the code").click()
    expect(visitor.get_by_role("heading", name="A valid certificate")).to_be_visible()
    expect(visitor.get_by_text("Luc Dubois")).to_be_visible()
    audit.check(visitor, "a valid certificate")
    audit.assert_clean()


def test_a_manager_approves_an_enrolment(signed_in, screenshot_dir):
    audit = AccessibilityAudit(screenshot_dir, "learning approval")
    body = OrganisationFactory(name="Agência para a Modernização Administrativa", slug="ama")
    joana = MembershipFactory(organisation=body, user__name="Joana Ferreira", user__language=PT).user
    rui = MembershipFactory(organisation=body, role="admin", user__name="Rui Almeida").user
    manager = UserFactory(is_programme_manager=True)
    course = catalogue.course_add(
        actor=manager,
        title="Data for decisions",
        summary="Read the data behind a service.",
        description="Data literacy for people who are not analysts.",
        kind="course",
        track="everyone",
        hours=12,
        language="en",
        skills=["data_literacy"],
    )
    starts = timezone.now() + timedelta(days=20)
    session = sessions.session_schedule(
        actor=manager,
        course=course,
        starts_at=starts,
        ends_at=starts + timedelta(hours=6),
        place="Ljubljana",
        online_link="",
        capacity=20,
        trainer=manager,
        needs_approval=True,
    )

    joana_page = signed_in(joana, PT)
    joana_page.goto(session.get_absolute_url())
    joana_page.get_by_role("button", name=tr(PT, "Ask to enrol")).click()
    expect(joana_page.get_by_role("status")).to_contain_text(
        tr(PT, "Your request is sent to your manager. You will be told of their answer.")
    )
    audit.check(joana_page, "the session, asked (pt)")

    rui_page = signed_in(rui)
    rui_page.goto("/")
    rui_page.get_by_role("link", name="Enrolments to approve").first.click()
    audit.check(rui_page, "enrolments to approve")
    rui_page.get_by_role("button", name="Approve Joana Ferreira").click()
    expect(rui_page.get_by_role("status")).to_contain_text("Approved: Joana Ferreira is enrolled.")

    joana_page.reload()
    expect(joana_page.get_by_text(trc(PT, "enrolment", "Enrolled"), exact=True)).to_be_visible()
    audit.assert_clean()

"""The skills self-assessment, going by what the pages say: a public servant reading Portuguese
finds "Your skills" from their home page, answers the questionnaire (a statement left unanswered
is pointed out, nothing chosen is lost), reads their profile — a chart with its table and the
change since their last assessment — and the courses for their weakest skills. Their
organisation's admin reads the group's profile, which a group of four would not show. Every page
is checked with axe-core."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from ponte.learning.models import QUESTIONS, SelfAssessment
from ponte.learning.services import skills
from tests.factories import MembershipFactory, OrganisationFactory

from .support import AccessibilityAudit, tr, trc

PT = "pt-pt"


def _assessed(person, value: int, *, days_ago: int = 0):
    assessment = skills.self_assessment_take(actor=person, answers={key: value for key, _s, _t in QUESTIONS})
    SelfAssessment.objects.filter(pk=assessment.pk).update(taken_at=timezone.now() - timedelta(days=days_ago))


def test_a_person_assesses_their_skills_and_their_admin_reads_the_group(signed_in, screenshot_dir):
    audit = AccessibilityAudit(screenshot_dir, "learning skills")
    body = OrganisationFactory(name="Agência para a Modernização Administrativa", slug="ama")
    joana = MembershipFactory(organisation=body, user__name="Joana Ferreira", user__language=PT).user
    rui = MembershipFactory(organisation=body, role="admin", user__name="Rui Almeida").user
    _assessed(joana, 2, days_ago=365)
    small = OrganisationFactory(name="LabX", slug="labx")
    MembershipFactory(organisation=small, role="admin", user=rui)

    page = signed_in(joana, PT)
    page.goto("/")
    page.get_by_role("link", name=tr(PT, "Your skills")).first.click()
    page.get_by_role("link", name=tr(PT, "Assess your skills again")).click()
    audit.check(page, "the questionnaire (pt)")
    statements = [text for _key, _skill, text in QUESTIONS]
    # Every statement but the last answered "On my own, regularly".
    regularly = trc(PT, "proficiency", "On my own, regularly")
    for text in statements[:-1]:
        page.get_by_role("group", name=tr(PT, str(text))).get_by_label(regularly).check()
    page.get_by_role("button", name=tr(PT, "Save your answers")).click()
    expect(page.get_by_role("alert")).to_contain_text(tr(PT, "Choose how well this describes you."))
    expect(page.get_by_role("group", name=tr(PT, str(statements[0]))).get_by_label(regularly)).to_be_checked()
    audit.check(page, "the questionnaire, one statement unanswered (pt)")
    page.get_by_role("group", name=tr(PT, str(statements[-1]))).get_by_label(
        trc(PT, "proficiency", "With help")
    ).check()
    page.get_by_role("button", name=tr(PT, "Save your answers")).click()
    expect(page.get_by_role("status")).to_contain_text(tr(PT, "Your answers are saved: here is your profile."))
    expect(page.get_by_role("img", name=tr(PT, "Your score on each skill"))).to_be_visible()
    expect(page.get_by_role("table").first).to_contain_text("+2,0")
    expect(page.get_by_role("heading", name=tr(PT, "Courses for your weakest skills"))).to_be_visible()
    audit.check(page, "the profile (pt)")

    # Four more people of the agency assess their skills: five in all, the group is shown.
    for _ in range(4):
        _assessed(MembershipFactory(organisation=body).user, 3)
    admin = signed_in(rui)
    admin.goto("/")
    admin.get_by_role("link", name="Skills of a group").first.click()
    admin.get_by_role("link", name="Agência para a Modernização Administrativa").click()
    expect(admin.get_by_text("5 people assessed their skills.")).to_be_visible()
    expect(admin.get_by_role("img", name="Mean score on each skill")).to_be_visible()
    audit.check(admin, "the group's profile")
    admin.get_by_role("link", name="LabX").click()
    expect(admin.get_by_text("the profile is hidden to protect them")).to_be_visible()
    admin.get_by_role("combobox", name="Organisation").fill("nowhere")
    admin.get_by_label("Year of the assessments").fill("1999")
    admin.get_by_role("button", name="Show the profile").click()
    expect(admin.get_by_role("alert")).to_contain_text("No organisation you may read has this short name")
    expect(admin.get_by_role("alert")).to_contain_text("Give a year from 2000 to 2100.")
    audit.check(admin, "the group's profile, with errors")
    audit.assert_clean()

"""A company member keeps the company's profile and shows a draft solution with a picture
and a brochure; a programme manager screens and publishes it, and a visitor sees the
picture on the solution and the solution on the company's page; a picture added later
hides the solution until it is screened again. Every
page, with and without errors, is checked with axe-core."""

from playwright.sync_api import expect

from ponte.dev.demo.media import bar_chart_png, one_page_pdf
from ponte.solutions.models import Solution
from tests.conftest import give_two_factor
from tests.factories import CompanyFactory, MembershipFactory, SolutionFactory, UserFactory

from .support import AccessibilityAudit


def test_a_company_keeps_its_profile_and_shows_its_solution_with_pictures(
    signed_in, new_context, screenshot_dir, tmp_path
):
    audit = AccessibilityAudit(screenshot_dir, "company-profile")
    company = CompanyFactory(name="Civic Data Labs", is_sme=True)
    member = MembershipFactory(organisation=company, role="member").user
    manager = UserFactory(name="Paula Manager", is_programme_manager=True)
    give_two_factor(manager)
    solution = SolutionFactory(company=company, title="Queue insight for public counters")
    chart = tmp_path / "waiting-by-hour.png"
    chart.write_bytes(bar_chart_png([20, 45, 90, 70, 40]))
    brochure = tmp_path / "brochure.pdf"
    brochure.write_bytes(one_page_pdf(["Queue insight"]))

    page = signed_in(member)
    # The profile, kept by a member who is not the company's admin.
    page.goto(company.get_absolute_url())
    page.get_by_role("link", name="Edit the profile").click()
    audit.check(page, "profile form")
    page.get_by_label("Town or city").fill("Gent")
    page.get_by_label("Year founded").fill("1500")
    page.get_by_label("People employed").select_option(label="250 people or more")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("alert")).to_contain_text("Give the year the organisation was founded, from 1600")
    expect(page.get_by_label("Town or city")).to_have_value("Gent")
    audit.check(page, "profile form with an error")
    page.get_by_label("Year founded").fill("2017")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("alert")).to_contain_text("An enterprise of 250 people or more is not small")
    page.get_by_label("People employed").select_option(label="10 to 49 people")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Changes saved.")).to_be_visible()
    expect(page.get_by_text("10 to 49 people")).to_be_visible()
    audit.check(page, "company page as a member")

    # A picture and a brochure on the draft solution, then screening.
    page.goto(solution.get_absolute_url())
    page.get_by_role("link", name="Pictures and documents").click()
    page.get_by_label("Picture or document").set_input_files(str(chart))
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("alert")).to_contain_text("Describe the picture or document in a sentence.")
    audit.check(page, "media form with an error")
    page.get_by_label("Picture or document").set_input_files(str(chart))
    page.get_by_label("Description").fill("Bar chart of the average wait by hour, longest at 10:00.")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("img", name="Bar chart of the average wait by hour, longest at 10:00.")).to_be_visible()
    page.get_by_label("Picture or document").set_input_files(str(brochure))
    page.get_by_label("Description").fill("One-page brochure")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("link", name="One-page brochure")).to_be_visible()
    audit.check(page, "media page")
    page.get_by_role("link", name="Back to the solution").click()
    page.get_by_role("button", name="Send for screening").click()
    expect(page.get_by_text("The solution is sent for screening.")).to_be_visible()

    # The programme manager screens it again.
    pm = signed_in(manager)
    pm.goto("/solutions/screening/")
    pm.get_by_role("link", name="Queue insight for public counters").click()
    expect(pm.get_by_role("img", name="Bar chart of the average wait by hour, longest at 10:00.")).to_be_visible()
    audit.check(pm, "solution waiting for screening")
    pm.get_by_role("button", name="Publish").click()
    expect(pm.get_by_text("The solution is published.")).to_be_visible()

    # Everyone sees the picture, loaded, and the solution on the company's page.
    visitor = new_context().new_page()
    visitor.goto(solution.get_absolute_url())
    picture = visitor.get_by_role("img", name="Bar chart of the average wait by hour, longest at 10:00.")
    expect(picture).to_be_visible()
    # Loaded, not only laid out: a picture is loaded lazily, so wait for it (a picture that
    # cannot be loaded never gets a width, and the wait fails).
    picture.scroll_into_view_if_needed()
    visitor.wait_for_function("image => image.complete && image.naturalWidth > 0", arg=picture.element_handle())
    audit.check(visitor, "solution with pictures as a visitor")
    visitor.goto(company.get_absolute_url())
    expect(visitor.get_by_role("heading", name="Solutions")).to_be_visible()
    expect(visitor.get_by_role("link", name="Queue insight for public counters")).to_be_visible()
    expect(visitor.get_by_text("Gent")).to_be_visible()
    audit.check(visitor, "company page as a visitor")

    # A picture added to the published solution hides it until it is screened again.
    page.goto(f"/solutions/{solution.pk}/media/")
    expect(page.get_by_text("This solution is published. If you add a picture")).to_be_visible()
    page.get_by_label("Picture or document").set_input_files(str(chart))
    page.get_by_label("Description").fill("The same chart, for the second site.")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("The solution is hidden until a programme manager screens it again.")).to_be_visible()
    expect(page.get_by_text("The solution is waiting for screening")).to_be_visible()
    assert Solution.objects.get(pk=solution.pk).status == "submitted"

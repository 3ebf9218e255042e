"""The challenge list's public-body filter at national scale: a person types part of a
body's name and picks it from suggestions, with the keyboard alone; the page never lists
every body. Checked with axe-core while the suggestions are open."""

from playwright.sync_api import expect

from tests.factories import OrganisationFactory, PublishedChallengeFactory

from .support import AccessibilityAudit


def test_a_visitor_finds_a_public_body_by_typing_part_of_its_name(page, live_server, screenshot_dir):
    audit = AccessibilityAudit(screenshot_dir, "public-body-filter")
    agency = OrganisationFactory(name="Agency for Modernisation", slug="ama")
    PublishedChallengeFactory(owner=agency, title="Forms nobody finds")
    PublishedChallengeFactory(owner=OrganisationFactory(name="Tax Office"), title="Queues at the tax office")

    page.goto(live_server.url + "/challenges/")
    field = page.get_by_role("combobox", name="Public body")
    field.press_sequentially("moderni")
    suggestions = page.get_by_role("listbox", name="Public body")
    expect(suggestions.get_by_role("option", name="Agency for Modernisation")).to_be_visible()
    expect(suggestions.get_by_role("option")).to_have_count(1)
    audit.check(page, "challenge list, public-body suggestions open")

    field.press("ArrowDown")
    expect(suggestions.get_by_role("option", name="Agency for Modernisation")).to_have_attribute(
        "aria-selected", "true"
    )
    field.press("Enter")
    expect(field).to_have_value("Agency for Modernisation")
    expect(suggestions).to_be_hidden()
    results = page.locator("#results")
    expect(results.get_by_role("link", name="Forms nobody finds")).to_be_visible()
    expect(results.get_by_role("link", name="Queues at the tax office")).to_be_hidden()
    audit.check(page, "challenge list, filtered by a public body")

    # Escape closes the suggestions and keeps what was typed.
    field.fill("")
    field.press_sequentially("tax")
    expect(suggestions.get_by_role("option", name="Tax Office")).to_be_visible()
    field.press("Escape")
    expect(suggestions).to_be_hidden()
    expect(field).to_have_value("tax")

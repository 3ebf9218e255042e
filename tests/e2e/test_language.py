"""Choosing the interface language with the switcher in the page header."""

import re

from playwright.sync_api import expect

from ponte.accounts.models import User

from .support import catalogue_translation, sign_in


def test_visitor_chooses_french_then_portuguese(page):
    page.goto("/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Government innovation, together", level=1)).to_be_visible()

    # With the keyboard: moving through the options does not leave the page...
    language = page.get_by_label("Language", exact=True)
    language.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(language).to_have_value("fr")
    expect(html).to_have_attribute("lang", "en")
    # ...the "Change language" button does.
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Change language")).to_be_focused()
    page.keyboard.press("Enter")

    expect(html).to_have_attribute("lang", "fr")
    heading_fr = catalogue_translation("fr", "Government innovation, together")
    expect(page.get_by_role("heading", name=heading_fr, level=1)).to_be_visible()
    expect(page.get_by_role("link", name=catalogue_translation("fr", "Skip to main content"))).to_be_attached()
    language = page.get_by_label(catalogue_translation("fr", "Language"), exact=True)
    expect(language).to_have_value("fr")

    # The choice holds on the next page.
    page.goto("/organisations/")
    expect(html).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name=catalogue_translation("fr", "Filter"))).to_be_visible()

    # And Portuguese, with the mouse this time; the person stays on the page they were on.
    language.select_option(label="Português")
    page.get_by_role("button", name=catalogue_translation("fr", "Change language")).click()
    expect(html).to_have_attribute("lang", "pt-pt")
    expect(page).to_have_url(re.compile(r"/organisations/$"))
    expect(page.get_by_role("heading", name=catalogue_translation("pt-pt", "Filter"))).to_be_visible()
    expect(page.get_by_label(catalogue_translation("pt-pt", "Language"), exact=True)).to_have_value("pt-pt")


def test_signed_in_person_keeps_their_language_on_a_later_visit(new_context, citizen):
    page = new_context().new_page()
    sign_in(page, citizen.email)
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Welcome, Carla", level=1)).to_be_visible()

    page.get_by_label("Language", exact=True).select_option(label="Français")
    page.get_by_role("button", name="Change language").click()

    expect(html).to_have_attribute("lang", "fr")
    welcome = catalogue_translation("fr", "Welcome, %(name)s").replace("%(name)s", "Carla")
    expect(page.get_by_role("heading", name=welcome, level=1)).to_be_visible()
    expect(page.get_by_role("heading", name=catalogue_translation("fr", "Your organisations"))).to_be_visible()
    citizen.refresh_from_db()
    assert citizen.language == "fr"

    # A later visit, from a browser that asks for English and holds no cookie: Ponte
    # follows the account.
    later = new_context(locale="en-GB").new_page()
    sign_in(later, citizen.email)
    expect(later.locator("html")).to_have_attribute("lang", "fr")
    expect(later.get_by_role("heading", name=welcome, level=1)).to_be_visible()
    assert User.objects.get(pk=citizen.pk).language == "fr"

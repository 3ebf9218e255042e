"""Keyboard use: the skip link, and forms whose errors lead back to the fields."""

from playwright.sync_api import expect

from .support import log_in_as


def test_skip_link_comes_first_and_moves_focus_to_the_main_content(page):
    page.goto("/organisations/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    # The next Tab continues inside the main content, not in the header.
    page.keyboard.press("Tab")
    expect(page.get_by_role("searchbox", name="Name contains")).to_be_focused()


def test_form_errors_are_summarised_focused_linked_and_nothing_typed_is_lost(new_context, live_server, citizen):
    context = new_context()
    log_in_as(context, citizen, live_server.url)
    page = context.new_page()
    page.goto("/organisations/new/")

    # The person fills in most of the form, forgetting the kind and mistyping the website.
    page.get_by_label("Name", exact=True).fill("Civic Lab Porto")
    page.get_by_label("Country").select_option(label="Portugal")
    page.get_by_label("Description").fill("We prototype public services\nwith the people who use them.")
    page.get_by_label("Website").fill("civic lab dot pt")
    page.get_by_role("checkbox", name="Digital government").check()
    page.get_by_label("Registration number").fill("PT509999999")
    page.get_by_role("checkbox", name="This company is a small or medium-sized enterprise").check()
    page.get_by_role("button", name="Register").focus()
    page.keyboard.press("Enter")

    # The error summary appears first and takes the focus, so that it is read out.
    summary = page.get_by_role("alert").filter(has=page.get_by_role("heading", name="There is a problem"))
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    expect(links).to_have_count(2)
    # Each link names its field, so that the links can be told apart out of context.
    expect(links.nth(0)).to_have_text("Kind of organisation: This field is required.")
    expect(links.nth(1)).to_have_text("Website: Enter a valid URL.")

    # Nothing typed is lost.
    expect(page.get_by_label("Name", exact=True)).to_have_value("Civic Lab Porto")
    expect(page.get_by_label("Country")).to_have_value("PT")
    expect(page.get_by_label("Description")).to_have_value(
        "We prototype public services\nwith the people who use them."
    )
    expect(page.get_by_label("Website")).to_have_value("civic lab dot pt")
    expect(page.get_by_role("checkbox", name="Digital government")).to_be_checked()
    expect(page.get_by_label("Registration number")).to_have_value("PT509999999")
    expect(page.get_by_role("checkbox", name="This company is a small or medium-sized enterprise")).to_be_checked()

    # Each error's link leads to its field, with the keyboard; for a choice of radio
    # buttons, to the first of them.
    links.nth(1).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Website")).to_be_focused()
    expect(page.get_by_label("Website")).to_have_accessible_description("Error: Enter a valid URL.")

    links.nth(0).focus()
    page.keyboard.press("Enter")
    first_kind = page.get_by_role("radio", name="Public body")
    expect(first_kind).to_be_focused()

    # The person corrects both and the organisation is registered.
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name="Company")).to_be_checked()
    page.get_by_label("Website").fill("https://civiclab.example.pt")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Civic Lab Porto", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Civic Lab Porto is registered.")

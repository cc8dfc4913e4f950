import re

from playwright.sync_api import expect


def test_home_page_renders_with_header_navigation(page):
    page.goto("/")
    expect(page).to_have_title(re.compile("Coachhouse"))
    nav = page.get_by_role("navigation", name="Main")
    for label in ["Episodes", "Articles", "Courses", "Find a Trainer", "Account"]:
        expect(nav.get_by_role("link", name=label)).to_be_visible()
    header = page.get_by_role("banner")
    expect(header.get_by_role("link", name=re.compile("^Cart"))).to_be_visible()
    expect(header.get_by_role("search").get_by_role("searchbox")).to_be_visible()


def test_account_link_leads_an_anonymous_visitor_to_the_login_page(page):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Sign In"))
    page.get_by_label("Email").fill("customer@coachhouse.test")
    page.get_by_label("Password").fill("coachhouse-demo")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="My account")).to_be_visible()

"""Browser tests: Playwright driving Debian's Chromium against a live server.

They are skipped, with the reason, when /usr/bin/chromium is missing. Screenshots go to
test-artifacts/ for people to look at.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("KOLOPS_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def default_categories(transactional_db):
    """The categories the data migration installs: a transactional test before this one may
    have flushed them."""
    import importlib

    from django.apps import apps

    importlib.import_module("kolops.kols.migrations.0002_categories").add_categories(apps, None)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Sign-in rate limits live in the cache: each test starts with none counted."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls in the
    # test body are still synchronous, so allow them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.js_errors = errors
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    """screenshot(name) saves a full-page PNG in test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def login(page):
    """login(user, language) signs `user` in through the login form, in `language`."""
    from conftest import PASSWORD

    def sign_in(user, language: str = "en"):
        page.goto("/accounts/login/")
        if page.eval_on_selector("select[name=language]", "el => el.value") != language:
            with page.expect_navigation():
                page.select_option("select[name=language]", language)
        page.fill("#id_login", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit].btn-primary")
        page.wait_for_url("**/kols/**")
        return page

    return sign_in

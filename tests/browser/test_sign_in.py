"""In the browser: an administrator signs in, is sent to set up the authenticator app, scans
nothing but types the code the secret gives, and reaches the app; the pages look like the app."""

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.utils import translation
from playwright.sync_api import expect

from conftest import PASSWORD
from kolops.accounts.choices import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def second_factor_required(settings):
    settings.KOLOPS_MFA_REQUIRED_FOR_ADMINS = True


def test_an_administrator_sets_up_the_authenticator_app_at_first_sign_in(page, screenshot, make_member):
    administrator = make_member(Role.ADMIN)
    # Given the sign-in page in Vietnamese
    page.goto("/accounts/login/")
    if page.eval_on_selector("select[name=language]", "el => el.value") != "vi":
        with page.expect_navigation():
            page.select_option("select[name=language]", "vi")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    with translation.override("vi"):
        expect(page.locator("h1")).to_have_text(translation.gettext("Sign In"))
    screenshot("sign-in-vi")
    # When the administrator signs in with the password
    page.fill("#id_login", administrator.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    # Then the app asks for the authenticator app at once (the password was just typed)
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    secret = page.input_value("#authenticator_secret")
    screenshot("totp-set-up-vi")
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    page.fill("#id_code", code)
    page.click("main button[type=submit]")
    # And with the code of the app the recovery codes are shown, and the app opens
    page.wait_for_url("**/accounts/2fa/recovery-codes/")
    screenshot("recovery-codes-vi")
    page.goto("/kols/")
    expect(page.locator("h1")).to_have_text("Cơ sở dữ liệu KOL")
    assert page.js_errors == []

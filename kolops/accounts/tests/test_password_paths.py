"""Every way a password is set ends what the old one opened, and the "confirm access" page is
throttled like the sign-in page."""

import getpass
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from kolops.accounts.services import api_token_authenticate, api_token_create

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Brand-new-pass-8642"


def change_password_on_the_command_line(monkeypatch, username: str) -> None:
    """`kolops changepassword USER`, typing NEW_PASSWORD twice."""
    monkeypatch.setattr(getpass, "getpass", lambda *args, **kwargs: NEW_PASSWORD)
    call_command("changepassword", username, stdout=io.StringIO())


def test_changepassword_on_the_command_line_revokes_the_users_api_tokens(specialist, monkeypatch):
    # Given a user with a working API token
    _record, key = api_token_create(user=specialist, name="script")
    assert api_token_authenticate(key) == specialist
    # When an operator sets a new password with `kolops changepassword`
    change_password_on_the_command_line(monkeypatch, specialist.username)
    # Then the token no longer opens the API
    assert api_token_authenticate(key) is None


def test_changepassword_on_the_command_line_ends_the_users_browser_sessions(client, specialist, monkeypatch):
    # Given a user signed in in a browser
    client.force_login(specialist)
    assert client.get(reverse("kols:list")).status_code == 200
    # When an operator sets a new password with `kolops changepassword`
    change_password_on_the_command_line(monkeypatch, specialist.username)
    # Then that browser is sent to sign in again
    response = client.get(reverse("kols:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_saving_a_user_without_a_new_password_keeps_their_tokens(specialist):
    # Given a user with a working API token
    _record, key = api_token_create(user=specialist, name="script")
    # When the user is saved with other changes (a name, the time of a sign-in)
    specialist.first_name = "Lan"
    specialist.save()
    # Then the token still works
    assert api_token_authenticate(key) == specialist


def test_a_password_set_in_code_revokes_the_tokens_once_it_is_saved(specialist):
    # Given a user with a working API token
    _record, key = api_token_create(user=specialist, name="script")
    # When a new password is set and saved (as a shell or another service would)
    specialist.set_password(NEW_PASSWORD)
    assert api_token_authenticate(key) == specialist  # not saved yet: nothing changed
    specialist.save()
    # Then the token no longer opens the API
    assert api_token_authenticate(key) is None


def test_after_ten_wrong_passwords_the_confirm_access_page_refuses_even_the_right_one(specialist):
    # Given a signed-in user asked to confirm access
    client = Client()
    client.force_login(specialist)
    url = reverse("account_reauthenticate")
    # When ten wrong passwords are typed within a minute
    for _attempt in range(10):
        assert client.post(url, {"password": "not-the-password"}).status_code == 200
    # Then the right password is refused too, until the window has passed
    assert client.post(url, {"password": PASSWORD}).status_code == 429

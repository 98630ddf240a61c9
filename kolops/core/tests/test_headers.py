"""Response headers: Permissions-Policy on every answer, no-store on answers to signed-in
requests (session or API token), and no `Server` banner from the shipped gunicorn settings."""

import http.client
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import Client, override_settings

from kolops.accounts.services import api_token_create
from kolops.core.middleware import permissions_policy_header

# The project's own gunicorn (the virtual environment's), else one on the PATH.
GUNICORN = next(
    (
        path
        for path in (str(Path(sys.executable).with_name("gunicorn")), shutil.which("gunicorn"))
        if path and Path(path).exists()
    ),
    "",
)


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.headers.get("Cache-Control", "").split(",") if part.strip()}


# ---- Permissions-Policy ----------------------------------------------------------------------


def test_the_policy_denies_camera_microphone_geolocation_payment_and_usb(settings):
    header = permissions_policy_header(settings.KOLOPS_PERMISSIONS_POLICY)
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in header


def test_the_policy_header_quotes_origins_and_keeps_self_bare():
    header = permissions_policy_header({"fullscreen": ["self", "https://player.example.com"], "usb": []})
    assert header == 'fullscreen=(self "https://player.example.com"), usb=()'


@pytest.mark.django_db
def test_an_anonymous_page_carries_the_permissions_policy(client):
    response = client.get("/api/docs")
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_a_signed_in_page_carries_the_permissions_policy(client_for, specialist):
    response = client_for(specialist).get("/kols/")
    assert response.status_code == 200
    assert "geolocation=()" in response.headers["Permissions-Policy"]


@override_settings(KOLOPS_PERMISSIONS_POLICY={})
def test_an_empty_policy_setting_sends_no_header(client_for, specialist):
    response = client_for(specialist).get("/kols/")
    assert "Permissions-Policy" not in response.headers


# ---- Cache-Control: no-store -------------------------------------------------------------------


def test_a_signed_in_page_is_not_stored(client_for, specialist):
    response = client_for(specialist).get("/kols/")
    assert {"no-store", "private"} <= cache_control(response)


def test_an_api_answer_to_a_token_is_not_stored(specialist, channel):
    _token, key = api_token_create(user=specialist, name="script")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/channels")
    assert response.status_code == 200
    assert "no-store" in cache_control(response)


def test_an_api_answer_to_a_session_is_not_stored(client_for, specialist, channel):
    response = client_for(specialist).get(f"/api/channels/{channel.pk}")
    assert response.status_code == 200
    assert "no-store" in cache_control(response)


@pytest.mark.django_db
def test_a_refused_token_is_not_stored_either():
    response = Client(HTTP_AUTHORIZATION="Bearer kol_nope").get("/api/channels")
    assert response.status_code == 401
    assert "no-store" in cache_control(response)


@pytest.mark.django_db
def test_an_anonymous_answer_is_left_to_the_view(client):
    # The API schema is public and the same for everyone: a cache may keep it.
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert "no-store" not in cache_control(response)


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_static_files_stay_cacheable_for_a_signed_in_user(client_for, specialist):
    response = client_for(specialist).get("/static/kolops/kolops.css")
    assert response.status_code == 200
    assert "no-store" not in cache_control(response)
    assert "camera=()" in response.headers["Permissions-Policy"]


# ---- gunicorn ----------------------------------------------------------------------------------

HELLO_APP = """
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def head_when_up(port: int, server: subprocess.Popen, wait: float = 20.0) -> http.client.HTTPResponse:
    deadline = time.monotonic() + wait
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/")
            return connection.getresponse()
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.fixture
def gunicorn_with_shipped_settings(tmp_path):
    assert GUNICORN, "gunicorn, a dependency of the project, is not installed"
    (tmp_path / "hello.py").write_text(HELLO_APP)
    port = free_port()
    server = subprocess.Popen(
        [
            GUNICORN,
            "-c",
            "python:kolops.gunicorn_conf",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--chdir",
            str(tmp_path),
            "hello:app",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        yield port, server
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_gunicorn_with_the_shipped_settings_sends_no_server_header(gunicorn_with_shipped_settings):
    port, server = gunicorn_with_shipped_settings
    response = head_when_up(port, server)
    assert response.status == 200
    assert response.read() == b"hello"
    assert response.getheader("Server") is None
    assert response.getheader("Date")  # the other header lines gunicorn writes are still there

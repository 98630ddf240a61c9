"""Input no database can store is refused at the door, for every request, with the caller's error.

PostgreSQL refuses text holding a NUL character (U+0000), and neither database stores an
integer beyond 64 bits (SQLite raises OverflowError, PostgreSQL an out-of-range error). Left to
reach a query, such input ends in a 500; `InputGuardMiddleware` answers it before any view runs:

- a NUL in the path, a query parameter or a cookie (name or value), or in a form post's field;
- in a JSON body, a NUL in any string or object key, or an integer beyond 64 bits.

Under /api/ the answer is a 422 in django-ninja's error format (a list of errors, each with its
location and message); elsewhere it is the 400 page. Django forms refuse NUL too, and the API
schemas bound each number to its column; this guard is the net under both.
"""

import json
import re
from collections.abc import Iterator

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from .numbers import MAX_BIGINT, MIN_BIGINT

API_PREFIX = "/api/"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

NUL = "\x00"
# A JSON body can only hold a NUL as the escape \u0000, and a 64-bit overflow as 19+ digits:
# bodies without either are not parsed a second time.
_SUSPECT_JSON = re.compile(rb"\\u0000|\d{19}")


def _nul_message() -> str:
    return _("Text may not contain the NUL character (\\x00).")


def _too_large_message() -> str:
    return _("This request is too large: it has too many fields or too much data.")


def _number_message() -> str:
    return _("This number is too large: whole numbers go from -2⁶³ to 2⁶³ − 1.")


def _error(location: list, kind: str, message: str) -> dict:
    return {"type": kind, "loc": location, "msg": message}


def _url_errors(request: HttpRequest) -> Iterator[dict]:
    if NUL in request.path_info:
        yield _error(["path"], "nul_character", _nul_message())
    for name, values in request.GET.lists():
        if NUL in name or any(NUL in value for value in values):
            yield _error(["query", name.replace(NUL, "\\x00")], "nul_character", _nul_message())
    for name, value in request.COOKIES.items():  # a session key is looked up in the database
        if NUL in name or NUL in value:
            yield _error(["cookie", name.replace(NUL, "\\x00")], "nul_character", _nul_message())


def _form_errors(request: HttpRequest) -> Iterator[dict]:
    if request.method != "POST":
        return
    if request.content_type == "application/x-www-form-urlencoded":
        if b"%00" not in request.body:
            return
    elif request.content_type not in FORM_TYPES:
        return
    # Read as CsrfViewMiddleware reads it next: uploaded files stream to their handlers.
    for name, values in request.POST.lists():
        if NUL in name or any(NUL in value for value in values):
            yield _error(["form", name.replace(NUL, "\\x00")], "nul_character", _nul_message())


def _json_errors(request: HttpRequest) -> Iterator[dict]:
    # The API reads any body that is not a form as JSON, whatever its declared type.
    as_json = request.content_type == "application/json" or (
        request.path_info.startswith(API_PREFIX) and request.content_type not in FORM_TYPES
    )
    if not as_json or not _SUSPECT_JSON.search(request.body):
        return
    try:
        data = json.loads(request.body)
    except (ValueError, RecursionError):
        return  # not JSON (or nested too deep to read): the view says so
    yield from _walk(data, ["body"])


def _walk(data, location: list) -> Iterator[dict]:
    """Errors of a parsed JSON value, each located by its path from the body down.

    Walked with a stack, not by recursion: the depth of a body is the caller's choice.
    """
    stack = [(data, location)]
    while stack:
        value, here = stack.pop()
        if isinstance(value, str):
            if NUL in value:
                yield _error(here, "nul_character", _nul_message())
        elif isinstance(value, int) and not isinstance(value, bool):
            if not MIN_BIGINT <= value <= MAX_BIGINT:
                yield _error(here, "int_too_large", _number_message())
        elif isinstance(value, list):
            stack.extend((item, [*here, index]) for index, item in reversed(list(enumerate(value))))
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                if NUL in key:
                    yield _error([*here, key.replace(NUL, "\\x00")], "nul_character", _nul_message())
                stack.append((item, [*here, key]))


def input_errors(request: HttpRequest) -> list[dict]:
    """What in the request no database could store, in django-ninja's error format."""
    return [*_url_errors(request), *_form_errors(request), *_json_errors(request)]


class InputGuardMiddleware:
    """Refuses NUL characters and integers beyond 64 bits before any view reads them.

    Placed after LocaleMiddleware, so the message is in the caller's language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            errors = input_errors(request)
        except SuspiciousOperation:
            # More fields than DATA_UPLOAD_MAX_NUMBER_FIELDS, or a body past
            # DATA_UPLOAD_MAX_MEMORY_SIZE: Django's 400 page, but every answer under /api/ is JSON.
            if request.path_info.startswith(API_PREFIX):
                return JsonResponse({"detail": _too_large_message()}, status=400)
            raise
        if not errors:
            return self.get_response(request)
        if request.path_info.startswith(API_PREFIX):
            return JsonResponse({"detail": errors}, status=422)
        raise BadRequest(errors[0]["msg"])

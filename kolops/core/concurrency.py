"""Optimistic concurrency: versions of editable objects, ETags and `If-Match`.

Two people who read the same version of an object and both change it must not silently undo
each other's work. Every editable object has a *version*: a short hash of its model, its pk and
the `updated_at` of the rows one write replaces together (a campaign and its brief). Every
service that changes such an object saves it, so `updated_at`, and with it the version, moves.

- The API sends the version as a strong `ETag` on reads and on write answers, and requires it
  back in `If-Match` on every update: missing → 428, not the current version → 412.
- The edit pages carry it in a hidden field (`version_field`); a form posted over a newer
  version is shown again with the person's input, a message and the saved values that differ
  (`show_stale_form`).
- The check happens in the service, inside the write transaction, on the locked row: of two
  writers holding the same version, one wins and the other is told, never both.

No column or migration is needed: `updated_at` (TimeStamped, microseconds) already moves.
"""

import functools
import hashlib
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy
from ninja import Header, Status

ANY = "*"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

STALE_MESSAGE = gettext_lazy(
    "This was changed by someone else since you read it. Nothing was saved: read it again "
    "(the ETag of the current version is in this answer's ETag header) and apply your change to it."
)
REQUIRED_MESSAGE = gettext_lazy(
    "Send the If-Match header with the ETag of the version you read (GET it first), so a change "
    "made by someone else in the meantime is not overwritten."
)


def _micros(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // timedelta(microseconds=1)


def version_of(*objects) -> str:
    """The version of the state formed by `objects` (each a saved TimeStamped row).

    20 hex digits of a hash of each object's model, pk and `updated_at` to the microsecond.
    """
    digest = hashlib.blake2b(digest_size=10)
    for obj in objects:
        digest.update(f"{obj._meta.label_lower}:{obj.pk}:{_micros(obj.updated_at)};".encode())
    return digest.hexdigest()


def etag(version: str) -> str:
    """A version as a strong entity tag (quoted)."""
    return f'"{version}"'


def parse_if_match(header: str | None) -> str | frozenset[str] | None:
    """The versions an `If-Match` header accepts: None when absent or blank, ANY for `*`,
    else the set of tags of its comma-separated list.

    Quotes are optional. A weak tag (`W/"…"`) is compared by its value: our tags name the
    object's state, and a compressing proxy may weaken the tag it passed on.
    """
    if header is None or not header.strip():
        return None
    if header.strip() == ANY:
        return ANY
    tags = set()
    for part in header.split(","):
        tag = part.strip()
        if tag[:2] in ("W/", "w/"):
            tag = tag[2:].strip()
        tag = tag.strip('"').strip()
        if tag:
            tags.add(tag)
    return frozenset(tags)


class PreconditionRequired(Exception):
    """An update came without `If-Match` (HTTP 428)."""


class StaleVersion(ValidationError):
    """The version the writer read is not the current one: nothing was saved (HTTP 412).

    A ValidationError, so a form that does not handle it specially still shows the message.
    """

    def __init__(self, current: str):
        super().__init__(STALE_MESSAGE, code="stale")
        self.current = current


def require_if_match(header: str | None) -> str | frozenset[str]:
    """The parsed `If-Match` of an API update; raise PreconditionRequired when it is missing.

    Call it after the permission and existence checks, so a 403 / 404 comes before a 428.
    """
    accepted = parse_if_match(header)
    if accepted is None:
        raise PreconditionRequired
    return accepted


def check_version(current: str, expected: str | Iterable[str] | None) -> None:
    """Raise StaleVersion unless `expected` accepts the `current` version.

    `expected` is None when the caller does not check (the command line, imports), ANY for
    `If-Match: *`, a version (a page form's hidden field; empty never matches) or a set of
    versions (an `If-Match` list). Call it on the row locked for the write.
    """
    if expected is None or expected == ANY:
        return
    accepted = {expected} if isinstance(expected, str) else set(expected)
    if current not in accepted:
        raise StaleVersion(current)


# ---------------------------------------------------------------- API wiring (django-ninja)

# Typed `str` (with None as its default) so the schema says a header string, not "string or null".
IfMatch = Annotated[
    str,
    Header(
        alias="If-Match",
        description=(
            "Required: the ETag of the version you read (from GET or the last write). "
            "Missing → 428; not the current version → 412 and nothing is saved. `*` accepts any version."
        ),
    ),
]

PRECONDITION_RESPONSES = {412: "PreconditionFailed", 428: "PreconditionRequired"}


def etag_header_doc(*statuses: int) -> dict:
    """`openapi_extra` declaring the ETag header of the answers with these statuses."""
    header = {
        "ETag": {
            "description": "The version of the object; send it back as If-Match to change it.",
            "schema": {"type": "string"},
        }
    }
    return {"responses": {status: {"headers": header} for status in statuses}}


def conditional_write(handler: Callable) -> Callable:
    """Answer an API update's precondition errors: 428 without `If-Match`, 412 when stale.

    The handler takes `response: HttpResponse`; a 412 answer carries the current ETag.
    """

    @functools.wraps(handler)
    def wrapper(*args: Any, **kwargs: Any):
        try:
            return handler(*args, **kwargs)
        except PreconditionRequired:
            return Status(428, {"detail": str(REQUIRED_MESSAGE)})
        except StaleVersion as stale:
            response = kwargs.get("response")
            if response is not None:
                response["ETag"] = etag(stale.current)
            return Status(412, {"detail": str(STALE_MESSAGE)})

    return wrapper


# ---------------------------------------------------------------- edit pages (Django forms)


def version_field() -> forms.CharField:
    """The hidden field an edit form carries the version it was opened on in."""
    return forms.CharField(widget=forms.HiddenInput, required=False)


def posted_version(form: forms.BaseForm) -> str | None:
    """The version a valid edit form was posted with, for the service's `expected_version`.

    A post without the field at all (a script posting the form's fields without opening it)
    is not checked (None); an empty or older version is refused as stale.
    """
    return form.cleaned_data.get("version", "") if "version" in form.data else None


def _comparable(value) -> str | list[str]:
    if isinstance(value, list | tuple | set | frozenset | QuerySet):
        return sorted(str(_comparable(v)) for v in value)
    if isinstance(value, Model):
        return str(value.pk)
    if value is None or value is False:
        return ""
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, bool):
        return "on"
    text = str(value).strip()
    try:
        return str(Decimal(text).normalize()) if text else ""
    except ArithmeticError:
        return text


def _shown(field: forms.Field, value) -> str:
    """A field's value as the person reads it (choice labels, not codes)."""
    choices = dict(getattr(field, "choices", None) or ())
    values = value if isinstance(value, list | tuple) else [value]
    shown = [str(choices.get(v, choices.get(str(v), v))) for v in values if v not in (None, "")]
    return ", ".join(shown) or "—"


def show_stale_form(form: forms.BaseForm, *, current: forms.BaseForm, version: str, message: str) -> None:
    """Show `form` again after its post met a newer version: the person's input stays, the
    `message` says nothing was saved, `form.stale_changes` lists (label, saved value) where the
    saved record differs from the input, and the hidden version moves to the current one, so
    saving again after a review applies the input over what is there now. `form.stale` tells
    the template to show the message in place of "correct the errors below".

    `current` is the same form, unbound, on the record as it is now.
    """
    form.data = form.data.copy()
    form.data["version"] = version
    form.stale = True
    form.stale_changes = [
        (bound.label, _shown(current.fields[bound.name], current[bound.name].value()))
        for bound in form
        if bound.name != "version"
        and bound.name in current.fields
        and not isinstance(bound.field, forms.FileField)
        and _comparable(bound.value()) != _comparable(current[bound.name].value())
    ]
    form.add_error(None, message)

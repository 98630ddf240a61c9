"""Versions, ETags and If-Match parsing (`core.concurrency`)."""

import pytest

from kolops.core.concurrency import ANY, StaleVersion, check_version, etag, parse_if_match


@pytest.mark.parametrize("header", [None, "", "  "])
def test_a_missing_or_blank_if_match_is_none(header):
    assert parse_if_match(header) is None


def test_a_star_accepts_any_version():
    assert parse_if_match(" * ") == ANY
    assert check_version("abc", ANY) is None  # no StaleVersion


@pytest.mark.parametrize(
    ("header", "tags"),
    [
        ('"abc"', {"abc"}),
        ("abc", {"abc"}),
        ('W/"abc"', {"abc"}),
        ('"abc", W/"def" ,ghi', {"abc", "def", "ghi"}),
    ],
)
def test_if_match_lists_strong_weak_and_unquoted_tags(header, tags):
    assert parse_if_match(header) == frozenset(tags)


def test_a_version_in_the_list_passes_and_one_not_in_it_is_stale_with_the_current_version():
    check_version("abc", parse_if_match('"x", "abc"'))
    with pytest.raises(StaleVersion) as stale:
        check_version("abc", parse_if_match('"x"'))
    assert stale.value.current == "abc"


def test_an_empty_version_from_a_form_never_matches():
    with pytest.raises(StaleVersion):
        check_version("abc", "")


def test_no_expected_version_is_not_checked():
    # Given no version expected (the command line, an import), when any version is checked,
    # then it passes without a StaleVersion
    assert check_version("abc", None) is None


def test_an_etag_is_the_quoted_version():
    assert etag("abc") == '"abc"'

"""Text normalisation for search: one folded form for Vietnamese and Chinese input.

"Ngọc Trinh", "ngoc trinh" and "NGỌC TRINH" fold to "ngoc trinh"; traditional Chinese is
converted to simplified, so "張偉" and "张伟" match.
"""

import functools
import re
import unicodedata

import opencc

_WHITESPACE = re.compile(r"\s+")
# đ/Đ are letters of their own, not d + a combining mark, so NFD does not fold them.
_EXTRA_FOLDS = str.maketrans({"đ": "d", "Đ": "d", "ð": "d"})


@functools.cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """Fold `text` for matching: lower case, no Vietnamese diacritics, simplified Chinese."""
    if not text:
        return ""
    text = _t2s().convert(text)
    text = text.translate(_EXTRA_FOLDS)
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", stripped).lower()).strip()


def normalize_handle(handle: str) -> str:
    """The comparable form of a platform handle: no leading @, no spaces, lower case."""
    return handle.strip().lstrip("@").strip().lower()

"""Text that can be stored and exported: no control characters on the way in, none in a file on the way out.

Refused in every stored text: C0 controls (U+0000–U+001F) except tab and line breaks in fields that
allow them, DEL (U+007F), C1 controls (U+0080–U+009F), lone surrogates and the non-characters U+FFFE
and U+FFFF. None of them is something a person types; most cannot be written to XML at all, so a
zone name holding one made every XLSX export of it fail. Text stored before this check existed is
made printable by :func:`printable` when it is exported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["MULTILINE_FIELDS", "control_character", "json_control_characters", "json_may_hold_controls", "printable"]

_BAD_ANYWHERE = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
_MULTILINE_BAD = re.compile(f"[{_BAD_ANYWHERE}]")
_SINGLE_LINE_BAD = re.compile(f"[{_BAD_ANYWHERE}\t\n\r]")

MULTILINE_FIELDS: frozenset[str] = frozenset({"description"})
"""JSON fields whose text may hold tabs and line breaks (free-text descriptions); every other field is
one line."""


def control_character(text: str, *, multiline: bool = False) -> str | None:
    """The first character ``text`` may not hold, spelled ``U+0007``; ``None`` when it is clean.

    Tab, CR and LF are allowed only when ``multiline``."""
    found = (_MULTILINE_BAD if multiline else _SINGLE_LINE_BAD).search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def printable(text: str) -> str:
    """``text`` with every character an export may not carry replaced by U+FFFD (tab and line breaks kept)."""
    return _MULTILINE_BAD.sub("\ufffd", text)


_C1_IN_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")


def json_may_hold_controls(raw: bytes) -> bool:
    """Whether the UTF-8 JSON text ``raw`` may decode to a string :func:`control_character` refuses.

    JSON cannot carry a C0 control unescaped, so one needs a backslash; DEL, C1 controls and
    U+FFFE/U+FFFF may also come as their UTF-8 bytes. Most bodies hold none of these bytes, and
    ``in`` on bytes is far cheaper than walking 100,000 decoded strings."""
    if b"\\" in raw or b"\x7f" in raw or b"\xef\xbf" in raw:
        return True
    return b"\xc2" in raw and _C1_IN_UTF8.search(raw) is not None


def json_control_characters(
    value: Any, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """``(path, character)`` for every string (object keys included) in a decoded JSON ``value`` that holds a
    character :func:`control_character` refuses; strings under a key of :data:`MULTILINE_FIELDS` may
    hold line breaks."""
    if isinstance(value, str):
        multiline = bool(path) and path[-1] in MULTILINE_FIELDS
        if (bad := control_character(value, multiline=multiline)) is not None:
            yield path, bad
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str) and (bad := control_character(key)) is not None:
                yield (*path, key), bad
            yield from json_control_characters(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from json_control_characters(item, (*path, index))

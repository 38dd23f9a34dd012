"""Parsing the XML parts of a workbook safely: expat, fed in chunks, with every DTD refused.

A document type declaration is what entity expansion (billion laughs) and external entities (XXE:
``<!ENTITY e SYSTEM "file:///etc/passwd">``) need, and no part of a workbook has one, so any DTD,
entity declaration or external entity reference ends the parse with a refusal. The parser never
expands an entity beyond the five XML predefines and character references.
"""

from __future__ import annotations

import pyexpat
from collections.abc import Callable, Iterator
from typing import Any

from app.services.import_problems import CellProblem, ImportLimits, ImportParseError, ImportTooLarge, limit_problem

__all__ = ["PartScan", "Refused", "damaged", "feed", "local_name", "safe_parser", "too_large"]


def damaged(reason: str, code: str = "damaged_workbook") -> ImportParseError:
    """The error for a workbook that cannot be read safely (HTTP 422); ``code`` ``unsafe_workbook`` for one
    built to harm a reader (a DTD, a ZIP bomb, sizes that lie)."""
    return ImportParseError([CellProblem(None, None, f"the workbook is damaged or unsafe to read: {reason}",
                                         code=code)])


def too_large(code: str, found: str, limit_field: str, limits: ImportLimits, hint: str) -> ImportTooLarge:
    """The error for a workbook beyond the import limit ``limit_field`` (HTTP 413), naming what was found."""
    limit: int = getattr(limits, limit_field)
    return ImportTooLarge([limit_problem(code, found, limit_field, limit, hint)])


class Refused(Exception):
    """Raised from inside expat's callbacks to stop the parse with ``error``."""

    def __init__(self, error: ImportParseError) -> None:
        super().__init__(str(error))
        self.error = error


def _refuse_dtd(name: str) -> Callable[..., None]:
    def refuse(*_: object) -> None:
        raise Refused(damaged(
            f"part {name!r} has a document type declaration (DTD); workbooks never need one, and it could "
            "expand entities (billion laughs) or read files of the server (XXE)", "unsafe_workbook"))
    return refuse


def safe_parser(name: str) -> pyexpat.XMLParserType:
    """An expat parser for part ``name`` that refuses any DTD, entity declaration or external entity."""
    parser = pyexpat.ParserCreate()
    parser.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
    refuse: Any = _refuse_dtd(name)
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    return parser


def feed(parser: pyexpat.XMLParserType, name: str, pieces: Iterator[bytes]) -> None:
    """Parse the chunks of part ``name``; a refusal from a callback, or malformed XML, raises its error."""
    try:
        for piece in pieces:
            parser.Parse(piece, False)
        parser.Parse(b"", True)
    except Refused as refused:
        raise refused.error from None
    except pyexpat.ExpatError as exc:
        raise damaged(f"part {name!r} is not well-formed XML ({pyexpat.errors.messages[exc.code]}, "
                      f"line {exc.lineno})") from None


def local_name(name: str) -> str:
    """An element's name without its namespace prefix (``x:c`` → ``c``)."""
    return name[name.find(":") + 1 :]


class PartScan:
    """Callbacks reading one part; subclasses set the handlers they need beyond ``start``."""

    parser: pyexpat.XMLParserType

    def attach(self, parser: pyexpat.XMLParserType) -> None:
        """Install the callbacks on ``parser``."""
        self.parser = parser
        parser.StartElementHandler = self.start

    def start(self, name: str, attrs: dict[str, str]) -> None:
        """An element starts."""
        raise NotImplementedError

    def finish(self) -> None:
        """Called after the whole part was parsed."""

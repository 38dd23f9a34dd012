"""Parsing of weighted HTTP header lists (``Accept``, ``Accept-Language``; RFC 9110 §12.4.2)."""

from __future__ import annotations


def by_preference(header: str) -> list[str]:
    """The values of a weighted header, most preferred first.

    Ties keep header order; ``q=0`` means "not this one" and drops the value; a malformed weight
    cannot be trusted to mean "preferred" and counts as 0. Parameters other than ``q`` are dropped.
    """
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")):
        value, *params = (part.strip() for part in item.split(";"))
        if not value:
            continue
        q = 1.0
        for param in params:
            key, _, weight = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(weight)
                except ValueError:
                    q = 0.0
        if q > 0:
            ranked.append((-q, position, value))
    return [value for _, _, value in sorted(ranked)]

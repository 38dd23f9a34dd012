"""Problems collected in order, the first few kept and every one counted: a bad column in a 100,000-row
file is 100,000 problems, and an error response listing them all helps nobody."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Generic, Protocol, TypeVar

__all__ = ["DEFAULT_MAX_PROBLEMS", "ProblemLog"]

DEFAULT_MAX_PROBLEMS = 1_000
"""Problems listed in one error response (``ZONESCORE_MAX_PROBLEMS``)."""


class _Coded(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def row(self) -> int | None: ...


P = TypeVar("P", bound=_Coded)


class ProblemLog(Generic[P]):
    """Problems in the order found: the first ``cap`` kept, every one counted per code and per row."""

    def __init__(self, cap: int = DEFAULT_MAX_PROBLEMS) -> None:
        self.cap = cap
        self.kept: list[P] = []
        self.totals: Counter[str] = Counter()
        self.rows: set[int | None] = set()
        self._count = 0

    def append(self, problem: P) -> None:
        """Count ``problem`` and keep it while fewer than ``cap`` are kept."""
        self._count += 1
        self.totals[problem.code] += 1
        self.rows.add(problem.row)
        if len(self.kept) < self.cap:
            self.kept.append(problem)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[P]:
        return iter(self.kept)

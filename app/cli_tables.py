"""Terminal tables and option checks shared by the CLI commands.

Tables are drawn by rich, which measures every character by its terminal width (a Chinese character
takes two columns), so columns line up in Chinese and English alike.
"""

from __future__ import annotations

from collections.abc import Sequence

import typer
from rich.console import Console
from rich.table import Table

from app.schemas.codes import PROVINCE_CODES


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, right: Sequence[int] = ()) -> None:
    """Print ``rows`` under ``headers`` on standard output; the columns at ``right`` are right-aligned."""
    table = Table(box=None, pad_edge=False, header_style="bold")
    for n, header in enumerate(headers):
        table.add_column(header, justify="right" if n in right else "left", no_wrap=True)
    for row in rows:
        table.add_row(*row)
    # Wide enough never to fold a row, on a terminal or not (a pipe would otherwise get 80 columns).
    Console(width=max(200, Console().width), highlight=False, soft_wrap=True).print(table)


def check_provinces(values: list[str] | None) -> list[str] | None:
    """A ``--province`` option's values, each a GB/T 2260 two-digit code (a usage error otherwise)."""
    for value in values or ():
        if value not in PROVINCE_CODES:
            raise typer.BadParameter(f"unknown province code {value!r}; use a GB/T 2260 two-digit code such as "
                                     f"33 ({', '.join(PROVINCE_CODES)})")
    return values


def check_province(value: str | None) -> str | None:
    """A single ``--province`` option's value (see :func:`check_provinces`)."""
    check_provinces([value] if value is not None else None)
    return value

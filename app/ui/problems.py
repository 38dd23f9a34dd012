"""``/problems`` and ``/problems/{code}``: the pages that problem+json ``type`` URLs point at.

Each problem type (``not-found``, ``validation-failed`` …) and each error code of ``errors[].code``
(``unknown_zone``, ``out_of_range`` …) has a page saying what it means and what to do, in Chinese or
English like the other pages; the catalog is :mod:`app.problems`, the wording :mod:`app.texts`.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.errors import NotFound
from app.problems import ERROR_CODES, PROBLEM_TYPES, PYDANTIC_ERROR_TYPES, codes_of
from app.ui.routes import Page, html_errors

router = APIRouter(prefix="/problems", include_in_schema=False)


@router.get("", response_class=HTMLResponse)
def problem_index(request: Request) -> HTMLResponse:
    """Every problem type with its error codes."""
    page = Page(request)
    sections = [(t, codes_of(t.slug)) for t in PROBLEM_TYPES.values()]
    return page.render("problems.html", sections=sections, single=None)


@router.get("/{code}", response_class=HTMLResponse)
@html_errors
def problem_page(request: Request, code: str) -> HTMLResponse:
    """One problem type (with its error codes) or one error code."""
    page = Page(request)
    if code in PROBLEM_TYPES:
        kind = PROBLEM_TYPES[code]
        return page.render("problems.html", sections=[(kind, codes_of(kind.slug))], single=kind.slug)
    if code in ERROR_CODES:
        error = ERROR_CODES[code]
        return page.render("problem_code.html", code=code, explanation=page.t(error.text_key),
                           kind=PROBLEM_TYPES[error.slug])
    if code in PYDANTIC_ERROR_TYPES:
        return page.render("problem_code.html", code=code, explanation=page.t("error_pydantic"),
                           kind=PROBLEM_TYPES["validation-failed"])
    raise NotFound(f"no problem type or error code {code!r}")

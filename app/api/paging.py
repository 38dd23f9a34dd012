"""RFC 8288 ``Link`` headers of paginated lists: first, prev, next and last pages.

Every list that takes ``limit``/``offset`` answers with the links of its neighbouring pages, built
from the request's own URL (every other query parameter kept), so a client pages by following
``rel="next"`` until there is none.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Request, Response

LINK_HEADER = "Link"


def page_links(request: Request, *, total: int, limit: int, offset: int) -> str:
    """The ``Link`` value for the page at ``offset`` of ``limit`` items out of ``total``."""
    last = max(total - 1, 0) // limit * limit
    # The request's other parameters in their order, encoded once (a cached ranking page is served in
    # about a millisecond, and building four URLs with include_query_params was a tenth of it).
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in ("limit", "offset")]
    url = request.url
    prefix = f"{url.scheme}://{url.netloc}{url.path}?" + (urlencode(kept) + "&" if kept else "")

    def link(rel: str, to: int) -> str:
        return f'<{prefix}limit={limit}&offset={to}>; rel="{rel}"'

    links = [link("first", 0)]
    if offset > 0:
        links.append(link("prev", max(min(offset - limit, last), 0)))
    if offset + limit < total:
        links.append(link("next", offset + limit))
    links.append(link("last", last))
    return ", ".join(links)


def set_page_links(request: Request, response: Response, *, total: int, limit: int, offset: int) -> None:
    """Put the page's ``Link`` header on ``response``."""
    response.headers[LINK_HEADER] = page_links(request, total=total, limit=limit, offset=offset)


LINK_RESPONSE_HEADER = {
    LINK_HEADER: {
        "description": 'RFC 8288 links to the first, previous, next and last pages (rel="first", "prev", "next", '
                       '"last"); prev and next only where such a page exists',
        "schema": {"type": "string"},
        "example": '<http://127.0.0.1:8000/api/v1/zones?limit=50&offset=50>; rel="next"',
    }
}
"""The OpenAPI description of the header, for ``responses={200: {"headers": LINK_RESPONSE_HEADER}}``."""

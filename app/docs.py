"""Self-hosted API documentation: Swagger UI at ``/docs`` and ReDoc at ``/redoc``.

FastAPI's default pages load their JavaScript and CSS from a CDN (and ReDoc loads Google Fonts),
which fails on the offline intranets of many provincial departments. Here the same pages are
built with FastAPI's own HTML helpers but point at the copies vendored in ``app/static``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from app.errors import PROBLEM_JSON
from app.security_headers import html_policy

STATIC_DIR = Path(__file__).parent / "static"
STATIC_PREFIX = "/static"

OPENAPI_TAGS = [
    {"name": "zones", "description": "高新区（园区）主数据 · The zones: code, names, province, level, leading chain."},
    {"name": "indicators", "description": "指标目录 · The versioned indicator catalog (read-only)."},
    {"name": "observations", "description": "指标观测值 · Zone × indicator × year values, with history."},
    {"name": "imports", "description": "文件导入 · CSV/XLSX imports of observations, all or nothing."},
    {"name": "chain breakdowns", "description": "首位产业链分解 · Industry-chain figures per zone and year."},
    {"name": "models", "description": "评价模型 · Scoring models: methodology, versions, custom specs (forks)."},
    {"name": "evaluations", "description": "评价运行 · Immutable evaluation runs, rankings, scorecards, comparisons."},
    {"name": "panels", "description": "面板评价 · A model over a window of years on one scale: progress, tier "
                                       "transitions, trajectories."},
    {"name": "keys", "description": "API 密钥 · API keys (admin): create (secret shown once), list, revoke."},
    {"name": "audit", "description": "审计日志 · Who changed what and when (admin)."},
    {"name": "webhooks", "description": "事件通知 · Signed POSTs to your URL when an evaluation run is published."},
    {"name": "labels", "description": "界面标签 · zh-CN / en labels for codes (tiers, profiles, badges …)."},
    {"name": "health", "description": "运行状态 · Liveness, readiness and Prometheus metrics."},
]


# ReDoc's bundle draws its "API docs by Redocly" footer logo from its CDN, which fails offline and logs
# an error on every load (the headless-browser test catches it). Before the bundle runs, this swaps
# that one image for an empty inline GIF; the vendored file itself stays byte-identical.
_REDOC_LOCAL_LOGO = """<script>(function () {
  var cdn = new RegExp("^(https?:)?[/][/]cdn[.]redoc[.]ly[/]", "i");
  var blank = "data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==";
  var src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    configurable: true, enumerable: src.enumerable,
    get: function () { return src.get.call(this); },
    set: function (v) { src.set.call(this, cdn.test(String(v)) ? blank : v); }
  });
  var setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    var isSrc = this instanceof HTMLImageElement && String(name).toLowerCase() === "src";
    return setAttribute.call(this, name, isSrc && cdn.test(String(value)) ? blank : value);
  };
})();</script>
"""


# ReDoc's bundle styles itself with styled-components, which inserts <style> elements at run time (their
# content is not known in advance, so no hash can name it), and runs its search in a worker from a blob: URL.
_REDOC_STYLES = "'self' 'unsafe-inline'"
_REDOC_EXTRA = "worker-src blob:"


def _with_policy(page: HTMLResponse, html: str | None = None, **policy: str) -> HTMLResponse:
    """``page`` (or ``html`` instead of its body) with a CSP allowing exactly its own inline blocks."""
    text = html if html is not None else bytes(page.body).decode("utf-8")
    return HTMLResponse(text, headers={"Content-Security-Policy": html_policy(text, **policy)})


def install_docs(app: FastAPI) -> None:
    """Serve ``app/static`` and add ``/docs``, ``/docs/oauth2-redirect`` and ``/redoc`` using local assets.

    Create the app with ``docs_url=None, redoc_url=None`` so FastAPI's CDN-based pages are not added.
    """
    app.mount(STATIC_PREFIX, StaticFiles(directory=STATIC_DIR), name="static")
    openapi_url = app.openapi_url or "/openapi.json"
    title = app.title

    @app.get("/docs", include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        # Behind a reverse proxy that mounts the service under a prefix, every URL needs the root path.
        root = request.scope.get("root_path", "").rstrip("/")
        return _with_policy(get_swagger_ui_html(
            openapi_url=root + openapi_url,
            title=f"{title} — Swagger UI",
            swagger_js_url=f"{root}{STATIC_PREFIX}/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{STATIC_PREFIX}/swagger-ui/swagger-ui.css",
            swagger_favicon_url=f"{root}{STATIC_PREFIX}/swagger-ui/favicon-32x32.png",
            oauth2_redirect_url=f"{root}/docs/oauth2-redirect",
            # Swagger UI would otherwise send the spec to validator.swagger.io for its badge.
            swagger_ui_parameters={"validatorUrl": None, "displayRequestDuration": True},
        ))

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return _with_policy(get_swagger_ui_oauth2_redirect_html())

    @app.get("/redoc", include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        page = get_redoc_html(
            openapi_url=root + openapi_url,
            title=f"{title} — ReDoc",
            redoc_js_url=f"{root}{STATIC_PREFIX}/redoc/redoc.standalone.js",
            redoc_favicon_url=f"{root}{STATIC_PREFIX}/swagger-ui/favicon-32x32.png",
            with_google_fonts=False,
        )
        html = bytes(page.body).decode("utf-8").replace("<script src=", _REDOC_LOCAL_LOGO + "<script src=", 1)
        return _with_policy(page, html, styles=_REDOC_STYLES, extra=_REDOC_EXTRA)


def _problem_json_only(schema: dict[str, Any]) -> dict[str, Any]:
    # FastAPI documents a response ``model`` under the route's media type (application/json) even
    # when the body is sent as application/problem+json; move the schema where the body really is.
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if not status.isdigit() or int(status) < 400 or PROBLEM_JSON not in content:
                    continue
                json_content = content.pop("application/json", None)
                if json_content and "schema" in json_content:
                    content[PROBLEM_JSON].setdefault("schema", json_content["schema"])
    return schema


def install_openapi(app: FastAPI) -> None:
    """Generate the OpenAPI document once, with error responses documented as problem+json only."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _problem_json_only(get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes,
                tags=app.openapi_tags, servers=app.servers,
            ))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

"""Self-hosted API documentation: Swagger UI at ``/docs`` and ReDoc at ``/redoc``.

FastAPI's default pages load their JavaScript and CSS from a CDN (and ReDoc loads Google Fonts),
which fails on the offline intranets of many provincial departments. Here the same pages are
built with FastAPI's own HTML helpers but point at the copies vendored in ``app/static``.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from app.api.paging import LINK_RESPONSE_HEADER
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
    {"name": "evaluations", "description": "评价运行 · Evaluation runs (draft → published → superseded / withdrawn), "
                                           "rankings, scorecards, comparisons."},
    {"name": "panels", "description": "面板评价 · A model over a window of years on one scale: progress, tier "
                                       "transitions, trajectories."},
    {"name": "official", "description": "正式发布结果 · The published run of a model, year and province, and its "
                                        "ranking: the URLs a portal embeds."},
    {"name": "coverage", "description": "数据覆盖 · Which years hold data, per indicator and per model."},
    {"name": "keys", "description": "API 密钥 · API keys (admin): create (secret shown once), list, revoke."},
    {"name": "audit", "description": "审计日志 · Who changed what and when (admin)."},
    {"name": "webhooks", "description": "事件通知 · Signed POSTs to your URL when a run is published, superseded or "
                                         "withdrawn; durable, retried, redeliverable."},
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


def operation_id(route: APIRoute) -> str:
    """The operationId of a route: its function name in lowerCamelCase (``get_rankings`` → ``getRankings``).

    Short and stable: generated clients name their methods after it, so a rename shows in the
    committed ``openapi.json`` and its drift test."""
    first, *rest = route.name.split("_")
    return first + "".join(part.capitalize() for part in rest)


# The one requirement reads have: any key, and only when ZONESCORE_REQUIRE_READ_KEY is set.
_READ_ROLE = "read"


def _optional_read_security(operation: dict[str, Any]) -> None:
    # An empty requirement makes the others optional (OpenAPI 3.1 §4.8.30): reads are anonymous
    # unless the server requires a key, and then any key (role "read") will do.
    security = operation.get("security")
    if security and all(roles == [_READ_ROLE] for req in security for roles in req.values()):
        operation["security"] = [{}, *security]


def _example_path(path: str, operation: dict[str, Any]) -> str:
    examples = {p["name"]: (p.get("schema", {}).get("examples") or p.get("examples") or ["1"])[0]
                for p in operation.get("parameters", []) if p.get("in") == "path"}
    return re.sub(r"{(\w+)}", lambda m: str(examples.get(m.group(1), "1")), path)


# Query parameters whose documented values are not checked as such: another format is a 406, another
# language falls back to Accept-Language.
_LENIENT_PARAMETERS = frozenset({"format", "lang"})


def _enum_of(schema: dict[str, Any], components: dict[str, Any]) -> list[Any]:
    schema = schema.get("items", schema)
    if "$ref" in schema:
        schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
    return list(schema.get("enum", []))


def _validation_example(operation: dict[str, Any], components: dict[str, Any]) -> dict[str, Any] | None:
    """A realistic problem of this operation's own request: a bad value of an enumerated query parameter,
    a path parameter that is not a number, or a missing body field."""
    for param in operation.get("parameters", []):
        enum = _enum_of(param.get("schema", {}), components)
        if param.get("in") == "query" and enum and param["name"] not in _LENIENT_PARAMETERS:
            allowed = ", ".join(f"'{v}'" for v in enum[:-1]) + f" or '{enum[-1]}'" if len(enum) > 1 else f"'{enum[0]}'"
            return {"row": None, "column": f"query.{param['name']}", "code": "enum",
                    "message": f"Input should be {allowed}", "value": "bogus"}
    for param in operation.get("parameters", []):
        if param.get("in") == "path" and param.get("schema", {}).get("type") == "integer":
            return {"row": None, "column": f"path.{param['name']}", "code": "int_parsing",
                    "message": "Input should be a valid integer, unable to parse string as an integer", "value": "x"}
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    ref = body.get("$ref", "").rsplit("/", 1)[-1]
    required = components.get(ref, {}).get("required", [])
    if required:
        return {"row": None, "column": f"body.{required[0]}", "code": "missing", "message": "Field required",
                "value": None}
    return None


def _no_null_query_values(operation: dict[str, Any]) -> None:
    # An optional query parameter is absent or has a value; it cannot be JSON null, which FastAPI's schema
    # of an `X | None` parameter would let generated clients send.
    for param in operation.get("parameters", []):
        schema = param.get("schema", {})
        choices = [c for c in schema.get("anyOf", []) if c.get("type") != "null"]
        if param.get("in") in ("query", "header") and len(choices) == 1 and len(schema["anyOf"]) == 2:
            del schema["anyOf"]
            schema.update(choices[0])


def _link_header(operation: dict[str, Any]) -> None:
    # Every paginated list (limit and offset) answers with the RFC 8288 links of its other pages.
    names = {p["name"] for p in operation.get("parameters", [])}
    ok = operation.get("responses", {}).get("200")
    if {"limit", "offset"} <= names and ok is not None:
        ok.setdefault("headers", {}).update(LINK_RESPONSE_HEADER)


def _describe_form_bodies(schema: dict[str, Any]) -> None:
    # FastAPI names the schema of a multipart form Body_<operationId> and gives it no description.
    for path, path_item in schema.get("paths", {}).items():
        for method, operation in path_item.items():
            content = operation.get("requestBody", {}).get("content", {}).get("multipart/form-data", {})
            name = content.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1]
            if name in schema.get("components", {}).get("schemas", {}):
                schema["components"]["schemas"][name].setdefault(
                    "description", f"The multipart/form-data fields of {method.upper()} {path}.")


def _own_problem_examples(schema: dict[str, Any]) -> None:
    """Every operation's problem examples name its own path, and its 422 example its own request (the
    shared examples of ``app.api.responses`` are written once for all operations)."""
    components = schema.get("components", {}).get("schemas", {})
    batch_paths = ("/api/v1/observations", "/api/v1/imports", "/api/v1/chain-breakdowns")
    for path, path_item in schema.get("paths", {}).items():
        for method, operation in path_item.items():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {}).get(PROBLEM_JSON)
                if not content or "example" not in content:
                    continue
                example = copy.deepcopy(content["example"])
                example["instance"] = _example_path(path, operation)
                is_batch = method == "post" and path in batch_paths
                if status == "422" and not is_batch:
                    problem = _validation_example(operation, components)
                    example["errors"] = [problem] if problem else []
                    example["detail"] = f"{len(example['errors'])} problem(s) in the request"
                content["example"] = example


def install_openapi(app: FastAPI) -> None:
    """Generate the OpenAPI document once: error responses as problem+json only, with examples of each
    operation's own path and request, and reads marked as needing a key only when the server says so."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = _problem_json_only(get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes,
                tags=app.openapi_tags, servers=app.servers,
            ))
            for path_item in schema.get("paths", {}).values():
                for operation in path_item.values():
                    _optional_read_security(operation)
                    _no_null_query_values(operation)
                    _link_header(operation)
            _own_problem_examples(schema)
            _describe_form_bodies(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

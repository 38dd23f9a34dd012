"""Problem types and error codes: every one raised is in the catalog, explained by a page of the service."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from fastapi.testclient import TestClient

import app.main  # noqa: F401  (imports every module that defines an error class)
from app.errors import AppError
from app.problems import ERROR_CODES, PROBLEM_TYPES, PYDANTIC_ERROR_TYPES, SLUG_BY_STATUS
from app.texts import TEXTS

ROOT = Path(__file__).resolve().parents[1]


def _subclasses(cls: type[AppError]) -> list[type[AppError]]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def _raised_codes() -> set[str]:
    """Every literal error code in app/ and scoring_models/: ``Problem(code=…)``, ``CellProblem(…, code=…)``,
    spec checks' ``errors.add(loc, "code", …)`` and ``PydanticCustomError("code", …)``."""
    codes: set[str] = set()
    for path in [*(ROOT / "app").rglob("*.py"), *(ROOT / "scoring_models").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            for keyword in node.keywords:
                if keyword.arg == "code" and isinstance(keyword.value, ast.Constant) and name in (
                        "Problem", "CellProblem", "_problem"):
                    codes.add(keyword.value.value)
            literal = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if name == "add" and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant):
                codes.add(node.args[1].value)
            elif name == "PydanticCustomError" and literal:
                codes.add(literal[0])
    return codes


def test_every_problem_type_and_error_code_raised_is_in_the_catalog_with_words() -> None:
    slugs = {cls.slug for cls in _subclasses(AppError)} | set(SLUG_BY_STATUS.values())
    assert slugs - set(PROBLEM_TYPES) == set()
    raised = _raised_codes()
    assert len(raised) > 30  # the scan finds them at all
    # own codes are in the catalog; a few checks reuse pydantic's type names (enum, bool_parsing) on purpose
    assert raised - set(ERROR_CODES) - PYDANTIC_ERROR_TYPES == set()
    # an own code never shadows one of pydantic's, whose meaning differs
    assert set(ERROR_CODES) & PYDANTIC_ERROR_TYPES == set()
    for entry in [*PROBLEM_TYPES.values(), *ERROR_CODES.values()]:
        zh, en = TEXTS[entry.text_key]
        assert len(zh) > 5 and len(en) > 10, entry


def test_problem_types_resolve_to_pages_that_explain_them(client: TestClient) -> None:
    problem = client.get("/api/v1/zones/NOPE-99")
    assert problem.status_code == 404
    url = problem.json()["type"]
    assert url == "http://testserver/problems/not-found"
    page = client.get(url.removeprefix("http://testserver"), headers={"Accept-Language": "en"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert TEXTS["problem_not_found"][1] in page.text
    validation = client.get("/problems/validation-failed")
    # the type's page lists the codes of its errors, each linked to its own page
    assert 'href="/problems/unknown_zone"' in validation.text and TEXTS["error_out_of_range"][0] in validation.text
    code_page = client.get("/problems/unknown_zone?lang=en")
    assert code_page.status_code == 200 and TEXTS["error_unknown_zone"][1] in code_page.text
    assert client.get("/problems/int_parsing").status_code == 200  # pydantic's codes: one generic explanation
    assert client.get("/problems/no-such-thing").status_code == 404
    index = client.get("/problems")
    assert all(f'id="{slug}"' in index.text for slug in PROBLEM_TYPES)


def test_405_allows_every_method_of_the_path(client: TestClient) -> None:
    for path, allowed in {"/api/v1/zones": "GET, POST", "/api/v1/zones/X-1": "GET, PATCH",
                          "/api/v1/keys/1": "DELETE", "/api/v1/evaluations": "GET, POST"}.items():
        response = client.put(path)
        assert response.status_code == 405, path
        assert response.headers["allow"] == allowed, path
        assert response.json()["type"].endswith("/problems/method-not-allowed")


def test_validation_errors_show_the_values_received_as_json(client: TestClient, admin_key: str) -> None:
    response = client.post("/api/v1/evaluations", headers={"Authorization": f"Bearer {admin_key}"},
                           json={"model": {"model": "innovation-peak"}, "year": 2024})
    assert response.status_code == 422
    values = [e["value"] for e in response.json()["errors"]]
    assert '{"model":"innovation-peak"}' in values
    assert json.loads('{"model":"innovation-peak"}') == {"model": "innovation-peak"}
    listed = client.get("/api/v1/observations", params={"year_from": "x"}).json()["errors"]
    assert listed[0]["value"] == "x" and listed[0]["column"] == "query.year_from"

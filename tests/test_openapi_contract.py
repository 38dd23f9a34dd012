"""The OpenAPI document is a contract a portal can build on: committed, complete, and in step with the app."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from app.openapi_file import OPENAPI_PATH

ROOT = Path(__file__).resolve().parents[1]


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, item in spec["paths"].items() for method, op in item.items()]


def _has_example(schema: dict[str, Any]) -> bool:
    return any(key in schema for key in ("examples", "example", "default", "enum", "$ref")) or (
        "items" in schema and _has_example(schema["items"]))


def test_the_committed_openapi_json_is_what_the_app_serves() -> None:
    # In a fresh interpreter: the document lists registered step methods, which some tests register for a while.
    found = subprocess.run(
        [sys.executable, "-c", "import sys; from app.openapi_file import drift; d = drift(); print(d or ''); "
                               "sys.exit(1 if d else 0)"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert found.returncode == 0, f"openapi.json is out of date ({found.stdout.strip()}): run 'make openapi'"


def test_the_served_document_is_the_committed_one(client: TestClient) -> None:
    assert client.get("/openapi.json").json() == json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))


def test_operation_ids_are_short_stable_camel_case_and_tagged() -> None:
    spec = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    ids = [op["operationId"] for _, _, op in _operations(spec)]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+(?:[A-Z][a-z]+)*", i) and len(i) <= 30 for i in ids), ids
    assert {"getRankings", "listZones", "getScorecard", "getCoverage", "importObservations"} <= set(ids)
    tags = {t["name"] for t in spec["tags"]}
    assert all(op.get("tags") and set(op["tags"]) <= tags for _, _, op in _operations(spec))


def test_every_parameter_and_field_is_described_with_an_example() -> None:
    spec = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    undescribed, without_example = [], []
    for method, path, op in _operations(spec):
        for param in op.get("parameters", []):
            where = f"{method} {path} {param['name']}"
            if not param.get("description"):
                undescribed.append(where)
            if not (_has_example(param.get("schema", {})) or "example" in param or "examples" in param):
                without_example.append(where)
    for name, schema in spec["components"]["schemas"].items():
        if not schema.get("description"):
            undescribed.append(name)
        for field, prop in schema.get("properties", {}).items():
            if not prop.get("description"):
                undescribed.append(f"{name}.{field}")
            choices = [prop, prop.get("items", {}), *prop.get("anyOf", [])]
            nested = any("$ref" in c for c in choices)
            binary = prop.get("format") == "binary" or "contentMediaType" in prop  # a file has no example
            if not (nested or binary or _has_example(prop) or "examples" in schema):
                without_example.append(f"{name}.{field}")
    assert undescribed == []
    assert without_example == []


def test_security_is_declared_only_where_it_applies() -> None:
    spec = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    operations = {(m, p): op for m, p, op in _operations(spec)}
    for path in ("/healthz", "/readyz", "/metrics"):
        assert "security" not in operations[("get", path)], path
    # reads: anonymous (the empty requirement) unless the server requires a read key
    rankings = operations[("get", "/api/v1/evaluations/{run_id}/rankings")]["security"]
    assert rankings[0] == {} and {"HTTPBearer": ["read"]} in rankings
    # writes name the scope they need, and anonymous is not among the choices
    assert operations[("post", "/api/v1/evaluations")]["security"] == [{"HTTPBearer": ["evaluate"]},
                                                                       {"APIKeyHeader": ["evaluate"]}]
    assert {} not in operations[("get", "/api/v1/audit")]["security"]
    assert operations[("post", "/api/v1/imports")]["security"][0] == {"HTTPBearer": ["submit"]}


def test_problem_examples_belong_to_their_operation() -> None:
    spec = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    rankings = spec["paths"]["/api/v1/evaluations/{run_id}/rankings"]["get"]["responses"]["422"]
    example = rankings["content"]["application/problem+json"]["example"]
    assert example["instance"] == "/api/v1/evaluations/1/rankings"
    assert example["errors"][0]["column"].startswith("query.") and example["errors"][0]["code"] == "enum"
    for _method, path, op in _operations(spec):
        for status, response in op["responses"].items():
            problem = response.get("content", {}).get("application/problem+json", {}).get("example")
            if problem:
                assert problem["instance"].startswith(path.split("{")[0].rstrip("/")), (path, status)
                assert problem["type"].endswith("/problems/" + problem["type"].rsplit("/", 1)[-1])

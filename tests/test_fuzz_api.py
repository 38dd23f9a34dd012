"""Schemathesis against the app's own OpenAPI schema: no 5xx, every response as documented.

Each API operation is one test on its own migrated database, with an admin key and one zone to aim
at, and up to 50 generated requests of valid (positive) and of invalid (negative) data.

The operations are driven through Hypothesis directly (``APIOperation.as_strategy``) rather than
``schemathesis.pytest.from_fixture``: the latter needs pytest internals that pytest 9 removed.
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from app.config import Settings
from app.main import create_app
from tests.factories import make_zone

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _operations() -> list[tuple[str, str, GenerationMode]]:
    # The schema does not depend on the database, so an app on an unused in-memory one lists the operations.
    spec = create_app(Settings(database_url="sqlite:///:memory:")).openapi()
    found = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            found.append((method.upper(), path, GenerationMode.POSITIVE))
            # Invalid data needs something to make invalid: a parameter or a body.
            if operation.get("parameters") or operation.get("requestBody"):
                found.append((method.upper(), path, GenerationMode.NEGATIVE))
    return found


OPERATIONS = _operations()


@pytest.mark.parametrize(("method", "path", "mode"), OPERATIONS, ids=[f"{m} {p} {g.value}" for m, p, g in OPERATIONS])
def test_operation_conforms_to_the_schema(
    app: FastAPI, client: TestClient, admin_key: str, method: str, path: str, mode: GenerationMode
) -> None:
    app.state.settings = app.state.settings.model_copy(update={"rate_limit_per_minute": 0})
    make_zone(client, "TEST-33-N01")
    operation = schemathesis.openapi.from_asgi("/openapi.json", app)[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
              database=None)
    def exercise(case: schemathesis.Case) -> None:
        case.call_and_validate(headers={"Authorization": f"Bearer {admin_key}"}, checks=CHECKS)

    exercise()

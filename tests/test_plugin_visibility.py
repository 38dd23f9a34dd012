"""The example plug-in is a test fixture: the service lists it only when a test installs it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

TITLE_EN = "Green and liveable (example plug-in)"


def _listed(client: TestClient) -> set[str]:
    response = client.get("/api/v1/models")
    assert response.status_code == 200, response.text
    return {m["key"] for m in response.json()}


def test_models_and_home_page_do_not_list_the_example_plugin(client: TestClient) -> None:
    assert "green-liveable" not in _listed(client)
    assert "comprehensive" in _listed(client)
    home = client.get("/ui", params={"lang": "en"})
    assert home.status_code == 200 and "/ui/models/comprehensive" in home.text
    assert TITLE_EN not in home.text


@pytest.mark.usefixtures("example_plugin")
def test_the_fixture_makes_the_service_list_the_example_plugin(client: TestClient) -> None:
    assert "green-liveable" in _listed(client)
    assert TITLE_EN in client.get("/ui", params={"lang": "en"}).text

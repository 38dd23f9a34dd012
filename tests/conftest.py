"""Fixtures: a freshly migrated database per test (SQLite always, PostgreSQL when configured).

Each test gets its own database built by the real Alembic migrations: a copy of a migrated SQLite
template file, or a PostgreSQL database cloned from a migrated template database. Nothing is shared
between tests and nothing is cleaned up by deleting rows.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.config import Settings, get_settings
from app.db import make_engine, make_session_factory, session_scope
from app.main import create_app
from app.migrate import upgrade
from app.services.audit import CLI_ACTOR
from app.services.keys import create_key

# The example plug-in is a fixture (never pip-installed): see tests/example_plugin.py.
pytest_plugins = ["tests.example_plugin"]

PG_URL = os.environ.get("ZONESCORE_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def _pg_admin() -> Engine:
    assert PG_URL
    return create_engine(PG_URL, isolation_level="AUTOCOMMIT")


def _pg_url_for(name: str) -> str:
    assert PG_URL
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


def _pg_create(name: str, template: str | None = None) -> None:
    admin = _pg_admin()
    try:
        with admin.connect() as conn:
            suffix = f' TEMPLATE "{template}"' if template else ""
            conn.execute(text(f'CREATE DATABASE "{name}"{suffix}'))
    finally:
        admin.dispose()


def _pg_drop(name: str) -> None:
    admin = _pg_admin()
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file migrated to head with the catalog synced."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A PostgreSQL database migrated to head, used as a template for per-test databases."""
    if not PG_URL:
        pytest.skip("ZONESCORE_TEST_DATABASE_URL is not set")
    name = f"zs_tpl_{uuid.uuid4().hex[:10]}"
    _pg_create(name)
    engine = make_engine(_pg_url_for(name))
    upgrade(engine)
    engine.dispose()
    yield name
    _pg_drop(name)


def _load_demo(url: str) -> None:
    from app.db import session_scope
    from app.services.demo_loader import load_demo

    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            load_demo(session)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def sqlite_demo_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file holding the demo data set."""
    path = tmp_path_factory.mktemp("demo-template") / "demo.db"
    shutil.copyfile(sqlite_template, path)
    _load_demo(f"sqlite:///{path}")
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_demo_template(pg_template: str) -> Iterator[str]:
    """A PostgreSQL template database holding the demo data set."""
    name = f"zs_demo_{uuid.uuid4().hex[:10]}"
    _pg_create(name, template=pg_template)
    _load_demo(_pg_url_for(name))
    yield name
    _pg_drop(name)


def _database(request: pytest.FixtureRequest, tmp_path: Path, *, demo: bool) -> Iterator[str]:
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_demo_template" if demo else "sqlite_template")
        target = tmp_path / "zonescore.db"
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
        return
    template_name: str = request.getfixturevalue("pg_demo_template" if demo else "pg_template")
    name = f"zs_t_{uuid.uuid4().hex[:12]}"
    _pg_create(name, template=template_name)
    try:
        yield _pg_url_for(name)
    finally:
        _pg_drop(name)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database of its own for this test."""
    yield from _database(request, tmp_path, demo=False)


@pytest.fixture(params=BACKENDS)
def demo_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated database of its own for this test, holding the demo data set."""
    yield from _database(request, tmp_path, demo=True)


def admin_headers(application: FastAPI) -> dict[str, str]:
    """Create an admin key in the app's database (as the CLI does) and return the header that sends it."""
    with session_scope(application.state.session_factory) as session:
        _key, secret = create_key(session, CLI_ACTOR, name="test admin", scopes=("admin",), provinces=())
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def demo_client(demo_database_url: str) -> Iterator[TestClient]:
    """A client sending an admin key, on a database of its own holding the demo data set."""
    application = create_app(Settings(database_url=demo_database_url))
    headers = admin_headers(application)
    with TestClient(application, raise_server_exceptions=False, headers=headers) as test_client:
        yield test_client
    application.state.engine.dispose()


@pytest.fixture
def demo_env(demo_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point the CLI (which reads the environment) at this test's demo database."""
    monkeypatch.setenv("ZONESCORE_DATABASE_URL", demo_database_url)
    get_settings.cache_clear()
    yield demo_database_url
    get_settings.cache_clear()


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings pointing at this test's database."""
    return Settings(database_url=database_url)


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    """The application on this test's database."""
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


KeyFactory = Callable[..., str]


@pytest.fixture
def make_key(app: FastAPI) -> KeyFactory:
    """Create an API key in this test's database (through the service, as the CLI does); return its secret."""

    def factory(*scopes: str, provinces: Sequence[str] = (), name: str = "test key") -> str:
        with session_scope(app.state.session_factory) as session:
            _key, secret = create_key(session, CLI_ACTOR, name=name, scopes=scopes or ("admin",),
                                      provinces=provinces)
        return secret

    return factory


@pytest.fixture
def admin_key(make_key: KeyFactory) -> str:
    """The secret of an admin key, the one ``client`` sends."""
    return make_key("admin", name="test admin")


@pytest.fixture
def client(app: FastAPI, admin_key: str) -> Iterator[TestClient]:
    """An httpx-based client talking to the app in process, sending an admin key."""
    with TestClient(app, raise_server_exceptions=False, headers={"Authorization": f"Bearer {admin_key}"}) as c:
        yield c


@pytest.fixture
def anon_client(app: FastAPI) -> Iterator[TestClient]:
    """A client that sends no key (add ``headers=`` per request to try keys)."""
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def session(app: FastAPI) -> Iterator[Session]:
    """A session on the test database, for checking what was (not) written."""
    factory = make_session_factory(app.state.engine)
    with factory() as s:
        yield s

"""The model registry: built-in models plus third-party plug-ins found through entry points.

Built-ins are the modules of :mod:`scoring_models.builtin`, each exposing ``MODEL`` or ``build()``
(the current version), plus the verbatim specs of the built-in versions a newer one replaced
(``scoring_models/data/superseded/<key>-<version>.json``): a stored run names its model version, so
that version must stay resolvable (its methodology page, a re-run) after the built-in moves on.
Plug-ins register under the entry-point group ``zonescore.scoring_models``; an entry point may
name a ScoringModel instance, a ``ModelSpec``, or a zero-argument callable returning either. A
plug-in that fails to import, build or pass the metadata checks is recorded in
:attr:`Registry.errors` and skipped — it never breaks the registry.

Typical use::

    from scoring_models import registry
    model = registry.get("comprehensive")          # latest version
    result = model.evaluate(matrix, options=EvaluationOptions(seed=1))
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from importlib.metadata import EntryPoint, entry_points
from importlib.resources.abc import Traversable

from pydantic import BaseModel, ConfigDict

from scoring_models.base import ScoringModel
from scoring_models.conformance import check_metadata, check_model
from scoring_models.pipeline import SpecModel
from scoring_models.spec import ModelSpec

ENTRY_POINT_GROUP = "zonescore.scoring_models"


class RegistryError(BaseModel):
    """A model source that could not be loaded, and why."""

    model_config = ConfigDict(frozen=True)

    source: str
    name: str
    error: str


class ModelSummary(BaseModel):
    """What a listing shows about a registered model."""

    model_config = ConfigDict(frozen=True)

    key: str
    version: str
    title_zh: str
    title_en: str
    description: str
    source: str


def version_sort_key(version: str) -> tuple[tuple[int, ...], str]:
    """Sort key that orders versions numerically (1.10.0 after 1.9.0)."""
    nums = tuple(int(p) for p in re.findall(r"\d+", version.split("-")[0].split("+")[0]))
    return nums, version


def _coerce(obj: object) -> ScoringModel:
    if isinstance(obj, ModelSpec):
        return SpecModel(obj)
    if isinstance(obj, ScoringModel) and not isinstance(obj, type):
        return obj
    if callable(obj):
        return _coerce(obj())
    raise TypeError(f"{obj!r} is neither a ScoringModel, a ModelSpec nor a callable returning one")


class Registry:
    """Models by ``(key, version)``, with the errors of sources that failed to load."""

    def __init__(self, *, full_check: bool = False) -> None:
        """``full_check`` runs :func:`check_model` (an evaluation on synthetic data) on every model
        at registration instead of the metadata check alone — e.g. once at service start-up."""
        self.full_check = full_check
        self._models: dict[tuple[str, str], tuple[ScoringModel, str]] = {}
        self.errors: list[RegistryError] = []

    def register(self, model: ScoringModel, *, source: str = "direct") -> None:
        """Add a model after checking it; duplicates raise ValueError, failed checks ConformanceError."""
        if self.full_check:
            check_model(model)
        else:
            check_metadata(model)
        key = (model.key, model.version)
        if key in self._models:
            raise ValueError(
                f"model {model.key} {model.version} is already registered by {self._models[key][1]}"
            )
        self._models[key] = (model, source)

    def _try(self, source: str, name: str, load: object) -> None:
        try:
            obj = load() if callable(load) else load
            self.register(_coerce(obj), source=source)
        except Exception as exc:  # a plug-in may fail in any way (ConformanceError included): report it
            self.errors.append(RegistryError(source=source, name=name, error=f"{type(exc).__name__}: {exc}"))

    def load_builtins(self) -> None:
        """Import every module of :mod:`scoring_models.builtin` and register its model."""
        pkg = importlib.import_module("scoring_models.builtin")
        for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
            name = f"scoring_models.builtin.{info.name}"

            def load(name: str = name) -> object:
                module = importlib.import_module(name)
                if hasattr(module, "MODEL"):
                    return module.MODEL
                if hasattr(module, "build"):
                    return module.build
                raise AttributeError(f"{name} exposes neither MODEL nor build()")

            self._try("builtin", name, load)
        self.load_superseded()

    def load_superseded(self) -> None:
        """Register the superseded built-in versions kept as spec files in ``data/superseded``."""
        folder = resources.files("scoring_models").joinpath("data", "superseded")
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".json"):

                def load(entry: Traversable = entry) -> object:
                    return ModelSpec.model_validate_json(entry.read_text(encoding="utf-8"))

                self._try("builtin", f"superseded:{entry.name}", load)

    def load_entry_points(self, eps: Iterable[EntryPoint] | None = None) -> None:
        """Register the models of the ``zonescore.scoring_models`` entry points (or of ``eps``)."""
        found = entry_points(group=ENTRY_POINT_GROUP) if eps is None else eps
        for ep in sorted(found, key=lambda e: e.name):
            self._try(f"entry_point:{ep.value}", ep.name, ep.load)

    def get(self, key: str, version: str | None = None) -> ScoringModel:
        """The model ``key`` at ``version`` (default: the highest version); KeyError if absent."""
        if version is not None:
            try:
                return self._models[(key, version)][0]
            except KeyError:
                raise KeyError(f"no model {key!r} version {version!r}") from None
        versions = [v for (k, v) in self._models if k == key]
        if not versions:
            raise KeyError(f"no model {key!r}")
        return self._models[(key, max(versions, key=version_sort_key))][0]

    def models(self) -> list[ScoringModel]:
        """All registered models, sorted by key then version."""
        return [self._models[k][0] for k in sorted(self._models, key=lambda kv: (kv[0], version_sort_key(kv[1])))]

    def list(self) -> list[ModelSummary]:
        """Summaries of all registered models."""
        return [
            ModelSummary(
                key=m.key,
                version=m.version,
                title_zh=m.title_zh,
                title_en=m.title_en,
                description=m.description,
                source=self._models[(m.key, m.version)][1],
            )
            for m in self.models()
        ]

    def source_of(self, model: ScoringModel) -> str:
        """Where the registered ``model`` came from (``builtin`` or ``entry_point:…``)."""
        return self._models[(model.key, model.version)][1]

    def __contains__(self, key: object) -> bool:
        return any(k == key for k, _ in self._models) or key in self._models


def load_registry(*, builtins: bool = True, plugins: bool = True, full_check: bool = False) -> Registry:
    """A fresh registry with the built-ins and/or the installed plug-ins (see ``Registry``)."""
    reg = Registry(full_check=full_check)
    if builtins:
        reg.load_builtins()
    if plugins:
        reg.load_entry_points()
    return reg


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    """The process-wide registry, built once on first use (``default_registry.cache_clear()`` reloads)."""
    return load_registry()


def get(key: str, version: str | None = None) -> ScoringModel:
    """``default_registry().get(key, version)``."""
    return default_registry().get(key, version)


def available() -> list[ModelSummary]:
    """``default_registry().list()``."""
    return default_registry().list()


def errors() -> list[RegistryError]:
    """Sources that failed to load into the default registry."""
    return list(default_registry().errors)

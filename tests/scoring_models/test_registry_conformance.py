"""Registry discovery (built-ins, entry points, broken plug-ins) and check_model."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from scoring_models import registry
from scoring_models.base import EvaluationOptions, EvaluationResult, IndicatorMatrix
from scoring_models.conformance import ConformanceError, check_metadata, check_model, synthetic_matrix
from scoring_models.pipeline import SpecModel, build_model

ROOT = Path(__file__).resolve().parents[2]


BUILTIN_KEYS = [
    "comprehensive", "innovation-officer", "innovation-peak", "innovation-strength", "leading-chain",
    "open-cooperation",
]


def test_builtin_models_are_discovered() -> None:
    reg = registry.load_registry(plugins=False)
    assert list(dict.fromkeys(s.key for s in reg.list())) == BUILTIN_KEYS
    assert reg.errors == []
    model = reg.get("comprehensive")
    assert model.version == "1.0.1"
    pillars = {p.code: p.weight for p in model.pillars}
    assert list(pillars.values()) == [20, 20, 15, 15, 30]


def test_comprehensive_counts_scale_in_full() -> None:
    model = registry.load_registry(plugins=False).get("comprehensive")
    assert isinstance(model, SpecModel)
    weights = model.spec.nominal_weights()
    assert model.spec.constraints.max_nature_share == {}
    assert weights["revenue"] == pytest.approx(0.30 / 6)


def test_example_plugin_is_listed_from_its_entry_point(example_plugin: str) -> None:
    reg = registry.load_registry()
    listed = {s.key: s.source for s in reg.list()}
    assert listed.get(example_plugin) == "entry_point:zonescore_example_plugin:MODEL"
    assert "comprehensive" in listed


def test_without_the_fixture_the_example_plugin_is_not_listed() -> None:
    # The registry `make run` serves: every installed entry point, the example plug-in not requested.
    assert "green-liveable" not in {s.key for s in registry.load_registry().list()}
    registry.default_registry.cache_clear()
    assert "green-liveable" not in {s.key for s in registry.available()}


def test_the_installed_environment_has_no_example_plugin() -> None:
    # A fresh interpreter of this environment, as `zonescore serve` starts: pytest's sys.path is not in play.
    code = "from scoring_models import registry; print(' '.join(s.key for s in registry.available()))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert "green-liveable" not in out.stdout.split(), (
        "the example plug-in is pip-installed in this environment; `make install` removes it"
    )
    assert "comprehensive" in out.stdout.split()


@pytest.mark.parametrize("key", ["comprehensive", "green-liveable"])
def test_check_model_passes_for_builtins_and_plugin(key: str, example_plugin: str) -> None:
    check_model(registry.load_registry().get(key))


def test_every_registered_model_conforms(example_plugin: str) -> None:
    reg = registry.load_registry()
    assert reg.errors == []
    assert example_plugin in reg
    for model in reg.models():
        check_model(model)


def test_broken_plugins_are_reported_not_raised(mini_spec: dict[str, Any], example_plugin: str) -> None:
    group = registry.ENTRY_POINT_GROUP
    eps = [
        EntryPoint("missing-module", "zonescore_no_such_module:MODEL", group),
        EntryPoint("missing-attr", "zonescore_example_plugin:NOPE", group),
        EntryPoint("not-a-model", "json:dumps", group),
        EntryPoint("good", "zonescore_example_plugin:SPEC", group),
    ]
    reg = registry.Registry()
    reg.load_entry_points(eps)
    assert [s.key for s in reg.list()] == ["green-liveable"]
    errors = {e.name: e.error for e in reg.errors}
    assert set(errors) == {"missing-module", "missing-attr", "not-a-model"}
    assert "ModuleNotFoundError" in errors["missing-module"]
    assert "AttributeError" in errors["missing-attr"]


def test_duplicate_and_version_lookup(mini_spec: dict[str, Any]) -> None:
    reg = registry.Registry()
    reg.register(build_model(mini_spec))
    mini_spec["version"] = "1.10.0"
    reg.register(build_model(mini_spec))
    mini_spec["version"] = "1.9.0"
    reg.register(build_model(mini_spec))
    assert reg.get("mini").version == "1.10.0"
    assert reg.get("mini", "1.9.0").version == "1.9.0"
    with pytest.raises(ValueError):
        reg.register(build_model(mini_spec))
    with pytest.raises(KeyError):
        reg.get("mini", "2.0")
    with pytest.raises(KeyError):
        reg.get("nothing")
    assert "mini" in reg and ("mini", "1.9.0") in reg


def test_module_level_functions_use_the_default_registry() -> None:
    registry.default_registry.cache_clear()
    assert registry.get("comprehensive").key == "comprehensive"
    assert any(s.key == "comprehensive" for s in registry.available())
    assert registry.errors() == []


class _Flaky:
    """Delegates to a real model but returns different ranks on each call (non-deterministic)."""

    def __init__(self, inner: SpecModel) -> None:
        self._inner = inner
        self._calls = 0
        for attr in (
            "key",
            "version",
            "title_zh",
            "title_en",
            "description",
            "pillars",
            "indicators",
            "tier_scheme",
        ):
            setattr(self, attr, getattr(inner, attr))

    def evaluate(
        self, matrix: IndicatorMatrix, *, options: EvaluationOptions | None = None
    ) -> EvaluationResult:
        self._calls += 1
        res = self._inner.evaluate(matrix, options=options)
        return res.model_copy(update={"seed": res.seed + self._calls})


class _Forgetful(_Flaky):
    """Drops the excluded zones from the result."""

    def evaluate(
        self, matrix: IndicatorMatrix, *, options: EvaluationOptions | None = None
    ) -> EvaluationResult:
        return self._inner.evaluate(matrix, options=options).model_copy(update={"excluded": []})


def test_check_model_catches_broken_models(mini_spec: dict[str, Any]) -> None:
    inner = build_model(mini_spec)
    with pytest.raises(ConformanceError, match="same seed differ"):
        check_model(_Flaky(inner))
    with pytest.raises(ConformanceError, match="ranked or excluded"):
        check_model(_Forgetful(inner))

    class NoMeta:
        key = "Bad Key"
        version = ""

    with pytest.raises(ConformanceError) as info:
        check_metadata(NoMeta())
    assert any("key" in p for p in info.value.problems) and any("version" in p for p in info.value.problems)


def test_synthetic_matrix_is_deterministic_and_valid() -> None:
    codes = ["rd_intensity", "cio_established", "hte_count", "oem_revenue_share"]
    a, b = synthetic_matrix(codes), synthetic_matrix(codes)
    assert np.array_equal(a.values, b.values, equal_nan=True)
    assert np.isnan(a.current[0]).all()  # Z00 reports nothing in the evaluation year
    flags = a.values[:, 1, :]
    assert set(np.unique(flags[~np.isnan(flags)])) <= {0.0, 1.0}
    counts = a.values[:, 2, :]
    assert np.array_equal(counts[~np.isnan(counts)], np.round(counts[~np.isnan(counts)]))


def test_importing_scoring_models_loads_no_web_or_db_stack() -> None:
    code = (
        "import sys, scoring_models, scoring_models.registry, scoring_models.pipeline;"
        "scoring_models.registry.get('comprehensive');"
        "roots = {m.split('.')[0] for m in sys.modules};"
        "print(','.join(sorted(roots & {'fastapi', 'sqlalchemy', 'starlette', 'app'})));"
        "print('sklearn' in roots)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    forbidden, sklearn_loaded = out.stdout.splitlines()
    assert forbidden == ""
    # scikit-learn is imported only when k-means or PCA runs: it costs most of a second
    assert sklearn_loaded == "False"


def test_handwritten_protocol_models_load_as_instance_class_or_factory() -> None:
    group = registry.ENTRY_POINT_GROUP
    mod = "tests.scoring_models.handwritten_models"
    for value in (f"{mod}:PatentCount", f"{mod}:build"):
        reg = registry.Registry()
        reg.load_entry_points([EntryPoint("patents", value, group)])
        assert reg.errors == [], reg.errors
        model = reg.get("patent-count")
        check_model(model)


def test_check_model_flags_pillar_scores_that_do_not_match_the_pillars() -> None:
    from tests.scoring_models.handwritten_models import PatentCount

    class WrongPillars(PatentCount):
        def evaluate(
            self, matrix: IndicatorMatrix, *, options: EvaluationOptions | None = None
        ) -> EvaluationResult:
            res = super().evaluate(matrix, options=options)
            zones = [z.model_copy(update={"pillar_scores": {"other": 1.0}}) for z in res.zones]
            return res.model_copy(update={"zones": zones})

    with pytest.raises(ConformanceError, match="pillar"):
        check_model(WrongPillars())


def test_full_check_at_registration_reports_broken_models() -> None:
    group = registry.ENTRY_POINT_GROUP
    mod = "tests.scoring_models.handwritten_models"
    eps = [
        EntryPoint("flaky", f"{mod}:FlakyPatentCount", group),
        EntryPoint("good", f"{mod}:PatentCount", group),
    ]
    lenient = registry.Registry()
    lenient.load_entry_points(eps)
    assert {s.key for s in lenient.list()} == {"patent-count", "flaky-patent-count"}
    strict = registry.Registry(full_check=True)
    strict.load_entry_points(eps)
    assert [s.key for s in strict.list()] == ["patent-count"]
    assert len(strict.errors) == 1 and "same seed differ" in strict.errors[0].error
    assert registry.load_registry(full_check=True).errors == []

"""Step registries: a method registered here is usable by specs, overrides and the uncertainty
analysis without editing any module of scoring_models."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from scoring_models.arrays import FloatArray
from scoring_models.base import EvaluationOptions, IndicatorMatrix, Observation
from scoring_models.methods import MethodOverrides, Methods
from scoring_models.pipeline import build_model, run_pipeline
from scoring_models.spec import ModelSpec
from scoring_models.steps.normalisation import NORMALISATIONS, Columns, NormalisationMethod, NormalisationSpec
from scoring_models.steps.registry import StepRegistry
from scoring_models.steps.weighting import WEIGHTINGS, PillarBlock, WeightingMethod, WeightingSpec

# every value positive, so the share of the best value is defined; B and C double A and B
ROWS = {
    "A": {"rd_intensity": 1.0, "energy_per_va": 4.0, "revenue": 100.0},
    "B": {"rd_intensity": 2.0, "energy_per_va": 2.0, "revenue": 200.0},
    "C": {"rd_intensity": 4.0, "energy_per_va": 1.0, "revenue": 400.0},
}


def _matrix() -> IndicatorMatrix:
    return IndicatorMatrix.from_rows(
        [Observation(z, c, 2024, v) for z, vals in ROWS.items() for c, v in vals.items()]
    )


def max_scaling(columns: Columns, _: NormalisationSpec) -> FloatArray:
    """Share of the column's best value: ``100 x / max`` (higher is better), ``100 min / x`` (lower)."""
    x = columns.values
    higher = columns.directions > 0
    best = np.where(higher, np.nanmax(x, axis=0), np.nanmin(x, axis=0))
    return np.where(higher[None, :], 100.0 * x / best[None, :], 100.0 * best[None, :] / x)


def expert_squared(block: PillarBlock, _: WeightingSpec) -> FloatArray:
    """The spec's weights squared (sharpens the experts' preferences)."""
    return block.expert**2


@pytest.fixture
def max_scaling_registered() -> Iterator[None]:
    NORMALISATIONS.add(NormalisationMethod("max-scaling", max_scaling))
    yield
    NORMALISATIONS.remove("max-scaling")


@pytest.fixture
def expert_squared_registered() -> Iterator[None]:
    WEIGHTINGS.add(WeightingMethod("expert-squared", expert_squared))
    yield
    WEIGHTINGS.remove("expert-squared")


@pytest.mark.usefixtures("max_scaling_registered")
def test_registered_normalisation_runs_in_a_spec_and_as_uncertainty_alternative(mini_spec: dict[str, Any]) -> None:
    mini_spec["normalisation"] = {"method": "max-scaling"}
    mini_spec["uncertainty"] = {"normalisations": ["minmax", "max-scaling"], "aggregations": ["arithmetic"]}
    spec = ModelSpec.model_validate(mini_spec)
    state = run_pipeline(spec, _matrix(), EvaluationOptions(seed=1, uncertainty_runs=20))
    # A, B, C score 25, 50, 100 on every indicator: the composite is that whatever the weights
    np.testing.assert_allclose(state.normalised, [[25.0] * 3, [50.0] * 3, [100.0] * 3])
    assert state.result is not None
    assert [(z.code, z.composite) for z in state.result.zones] == [("C", 100.0), ("B", 50.0), ("A", 25.0)]
    assert state.result.info.methods["normalisation"] == "max-scaling"
    assert state.uncertainty is not None and state.uncertainty.runs == 20  # 10 weight draws × 2 alternatives
    # the alternatives agree on the order, so no rank moves (state arrays follow zones A, B, C)
    np.testing.assert_array_equal(state.uncertainty.p5, [3.0, 2.0, 1.0])
    np.testing.assert_array_equal(state.uncertainty.p95, [3.0, 2.0, 1.0])


@pytest.mark.usefixtures("max_scaling_registered")
def test_registered_normalisation_as_per_run_override(mini_spec: dict[str, Any]) -> None:
    opts = EvaluationOptions(uncertainty_runs=0, overrides=MethodOverrides(normalisation="max-scaling"))
    result = build_model(mini_spec).evaluate(_matrix(), options=opts)
    assert {z.code: z.composite for z in result.zones} == pytest.approx({"A": 25.0, "B": 50.0, "C": 100.0})
    assert result.info.methods["normalisation"] == "max-scaling"


@pytest.mark.usefixtures("expert_squared_registered")
def test_registered_weighting_method(mini_spec: dict[str, Any]) -> None:
    mini_spec["indicators"][1]["weight"] = 2  # energy_per_va: 2² against rd_intensity's 1²
    mini_spec["weighting"] = {"method": "expert-squared"}
    result = build_model(mini_spec).evaluate(_matrix(), options=EvaluationOptions(uncertainty_runs=0))
    assert result.info.applied_weights == pytest.approx(
        {"rd_intensity": 0.75 * 1 / 5, "energy_per_va": 0.75 * 4 / 5, "revenue": 0.25}
    )


@pytest.mark.usefixtures("max_scaling_registered")
def test_json_schemas_list_the_registered_names() -> None:
    spec_schema = ModelSpec.model_json_schema()["$defs"]
    assert "max-scaling" in spec_schema["NormalisationSpec"]["properties"]["method"]["enum"]
    assert "max-scaling" in spec_schema["UncertaintySpec"]["properties"]["normalisations"]["items"]["enum"]
    override = MethodOverrides.model_json_schema()["properties"]["normalisation"]["anyOf"][0]
    assert override == {"enum": ["minmax", "zscore", "rank", "target", "vector", "max-scaling"], "type": "string"}


def test_unknown_names_fail_with_the_registered_ones_listed(mini_spec: dict[str, Any]) -> None:
    mini_spec["normalisation"] = {"method": "max-scaling"}  # not registered outside the fixture
    with pytest.raises(ValidationError) as info:
        ModelSpec.model_validate(mini_spec)
    (error,) = info.value.errors()
    assert error["loc"] == ("normalisation", "method") and error["type"] == "unknown_method"
    assert error["msg"] == (
        "unknown normalisation method 'max-scaling'; registered: minmax, zscore, rank, target, vector"
    )
    with pytest.raises(ValidationError) as info:
        MethodOverrides.model_validate({"weighting": "magic"})
    assert info.value.errors()[0]["loc"] == ("weighting",)
    with pytest.raises(KeyError, match="registered: expert, equal, entropy, critic, pca"):
        WEIGHTINGS.get("magic")


def test_registry_rejects_taken_and_malformed_names() -> None:
    reg: StepRegistry[NormalisationMethod] = StepRegistry("normalisation")
    reg.add(NormalisationMethod("share", max_scaling))
    with pytest.raises(ValueError, match="already registered"):
        reg.add(NormalisationMethod("share", max_scaling))
    with pytest.raises(ValueError, match="must match"):
        reg.add(NormalisationMethod("Max Scaling", max_scaling))
    assert reg.names() == ("share",) and "share" in reg
    assert reg.remove("share").func is max_scaling and reg.names() == ()
    with pytest.raises(KeyError):
        reg.remove("share")


def test_declared_traits_drive_spec_checks(mini_spec: dict[str, Any]) -> None:
    # z-scores can be negative: a spec may not pair them with geometric aggregation
    mini_spec["normalisation"] = {"method": "zscore"}
    mini_spec["aggregation"] = {"method": "geometric"}
    with pytest.raises(ValidationError) as info:
        ModelSpec.model_validate(mini_spec)
    assert [e["loc"] for e in info.value.errors()] == [("aggregation", "method")]
    # a method needing targets may be an uncertainty alternative only when every indicator has one
    mini_spec["normalisation"] = {"method": "minmax"}
    mini_spec["aggregation"] = {"method": "arithmetic"}
    mini_spec["uncertainty"] = {"normalisations": ["minmax", "target"]}
    with pytest.raises(ValidationError) as info:
        ModelSpec.model_validate(mini_spec)
    assert [e["loc"] for e in info.value.errors()] == [("uncertainty", "normalisations", 1)]
    for ind in mini_spec["indicators"]:
        ind["target"] = 10.0
    assert ModelSpec.model_validate(mini_spec).uncertainty.normalisations == ["minmax", "target"]


def test_overrides_apply_over_the_spec_methods(mini_spec: dict[str, Any]) -> None:
    methods = ModelSpec.model_validate(mini_spec).methods()
    assert methods == Methods(
        imputation="none", outliers="none", normalisation="minmax", weighting="expert",
        aggregation="arithmetic", peer_groups="none",
    )
    changed = MethodOverrides(weighting="pca", peer_groups="rules").apply(methods)
    assert (changed.weighting, changed.peer_groups, changed.normalisation) == ("pca", "rules", "minmax")


# --------------------------------------------------------------------------------------------
# import structure

PACKAGE = Path(__file__).resolve().parents[2] / "scoring_models"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The scoring_models modules a file imports anywhere (TYPE_CHECKING blocks and functions too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name in modules}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from package import module` imports the module; `from module import name` the module
            subs = {f"{node.module}.{a.name}" for a in node.names} & modules
            found |= subs or ({node.module} & modules)
    return found


def _import_graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: _imports(path, set(files)) - {name} for name, path in files.items()}


def test_spec_does_not_import_the_pipeline() -> None:
    graph = _import_graph()
    reachable, todo = set(), ["scoring_models.spec"]
    while todo:
        for dep in graph[todo.pop()] - reachable:
            reachable.add(dep)
            todo.append(dep)
    assert not {m for m in reachable if m == "scoring_models.pipeline" or m.startswith("scoring_models.pipeline.")}


def test_scoring_models_has_no_import_cycle() -> None:
    graph = _import_graph()
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for dep in sorted(graph[module]):
            assert state.get(dep) != 1, f"import cycle: {' -> '.join([*path, module, dep])}"
            if dep not in state:
                visit(dep, [*path, module])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [])

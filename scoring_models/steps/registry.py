"""Step registries: the methods of a pipeline step, looked up by name.

Each step that offers a choice of method (imputation, outliers, normalisation, weighting,
aggregation, peer groups) keeps one :class:`StepRegistry` in its module, next to its methods and
its settings (its section of a model spec). A method is a record holding a name, the function and
what the pipeline must know about it (e.g. whether its scores can be negative). Spec fields and
per-run overrides that name a method are typed ``Annotated[str, MethodName(registry)]``, which
validates against the registry when the value is validated, so registering a method is all it
takes to make it available to specs, overrides and the uncertainty analysis — the way
scikit-learn estimators or COINr's step functions are pluggable.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")

HANDBOOK = "OECD/JRC (2008) Handbook on Constructing Composite Indicators"
"""The reference most step methods cite (its ten steps; methods' sources name the step)."""


class Population(StrEnum):
    """Whose data a step's result for a zone depends on — what a reader must know to compare runs.

    ``filtered``: the zones the run evaluates (a province-only run gives other values than the
    national run); ``national``: every zone with data in the evaluation year, whatever the filter;
    ``own``: the zone's own data and the model's settings only (no other zone moves it).
    """

    FILTERED = "filtered"
    NATIONAL = "national"
    OWN = "own"


class StepSettings(BaseModel):
    """Base of a section of a model spec: frozen, and unknown fields are rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Named(Protocol):
    """What a registry holds: anything with a ``name`` (each step's method record)."""

    @property
    def name(self) -> str:
        """The name specs and overrides use."""
        ...


class Described(Named, Protocol):
    """A method record that says whose data it reads and where the method is published."""

    @property
    def population(self) -> Population:
        """Whose data the method's result for a zone depends on."""
        ...

    @property
    def source(self) -> str:
        """The published method it implements (a citation), or how it departs from one."""
        ...


M = TypeVar("M", bound=Named)


class StepRegistry(Generic[M]):
    """The registered methods of one step, by name, in registration order."""

    def __init__(self, step: str) -> None:
        """``step`` names the step in messages, e.g. ``normalisation``."""
        self.step = step
        self._methods: dict[str, M] = {}

    def add(self, method: M) -> M:
        """Register ``method`` under its name and return it; a taken or malformed name raises ValueError."""
        if not _NAME.match(method.name):
            raise ValueError(f"{self.step} method name {method.name!r} must match {_NAME.pattern}")
        if method.name in self._methods:
            raise ValueError(f"{self.step} method {method.name!r} is already registered")
        self._methods[method.name] = method
        return method

    def remove(self, name: str) -> M:
        """Unregister ``name`` and return its method (KeyError when it is not registered)."""
        self.get(name)
        return self._methods.pop(name)

    def get(self, name: str) -> M:
        """The method registered as ``name``; KeyError listing the registered names otherwise."""
        try:
            return self._methods[name]
        except KeyError:
            raise KeyError(f"unknown {self.step} method {name!r}; registered: {', '.join(self._methods)}") from None

    def names(self) -> tuple[str, ...]:
        """Registered names in registration order."""
        return tuple(self._methods)

    def __contains__(self, name: object) -> bool:
        return name in self._methods

    def __iter__(self) -> Iterator[M]:
        return iter(tuple(self._methods.values()))

    def __repr__(self) -> str:
        return f"StepRegistry({self.step!r}, {list(self._methods)})"


class MethodName:
    """Pydantic metadata for a method-name field: ``Annotated[str, MethodName(registry)]``.

    The name is checked against the registry each time a value is validated, so a method
    registered after the model class was defined is accepted; an unknown name fails with type
    ``unknown_method`` and a message listing the registered names. The JSON schema is an ``enum``
    of the names registered when the schema is generated.
    """

    def __init__(self, registry: StepRegistry[Any]) -> None:
        """Validate against ``registry``."""
        self.registry = registry

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {"enum": list(self.registry.names()), "type": "string"}

    def _check(self, name: str) -> str:
        if name not in self.registry:
            raise PydanticCustomError(
                "unknown_method",
                "unknown {step} method '{name}'; registered: {registered}",
                {"step": self.registry.step, "name": name, "registered": ", ".join(self.registry.names())},
            )
        return name

"""The indicator and industry-chain catalogs shipped with zonescore.

The catalogs are versioned JSON data files in ``scoring_models/data``; both the service (which
validates every stored value against them) and the scoring library (which needs each indicator's
direction, dimension and nature) read them from here, so there is exactly one definition.
"""

from __future__ import annotations

import json
from enum import StrEnum
from functools import lru_cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field


class Direction(StrEnum):
    """Whether a higher or a lower raw value is better."""

    HIGHER = "higher"
    LOWER = "lower"


class Nature(StrEnum):
    """What an indicator measures: an outcome, the scale of the economy, a process, or a mechanism.

    ``mechanism`` (手段) marks indicators that only say an instrument exists — a chief innovation
    officer appointed, a chain-leader system in place, a count of policy instruments. The article
    asks to 弱化手段和过程考核 and judge reforms by their 成效, so models cap mechanisms like process
    indicators (``ConstraintsSpec.max_nature_share``) and may give them a small, stated weight.
    """

    OUTCOME = "outcome"
    SCALE = "scale"
    PROCESS = "process"
    MECHANISM = "mechanism"


class ValueKind(StrEnum):
    """The kind of number an indicator holds; ``count`` values must be whole and non-negative."""

    COUNT = "count"
    DELTA = "delta"
    RATIO = "ratio"
    RATE = "rate"
    AMOUNT = "amount"
    FLAG = "flag"


class Dimension(BaseModel):
    """A group of indicators (innovation, leading chain, scale …) with its labels."""

    model_config = ConfigDict(frozen=True)

    code: str
    name_zh: str
    name_en: str


class Indicator(BaseModel):
    """One catalog indicator: identity, labels, unit, direction, dimension, nature and valid range."""

    model_config = ConfigDict(frozen=True)

    code: str
    name_zh: str
    name_en: str
    unit: str
    direction: Direction
    dimension: str
    nature: Nature
    min_value: float
    max_value: float
    kind: ValueKind
    definition: str
    derived_from_chain: bool = False


class Chain(BaseModel):
    """An industry chain with its defined segments and key components."""

    model_config = ConfigDict(frozen=True)

    code: str
    name_zh: str
    name_en: str
    segments: tuple[str, ...]
    key_components: tuple[str, ...]


class IndicatorCatalog(BaseModel):
    """The versioned indicator catalog."""

    model_config = ConfigDict(frozen=True)

    catalog_version: str
    source: str
    dimensions: tuple[Dimension, ...]
    indicators: tuple[Indicator, ...] = Field(min_length=1)

    def by_code(self) -> dict[str, Indicator]:
        """Map each indicator code to its definition."""
        return {ind.code: ind for ind in self.indicators}


class ChainCatalog(BaseModel):
    """The versioned industry-chain catalog."""

    model_config = ConfigDict(frozen=True)

    catalog_version: str
    chains: tuple[Chain, ...] = Field(min_length=1)

    def by_code(self) -> dict[str, Chain]:
        """Map each chain code to its definition."""
        return {chain.code: chain for chain in self.chains}


def _read(name: str) -> str:
    return resources.files("scoring_models").joinpath("data", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def indicator_catalog() -> IndicatorCatalog:
    """Load (once) and return the shipped indicator catalog."""
    return IndicatorCatalog.model_validate(json.loads(_read("indicators.json")))


@lru_cache(maxsize=1)
def chain_catalog() -> ChainCatalog:
    """Load (once) and return the shipped industry-chain catalog."""
    return ChainCatalog.model_validate(json.loads(_read("chains.json")))

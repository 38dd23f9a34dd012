"""Which years hold data: per indicator and year the zones reporting it, per model the years it can evaluate."""

from __future__ import annotations

from pydantic import BaseModel, Field


class IndicatorCoverage(BaseModel):
    """How many of the zones report one indicator in each year."""

    code: str = Field(description="indicator code", examples=["rd_intensity"])
    label: str = Field(description="the indicator's name in the request's language", examples=["R&D经费投入强度"])
    zones: list[int] = Field(description="zones with a value, per year of `years` (same order); chain-derived "
                             "indicators count the values the chain breakdowns give too",
                             examples=[[268, 271, 275, 279, 280]])


class ModelYearCoverage(BaseModel):
    """Whether a model can evaluate one year, and how much of the field it would rank."""

    year: int = Field(description="evaluation year", examples=[2024])
    evaluable: bool = Field(description="true when at least one indicator and one zone pass the model's coverage "
                            "checks, so POST /evaluations would rank zones", examples=[True])
    zones_ranked: int = Field(description="zones that pass the model's zone-coverage check", examples=[278])
    indicators_kept: int = Field(description="the model's indicators that pass its indicator-coverage check",
                                 examples=[14])
    indicators_total: int = Field(description="the model's indicators", examples=[14])


class ModelCoverage(BaseModel):
    """One model's evaluable years, newest first."""

    key: str = Field(description="model key", examples=["innovation-peak"])
    version: str = Field(description="the newest version, the one checked", examples=["1.0.0"])
    title: str = Field(description="the model's title in the request's language", examples=["创新高峰评价"])
    latest_year: int | None = Field(description="the newest year with enough data to evaluate (null: none)",
                                    examples=[2024])
    indicator_coverage: float = Field(description="share of zones an indicator needs to be kept", examples=[0.65])
    zone_coverage: float = Field(description="share of the model's indicators a zone needs to be ranked",
                                 examples=[0.6667])
    years: list[ModelYearCoverage] = Field(description="every year that holds data, newest first")


class Coverage(BaseModel):
    """Years × indicators with zone counts, and per model the latest year with enough data to evaluate."""

    zones: int = Field(description="zones considered: those an evaluation with the same filter covers",
                       examples=[300])
    years: list[int] = Field(description="years that hold at least one observation, oldest first",
                             examples=[[2020, 2021, 2022, 2023, 2024]])
    indicators: list[IndicatorCoverage] = Field(description="every catalog indicator, in catalog order")
    models: list[ModelCoverage] = Field(description="every model (built-in, plug-in and custom), newest version")

"""zonescore's scoring engine: a pure library (numpy, scikit-learn, pydantic) for scoring,
ranking and classifying high-tech zones with pluggable models."""

from scoring_models.catalog import chain_catalog, indicator_catalog

__all__ = ["chain_catalog", "indicator_catalog"]

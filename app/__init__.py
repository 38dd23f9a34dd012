"""zonescore service: storage, HTTP API and evaluation runs on top of scoring_models."""

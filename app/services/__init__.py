"""The service's work: ingest, queries, catalog sync, demo data and evaluation runs."""

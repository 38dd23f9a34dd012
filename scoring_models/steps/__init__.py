"""The pipeline steps: small pure functions on numpy arrays (zones along axis 0)."""

"""The pipeline steps: small pure functions on numpy arrays (zones along axis 0).

A step that offers a choice of method also holds its method registry, its settings model (its
section of a model spec) and its registered methods; ``registry.py`` has the machinery.
"""

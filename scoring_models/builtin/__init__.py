"""Built-in models: every module here exposes ``MODEL`` or a ``build()`` returning a ScoringModel.

The registry discovers them by scanning this package, so adding a model is adding a module.
"""

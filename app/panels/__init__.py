"""The explorer's panels. Each module has ``layout()`` (its tab's content) and ``register(app, store)``
(its callbacks, which call ``queries`` and ask the canvas for changes through ``ids.VIEW_CHANGE``)."""

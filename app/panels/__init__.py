"""The explorer's panels, one per tab: ``layout()`` (its content) and ``register(app, store)`` (its callbacks,
which call one use case each and ask the canvas for changes through ``ids.VIEW_CHANGE``).
"""

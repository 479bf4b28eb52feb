"""The Dash explorer: one canvas and a panel per tab; callbacks parse input, call one use case, render.
Imports ``chokepoint.cases`` and graph's shared types (store, errors, config, schema, values, audit) only.
"""

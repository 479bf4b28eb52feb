"""Use cases: one function for each thing a user asks for, returning a typed result, which the CLI prints
and the app draws. Imports ``graph``, ``loaders``, ``queries`` and ``synthetic``; new orchestration goes here.
"""

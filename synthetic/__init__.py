"""Synthetic cases for training: a seeded generator of record files with their planted truth, and lessons
graded against that truth. Imports ``chokepoint.graph`` only (loading and asking a case go through ``cases``).
"""

"""Shared test settings: hypothesis runs the same examples on every machine, with no deadline
(a loaded 2-core CI machine must not turn a slow example into a failure)."""

from hypothesis import settings

settings.register_profile("isomargin", deadline=None, derandomize=True, max_examples=200)
settings.load_profile("isomargin")

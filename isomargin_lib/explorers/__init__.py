"""Interactive explorers: one function per interactive, each returning an ``Explorer``.

Display one by leaving it as the last expression of a cell; drive it from code exactly as a
learner would: ``ex.controls["leverage"].value = 20``, then read ``ex.figure.data`` and
``ex.numbers``.
"""

from ._base import Explorer, Frame, Reading, slider, toggle
from ._start import leverage_distance

__all__ = ["Explorer", "Frame", "Reading", "leverage_distance", "slider", "toggle"]

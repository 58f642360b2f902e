"""Exercises for the lessons, Kaggle-learntools style.

In a lesson: ``from isomargin_lib.exercises import lesson02 as ex``, then ``ex.q1.check(answer)``,
``ex.q1.hint()``, ``ex.q1.solution()``. One module per lesson; the machinery is in ``_base``.
"""

from ._base import (
    ChoiceExercise,
    Feedback,
    Mistake,
    NumericExercise,
    code_snippets,
    label_questions,
)

__all__ = ["ChoiceExercise", "Feedback", "Mistake", "NumericExercise", "code_snippets",
           "label_questions"]

"""Exercises with immediate, kind feedback: ``q.check(answer)``, ``q.hint()``, ``q.solution()``.

Answers are computed by the library when the exercise is defined, never typed in as literals.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from numbers import Real

COLORS = {"correct": "#1a9850", "close": "#e08214", "wrong": "#d73027", "info": "#4575b4"}
ICONS = {"correct": "✔", "close": "≈", "wrong": "✘", "info": "💡"}


@dataclass
class Feedback:
    """What ``check`` says: a verdict ("correct", "close", "wrong", "info") and a message.

    Shows as coloured HTML in a notebook and as plain text elsewhere; ``correct`` is True only
    for a right answer, so tests can assert on it.
    """

    verdict: str
    message: str

    @property
    def correct(self) -> bool:
        return self.verdict == "correct"

    def __repr__(self) -> str:
        return f"{ICONS[self.verdict]} {self.message}"

    def _repr_html_(self) -> str:
        return (f'<div style="color:{COLORS[self.verdict]};font-weight:500">'
                f"{ICONS[self.verdict]} {html.escape(self.message)}</div>")


@dataclass
class Mistake:
    """A typical wrong answer: ``value`` (computed by the library) and what probably went wrong."""

    value: float
    explanation: str


def _as_float(answer):
    """The answer as a float, or None with a kind explanation of what was expected."""
    if isinstance(answer, bool):
        return None
    if isinstance(answer, str):
        try:
            return float(answer.replace(",", "").replace("_", "").strip().rstrip("%"))
        except ValueError:
            return None
    if isinstance(answer, Real):
        return float(answer)
    return None


@dataclass
class NumericExercise:
    """A question whose answer is a number.

    Parameters
    ----------
    answer : float
        The right value, computed by the library.
    unit : str
        Unit shown in feedback, e.g. "USDT" or "%".
    hint, solution : str
        Text for ``hint()`` and code + explanation for ``solution()``.
    mistakes : list of Mistake
        Typical wrong answers with an explanation each.
    rtol, close_rtol : float
        Relative tolerance for "correct" (default 1e-4, i.e. rounding to cents on prices) and
        for "close" (default 1 %).
    """

    answer: float
    unit: str
    hint_text: str
    solution_text: str
    mistakes: list[Mistake] = field(default_factory=list)
    rtol: float = 1e-4
    close_rtol: float = 0.01
    atol: float = 0.005

    def _near(self, value: float, target: float, rtol: float) -> bool:
        return math.isclose(value, target, rel_tol=rtol, abs_tol=self.atol)

    def check(self, answer) -> Feedback:
        """Compare ``answer`` with the right value and say what is right or likely wrong."""
        value = _as_float(answer)
        if value is None or math.isnan(value):
            return Feedback("info", f"Please answer with a number (for example 1234.56), not "
                                    f"{answer!r} ({type(answer).__name__}).")
        if self._near(value, self.answer, self.rtol):
            return Feedback("correct", f"Correct: {self.answer:,.2f} {self.unit}.")
        for mistake in self.mistakes:
            if self._near(value, mistake.value, self.rtol):
                return Feedback("wrong", f"Not quite. {mistake.explanation}")
        if self._near(value, self.answer, self.close_rtol):
            return Feedback("close", "Close, but not exact: keep more decimals in the "
                                     "intermediate steps, or check a rounding.")
        if self._near(-value, self.answer, self.rtol):
            return Feedback("wrong", "Right size, wrong sign: which way does the price move?")
        return Feedback("wrong", "Not quite. Try q.hint(), or compare with the explorer above.")

    def hint(self) -> Feedback:
        """A nudge towards the method, without the answer."""
        return Feedback("info", self.hint_text)

    def solution(self) -> Feedback:
        """The worked solution, with the answer."""
        return Feedback("info", f"{self.solution_text} Answer: {self.answer:,.2f} {self.unit}.")


@dataclass
class ChoiceExercise:
    """A multiple-choice question: ``check("b")``.

    Parameters
    ----------
    options : dict of str to str
        Letter -> option text.
    answer : str
        The right letter.
    explanations : dict of str to str
        Letter -> why that option is right or wrong.
    """

    options: dict[str, str]
    answer: str
    explanations: dict[str, str]
    hint_text: str

    def check(self, answer) -> Feedback:
        letters = ", ".join(repr(k) for k in self.options)
        if not isinstance(answer, str) or answer.strip().lower() not in self.options:
            return Feedback("info", f"Please answer with one of the letters {letters}, "
                                    f"as a string, e.g. q.check('a'); got {answer!r}.")
        letter = answer.strip().lower()
        verdict = "correct" if letter == self.answer else "wrong"
        prefix = "Correct. " if verdict == "correct" else "Not this one. "
        return Feedback(verdict, prefix + self.explanations[letter])

    def hint(self) -> Feedback:
        return Feedback("info", self.hint_text)

    def solution(self) -> Feedback:
        return Feedback("info", f"({self.answer}) {self.options[self.answer]}. "
                                f"{self.explanations[self.answer]}")

"""Exercises with immediate, kind feedback: ``q.check(answer)``, ``q.hint()``, ``q.solution()``.

Answers are computed by the library when the exercise is defined, never typed in as literals.
Code that a hint, solution or explanation prints is written between backticks, as in
"In code: `initial_margin(Position('long', 60_000, 0.2), 20)`": it shows as code in the notebook,
and ``tests/test_printed_code.py`` runs every such snippet in its lesson's namespace.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field
from numbers import Real

COLORS = {"correct": "#1a9850", "close": "#e08214", "wrong": "#d73027", "info": "#4575b4"}
ICONS = {"correct": "✔", "close": "≈", "wrong": "✘", "info": "💡"}
_CODE = re.compile(r"`([^`]+)`")


def code_snippets(text: str) -> list[str]:
    """The code a feedback text prints: each span written between backticks, in order."""
    return _CODE.findall(text)


@dataclass
class Feedback:
    """What ``check`` says: a verdict ("correct", "close", "wrong", "info") and its text.

    ``text`` marks code between backticks; it shows as coloured HTML with that code set as code
    in a notebook, and as plain ``message`` (no backticks: code a learner can copy as it is)
    elsewhere. ``correct`` is True only for a right answer, so tests can assert on it.
    """

    verdict: str
    text: str

    @property
    def message(self) -> str:
        """The text as a learner reads it outside the notebook: code without its backticks."""
        return _CODE.sub(r"\1", self.text)

    @property
    def correct(self) -> bool:
        return self.verdict == "correct"

    def __repr__(self) -> str:
        return f"{ICONS[self.verdict]} {self.message}"

    def _repr_html_(self) -> str:
        text = _CODE.sub(r"<code>\1</code>", html.escape(self.text))
        return (f'<div style="color:{COLORS[self.verdict]};font-weight:500">'
                f"{ICONS[self.verdict]} {text}</div>")


@dataclass
class Mistake:
    """A typical wrong answer: ``value`` (computed by the library) and what probably went wrong."""

    value: float
    explanation: str


_UNITS = ("usdt", "usd", "btc", "%", "x")


def _as_float(answer):
    """The answer as a float, or None when it is not a number (units such as "50x",
    "12.5 %" or "1,234.56 USDT" are accepted)."""
    if isinstance(answer, bool):
        return None
    if isinstance(answer, str):
        text = answer.replace(",", "").replace("_", "").strip().lower()
        for unit in _UNITS:
            text = text.removesuffix(unit).strip()
        try:
            return float(text)
        except ValueError:
            return None
    if isinstance(answer, Real):
        try:
            return float(answer)
        except OverflowError:  # an int too large for a float
            return None
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
    fmt: str = "{:,.2f}"
    label: str = "q"

    def _show(self, value: float) -> str:
        """The value with its unit: "9.64 %", "50x", "1,153.26 USDT"."""
        return self.fmt.format(value) + ("" if self.unit == "x" else " ") + self.unit

    def _near(self, value: float, target: float, rtol: float) -> bool:
        return math.isclose(value, target, rel_tol=rtol, abs_tol=self.atol)

    def check(self, answer) -> Feedback:
        """Compare ``answer`` with the right value and say what is right or likely wrong."""
        value = _as_float(answer)
        if value is None or math.isnan(value):
            return Feedback("info", f"Please answer with a number (for example 1234.56), not "
                                    f"{answer!r} ({type(answer).__name__}).")
        if self._near(value, self.answer, self.rtol):
            return Feedback("correct", f"Correct: {self._show(self.answer)}.")
        for mistake in self.mistakes:
            if self._near(value, mistake.value, self.rtol):
                return Feedback("wrong", f"Not quite. {mistake.explanation}")
        if self._near(value, self.answer, self.close_rtol):
            return Feedback("close", "Close, but not exact: keep more decimals in the "
                                     "intermediate steps, or check a rounding.")
        if self.answer != 0 and self._near(-value, self.answer, self.close_rtol):
            return Feedback("wrong", "Right size, wrong sign: which way does the price move?")
        if self.unit == "%" and self._near(100 * value, self.answer, self.close_rtol):
            return Feedback("wrong", "It looks like a fraction: answer in percent (0.05 is 5 %).")
        return Feedback("wrong", f"Not quite. Try {self.label}.hint() for the method.")

    def hint(self) -> Feedback:
        """A nudge towards the method, without the answer."""
        return Feedback("info", self.hint_text)

    def solution(self) -> Feedback:
        """The worked solution, with the answer."""
        return Feedback("info", f"{self.solution_text} Answer: {self._show(self.answer)}.")


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
    label: str = "q"

    def check(self, answer) -> Feedback:
        letters = ", ".join(repr(k) for k in self.options)
        # "b", " B ", "(b)" and "b." all mean the letter b.
        letter = answer.strip().strip("().").strip().lower() if isinstance(answer, str) else None
        if letter not in self.options:
            return Feedback("info", f"Please answer with one of the letters {letters}, as a "
                                    f"string, e.g. {self.label}.check('a'); got {answer!r}.")
        verdict = "correct" if letter == self.answer else "wrong"
        prefix = "Correct. " if verdict == "correct" else "Not this one. "
        return Feedback(verdict, prefix + self.explanations[letter])

    def hint(self) -> Feedback:
        return Feedback("info", self.hint_text)

    def solution(self) -> Feedback:
        option = self.options[self.answer].rstrip(".")
        return Feedback("info", f"({self.answer}) {option}. {self.explanations[self.answer]}")


def label_questions(namespace: dict, prefix: str = "ex") -> None:
    """Name each question ``q1``, ``q2``... of a lesson module as the learner types it
    (``ex.q1``), so feedback can say ``ex.q1.hint()``. Call at the end of the module:
    ``label_questions(globals())``."""
    for name, value in namespace.items():
        if name[:1] == "q" and name[1:].isdigit() and hasattr(value, "label"):
            value.label = f"{prefix}.{name}"

"""Every code snippet an exercise prints runs as printed in its own lesson.

Exercises write the code of their hints, solutions and explanations between backticks
(``isomargin_lib.exercises.code_snippets``). For each lesson notebook this test runs the lesson's
code cells in process, in order (no kernel; ``isomargin_lib.plots`` sets the course's plotly
renderer, and explorers are only constructed), and just before the cell that checks an exercise
it runs every snippet that exercise prints

- in the learner's namespace at that point: every code cell above has run;
- in the namespace of the lesson's import cell (the one that imports ``ex``) plus the import
  statements of the cells above: a snippet may not lean on a variable of a worked example,
  which a learner who jumps to the exercises does not have.

When a numeric exercise's solution prints code, one of its snippets must evaluate to the
exercise's answer. Text outside backticks must not look like code (``name(``, ``name=value`` or
``ex.name``), so that no printed code escapes this test. Every exercise of the lesson's module
must be checked in the lesson.
"""

import ast
import contextlib
import importlib
import io
import json
import math
import re
from pathlib import Path

import pytest

from isomargin_lib.exercises import ChoiceExercise, Mistake, NumericExercise, code_snippets

EX_IMPORT = re.compile(r"from isomargin_lib\.exercises import (\w+) as ex\b")
# Every lesson with exercises (the cheat sheet has none, so nothing to run there).
LESSONS = [path for path in sorted((Path(__file__).resolve().parent.parent / "lessons")
                                   .glob("*.ipynb")) if EX_IMPORT.search(path.read_text())]
CHECK = re.compile(r"\bex\.(\w+)\.check\(")
# Code-like text outside backticks: a name directly followed by "(" (not a plural "(s)"), a
# keyword argument (``name=value``, no spaces) or an ``ex.`` name.
UNMARKED = re.compile(r"\b[A-Za-z_]\w*\((?!s\))|\b[A-Za-z_]\w*=[^\s=]|\bex\.\w")


def code_cells(path):
    return ["".join(cell["source"]) for cell in json.loads(path.read_text())["cells"]
            if cell["cell_type"] == "code"]


def exercises(module):
    """Name -> exercise, for every exercise a lesson module defines."""
    return {name: q for name, q in vars(module).items()
            if isinstance(q, NumericExercise | ChoiceExercise)}


def printed_texts(q):
    """Where -> text, for everything an exercise prints that may hold code."""
    texts = {"hint": q.hint().text, "solution": q.solution().text}
    if isinstance(q, NumericExercise):
        texts.update({f"mistake {m.value:g}": m.explanation for m in q.mistakes})
    else:
        texts.update({f"explanation ({k})": v for k, v in q.explanations.items()})
        texts.update({f"option ({k})": v for k, v in q.options.items()})
    return texts


def run(code, namespace):
    """Run ``code`` like a notebook cell: the value of its last line if that is an expression."""
    tree = ast.parse(code)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(tree, "<printed code>", "exec"), namespace)
        if last is not None:
            return eval(compile(ast.Expression(last.value), "<printed code>", "eval"), namespace)
    return None


def imports_only(source):
    """The top-level import statements of a cell, as code."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ""
    return "\n".join(ast.unparse(node) for node in tree.body
                     if isinstance(node, ast.Import | ast.ImportFrom))


def is_answer(value, answer):
    try:
        return math.isclose(float(value), answer, rel_tol=1e-9, abs_tol=1e-9)
    except (TypeError, ValueError):
        return False


def problems_with(name, q, learner, imported):
    """What is wrong with the code exercise ``name`` prints, in the two namespaces."""
    problems = []
    for where, text in printed_texts(q).items():
        outside = re.sub(r"`[^`]*`", "", text)
        for found in UNMARKED.findall(outside):
            problems.append(f"{name} {where}: code-like {found!r} outside backticks: {text}")
        for label, namespace in (("lesson", learner), ("import cell", imported)):
            values = []
            for code in code_snippets(text):
                try:
                    values.append(run(code, dict(namespace)))
                except Exception as error:  # report every failure, then fail
                    problems.append(f"{name} {where}: `{code}` raises in the {label} namespace: "
                                    f"{type(error).__name__}: {error}")
            if (isinstance(q, NumericExercise) and where == "solution" and values
                    and not any(is_answer(v, q.answer) for v in values)):
                problems.append(f"{name} solution: its code gives {values!r} in the {label} "
                                f"namespace, the answer is {q.answer!r}")
    return problems


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_printed_code_runs_in_its_lesson(path, monkeypatch):
    monkeypatch.chdir(path.parent)
    cells = code_cells(path)
    [import_cell] = [i for i, source in enumerate(cells) if EX_IMPORT.search(source)]
    module = importlib.import_module(
        f"isomargin_lib.exercises.{EX_IMPORT.search(cells[import_cell]).group(1)}")
    questions = exercises(module)
    checked_in = {}
    for i, source in enumerate(cells):
        for name in CHECK.findall(source):
            checked_in.setdefault(name, i)
    assert set(checked_in) == set(questions), "every exercise is checked in its lesson"

    learner = {"__name__": "__main__"}
    imported = {"__name__": "__main__"}
    problems = []
    for i, source in enumerate(cells):
        for name in (n for n, cell in checked_in.items() if cell == i):
            problems += problems_with(name, questions[name], learner, imported)
        if i > max(checked_in.values()):
            break
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(source, f"{path.name} code cell {i}", "exec"), learner)
            exec(source if i == import_cell else imports_only(source), imported)
    assert not problems, "\n".join(problems)


def test_the_test_finds_a_failing_line():
    """A snippet naming what the lesson lacks, or giving another number, is reported."""
    q = NumericExercise(answer=2.0, unit="USDT", hint_text="Try `undefined_name + 1`.",
                        solution_text="In code: `1 + 2`. Or liquidation_price(p, m).",
                        mistakes=[Mistake(1.0, "Pass tiers=BINANCE_BTCUSDT.")])
    problems = problems_with("q", q, {}, {})
    assert any("NameError" in p for p in problems)
    assert any("gives [3]" in p for p in problems)
    assert sum("outside backticks" in p for p in problems) == 2

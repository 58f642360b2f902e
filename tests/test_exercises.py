"""The exercise machinery: kind feedback for right, close, typical wrong and ill-typed answers."""

from isomargin_lib.exercises import ChoiceExercise, Mistake, NumericExercise, label_questions

PERCENT = NumericExercise(answer=9.638554, unit="%", hint_text="h", solution_text="s",
                          mistakes=[Mistake(10.0, "forgot the maintenance margin")])
LEVERAGE = NumericExercise(answer=50, unit="x", hint_text="h", solution_text="s", fmt="{:g}")
CHOICE = ChoiceExercise(options={"a": "Yes.", "b": "No."}, answer="b",
                        explanations={"a": "wrong because", "b": "right because"}, hint_text="h")


def test_numeric_verdicts():
    assert PERCENT.check(9.64).correct
    assert PERCENT.check("9.64 %").correct
    assert PERCENT.check(9.6).verdict == "close"
    assert "maintenance margin" in PERCENT.check(10).message
    assert "wrong sign" in PERCENT.check(-9.64).message
    assert "fraction" in PERCENT.check(0.0964).message
    assert PERCENT.check("nine").verdict == "info"
    assert PERCENT.check(float("nan")).verdict == "info"
    assert PERCENT.check(True).verdict == "info"


def test_units_in_answers_and_feedback():
    assert LEVERAGE.check("50x").correct
    assert LEVERAGE.check(" 50 X ").correct
    assert LEVERAGE.check(50).message == "Correct: 50x."
    assert PERCENT.solution().message.endswith("Answer: 9.64 %.")


def test_labels_name_the_question_as_typed():
    namespace = {"q1": NumericExercise(answer=1.0, unit="USDT", hint_text="h",
                                       solution_text="s"), "CHOICE": CHOICE}
    label_questions(namespace)
    assert "ex.q1.hint()" in namespace["q1"].check(500).message
    assert CHOICE.label == "q"  # not a question name: left alone


def test_choice():
    assert CHOICE.check(" B ").correct
    assert not CHOICE.check("a").correct and "wrong because" in CHOICE.check("a").message
    assert CHOICE.check(1).verdict == "info"
    assert CHOICE.solution().message == "(b) No. right because"


def test_lesson05b_exercises():
    """Answers come from isolated_quote; hint and solution code runs in the lesson namespace
    (``from isomargin_lib import Position, isolated_quote``) and gives the answer."""
    from isomargin_lib import Position, isolated_quote
    from isomargin_lib.exercises import lesson05b as ex

    from exercise_checks import assert_numeric_feedback

    namespace = {"Position": Position, "isolated_quote": isolated_quote}
    assert abs(ex.q1.answer - (1_500 + 0.5 * 60_000 * 0.95 * 0.00055)) < 1e-9
    assert abs(ex.q2.answer - 57_000 / 0.9955) < 1e-9
    for q in (ex.q1, ex.q2):
        assert_numeric_feedback(q)
        code = q.solution().message.split("In code: ")[1].split(" Answer:")[0]
        assert abs(eval(code, namespace) - q.answer) < 1e-9
    assert "Binance" in ex.q2.check(round(57_000 / 0.996, 2)).message
    assert ex.q3.check("b").correct and not ex.q3.check("d").correct
    hint_code = ex.q3.hint().message.split("price: ")[1].split(" against")[0]
    with_extra = eval(hint_code, namespace).liquidation_price
    without = eval(hint_code.replace("3_000", "0"), namespace).liquidation_price
    binance = [eval(hint_code.replace("'bybit'", "'binance'").replace("3_000", a),
                    namespace).liquidation_price for a in ("3_000", "0")]
    # the published A / (1 - taker): Bybit's move is the larger, by 1 / (1 - 0.00055)
    assert abs((without - with_extra) / (binance[1] - binance[0]) - 1 / (1 - 0.00055)) < 1e-9
    assert "ex.q1.hint()" in ex.q1.check(1).message


def _run_printed(code: str, namespace: dict):
    """Run ``code`` as a learner types it into a cell: statements, then the last expression's
    value (what the cell would display)."""
    import ast

    tree = ast.parse(code)
    last = tree.body.pop()
    exec(compile(tree, "<solution>", "exec"), namespace)
    return eval(compile(ast.Expression(last.value), "<solution>", "eval"), namespace)


def _import_cell_namespace(lesson: str) -> dict:
    """The lesson's namespace after its import cell (the first code cell), run as stored."""
    import contextlib
    import io
    import json
    from pathlib import Path

    cells = json.loads((Path(__file__).parents[1] / "lessons" / lesson).read_text())["cells"]
    first = next(c for c in cells if c["cell_type"] == "code")
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec("".join(first["source"]), namespace)
    return namespace


def test_lesson07_and_a2_printed_code_runs_in_the_lesson():
    """Every "In code:" line of lesson 07's and appendix A2's solutions runs as printed after
    the lesson's import cell and gives the answer."""
    from isomargin_lib.exercises import lesson07, lessonA2

    for lesson, questions in (("07_volatility_and_liquidation_risk.ipynb",
                               (lesson07.q1, lesson07.q2)),
                              ("A2_volatility_models.ipynb", (lessonA2.q1,))):
        namespace = _import_cell_namespace(lesson)
        for q in questions:
            code = q.solution().message.split("In code: ")[1].split(" Answer:")[0]
            assert abs(_run_printed(code, namespace) - q.answer) < 1e-9, (lesson, q.label)
    for q in (lesson07.q1, lesson07.q2, lesson07.q3, lesson07.q4, lessonA2.q1, lessonA2.q2,
              lessonA2.q3):
        assert "In code" not in q.hint().message  # hints point to the method, no code to run

"""The exercise machinery: kind feedback for right, close, typical wrong and ill-typed answers."""

from isomargin_lib.exercises import (
    ChoiceExercise,
    Mistake,
    NumericExercise,
    code_snippets,
    label_questions,
)

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
        [code] = code_snippets(q.solution().text)
        assert abs(eval(code, namespace) - q.answer) < 1e-9
    assert "Binance" in ex.q2.check(round(57_000 / 0.996, 2)).message
    assert ex.q3.check("b").correct and not ex.q3.check("d").correct
    [hint_code] = code_snippets(ex.q3.hint().text)
    with_extra = eval(hint_code, namespace).liquidation_price
    without = eval(hint_code.replace("3_000", "0"), namespace).liquidation_price
    binance = [eval(hint_code.replace("'bybit'", "'binance'").replace("3_000", a),
                    namespace).liquidation_price for a in ("3_000", "0")]
    # the published A / (1 - taker): Bybit's move is the larger, by 1 / (1 - 0.00055)
    assert abs((without - with_extra) / (binance[1] - binance[0]) - 1 / (1 - 0.00055)) < 1e-9
    assert "ex.q1.hint()" in ex.q1.check(1).message


def test_every_lesson_exercise_answers_wrong_types_kindly():
    """None (the lessons' placeholder), text, a list, a dict, bytes, a complex number, an int too
    large for a float and NaN get a kind "info" reply naming what to type, never an exception."""
    import importlib
    import pkgutil

    import isomargin_lib.exercises as package

    wrong = [None, "a lot", "", [1, 2], ["b"], {"a": 1}, b"b", 1j, 10**400, float("nan")]
    modules = [importlib.import_module(f"{package.__name__}.{m.name}")
               for m in pkgutil.iter_modules(package.__path__) if m.name.startswith("lesson")]
    questions = [q for module in modules for q in vars(module).values()
                 if isinstance(q, NumericExercise | ChoiceExercise)]
    assert len(questions) > 40
    for q in questions:
        for answer in wrong:
            feedback = q.check(answer)
            assert feedback.verdict == "info", (q.label, answer, feedback)
            assert feedback.message.startswith("Please answer with"), (q.label, answer)
            assert q.label in feedback.message or isinstance(q, NumericExercise)


def test_choice_letters_in_brackets_and_code_shown_as_code():
    assert CHOICE.check("(b)").correct and CHOICE.check("B.").correct
    assert CHOICE.check("(c)").verdict == "info"
    shown = NumericExercise(answer=1.0, unit="USDT", hint_text="Try `f(1) < 2`.",
                            solution_text="s").hint()
    assert code_snippets(shown.text) == ["f(1) < 2"]
    assert "<code>f(1) &lt; 2</code>" in shown._repr_html_()
    assert "f(1) < 2" in repr(shown) and "`" not in repr(shown)  # plain text: copy as it is


def test_lessonA3_exercises():
    """q1: Bybit's tier 3 deduction, 2,000,000 x (0.56 % - 0.5 %) + 300,000 x (0.5 % - 0.33 %)
    = 1,200 + 510 = 1,710 (Bybit publishes 1,710). q2: long 1,050 BTC at 100,000, 10x, margin
    10,500,000; bracket 7 (5 %, 2,981,450) gives (10,500,000 + 2,981,450 - 105,000,000) /
    (1,050 x 0.05 - 1,050) = 91,747.92, notional 96.3M < 100M; bracket 6 (2.5 %, 481,450)
    gives (10,500,000 + 481,450 - 105,000,000) / (1,050 x 0.025 - 1,050) = 91,837.41, notional
    96.4M, inside bracket 6 (70M to 100M)."""
    from numpy.testing import assert_allclose

    from isomargin_lib import BYBIT_BTCUSDT
    from isomargin_lib.exercises import lessonA3 as ex

    from exercise_checks import assert_numeric_feedback

    assert_allclose(ex.q1.answer, 1_710)
    assert_allclose(ex.q1.answer, BYBIT_BTCUSDT[2].maintenance_amount)
    shortcut = (10_500_000 + 2_981_450 - 105_000_000) / (1_050 * 0.05 - 1_050)
    right = (10_500_000 + 481_450 - 105_000_000) / (1_050 * 0.025 - 1_050)
    assert 1_050 * shortcut < 100e6 and 70e6 <= 1_050 * right < 100e6
    assert_allclose(ex.q2.answer, right)
    for q in (ex.q1, ex.q2):
        assert_numeric_feedback(q)
    assert "entry bracket" in ex.q2.check(round(shortcut, 2)).message
    assert "the tier before" in ex.q1.check(1_200).message
    assert ex.q3.check("b").correct
    assert not ex.q3.check("c").correct and "49,773" in ex.q3.check("c").message
    assert "ex.q2.hint()" in ex.q2.check(1).message


def test_lesson11_m4_entry_bracket():
    """m4: a 50x long of 50,000 USDT notional (5/6 BTC at 60,000) in cross with a 10,000 USDT
    wallet. Binance takes the bracket at the liquidation price: (50,000 - 10,000) / (5/6 x (1 -
    0.004)) = 48,192.77, a 19.68 % fall, notional 40,161 (first bracket). Hand calculations with
    the entry bracket (0.5 %, 50 USDT) give (10,000 - 250) / 50,000 = 19.50 %, (10,000 - 250 -
    50) / (50,000 x 0.995) = 19.497 %, (10,000 - 200) / 50,000 = 19.60 % and (10,000 - 250 + 50)
    / (50,000 x 0.995) = 19.698 %: each is told that the bracket is the one at the liquidation
    price, never "keep more decimals"."""
    from numpy.testing import assert_allclose

    from isomargin_lib.exercises import lesson11 as ex

    from exercise_checks import assert_numeric_feedback

    assert_allclose(ex.m4.answer, 100 * (1 - 40_000 / (5 / 6 * 0.996) / 60_000))
    assert_numeric_feedback(ex.m4)
    for value in (19.50, 19.497, 19.60, 19.70, "19.5 %"):
        feedback = ex.m4.check(value)
        assert feedback.verdict == "wrong", (value, feedback)
        assert "notional at the liquidation price" in feedback.message, value
    assert ex.m4.check(19.68).correct
    assert "20x" in ex.m3.hint().message and "5x" in ex.m3.hint().message

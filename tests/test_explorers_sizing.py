"""Lesson 06: the stop-and-size explorer and its exercises, driven as a learner would."""

import pytest
from numpy.testing import assert_allclose

from isomargin_lib import BINANCE_BTCUSDT, explorers, plots, position_size
from isomargin_lib.exercises import lesson06

CAPITAL, ENTRY = 10_000, 60_000


@pytest.fixture
def explorer():
    return explorers.stop_and_size(capital=CAPITAL, entry_price=ENTRY)


def set_controls(explorer, **values):
    for name, value in values.items():
        explorer.controls[name].value = value


def test_starts_with_the_one_percent_rule(explorer):
    """10,000 USDT, 1 %, 2 % stop: 100 USDT at risk over 1,200 USDT per BTC = 1/12 BTC."""
    assert explorer.values() == {"capital": CAPITAL, "risk": 1.0, "stop": 2.0, "leverage": 10,
                                 "side": "long"}
    assert_allclose(explorer.numbers["quantity"], 100 / 1_200)
    assert_allclose(explorer.numbers["notional"], 5_000)
    assert_allclose(explorer.numbers["margin"], 500)
    assert_allclose(explorer.numbers["loss_at_stop"], 100)
    assert_allclose(explorer.numbers["stop_price"], 58_800)
    assert explorer.status.startswith("The stop fires first")


@pytest.mark.parametrize("side", ["long", "short"])
@pytest.mark.parametrize(("capital", "risk", "stop", "leverage"),
                         [(10_000, 1.0, 2.0, 5), (25_000, 2.0, 3.5, 20), (5_000, 0.5, 1.0, 60),
                          (50_000, 5.0, 10.0, 3)])
def test_controls_move_figure_and_readout(explorer, side, capital, risk, stop, leverage):
    set_controls(explorer, side=side, capital=capital, risk=risk, stop=stop, leverage=leverage)
    sign = 1 if side == "long" else -1
    stop_price = ENTRY * (1 - sign * stop / 100)
    sized = position_size(capital, risk / 100, ENTRY, stop_price, side=side, leverage=leverage,
                          tiers=BINANCE_BTCUSDT)
    assert_allclose(explorer.numbers["quantity"], sized.quantity)
    assert_allclose(explorer.numbers["margin"], sized.margin)
    assert_allclose(explorer.numbers["loss_at_stop"], sized.risk_amount)
    assert_allclose(explorer.numbers["liquidation_price"], sized.liquidation_price)
    assert_allclose(explorer.numbers["room_percent"],
                    100 * sign * (stop_price - sized.liquidation_price) / ENTRY)
    data = explorer.figure.data
    # x: price move from entry (%); y: result in R (multiples of the risk amount).
    assert_allclose(data[3].x, [-sign * stop] * 2)
    one_r = sized.risk_amount
    # The curve is the PnL between the entry and the first exit, flat beyond it.
    x, y = map(list, (data[1].x, data[1].y))
    for move, value in zip(x, y, strict=True):
        price = ENTRY * (1 + move / 100)
        inside = sign * (price - max(stop_price, sized.liquidation_price) if side == "long"
                         else price - min(stop_price, sized.liquidation_price)) > 1e-6
        if inside and abs(move) > 1e-9:
            assert value * one_r == pytest.approx(sign * sized.quantity * (price - ENTRY))
    assert min(y) * one_r == pytest.approx(-(sized.risk_amount if sized.stop_before_liquidation
                                             else sized.margin))
    for key in ("quantity", "notional", "margin", "loss_at_stop", "liquidation_price"):
        assert f'data-key="{key}"' in explorer.readout.value
        assert explorer.texts[key] in explorer.readout.value


def test_leverage_changes_margin_and_liquidation_not_the_risk(explorer):
    seen = []
    for leverage in (2, 5, 10, 20):
        explorer.controls["leverage"].value = leverage
        seen.append(dict(explorer.numbers))
    assert len({round(n["quantity"], 12) for n in seen}) == 1
    assert len({n["loss_at_stop"] for n in seen}) == 1
    assert [n["margin"] for n in seen] == sorted((n["margin"] for n in seen), reverse=True)
    assert [n["liquidation_price"] for n in seen] == sorted(n["liquidation_price"] for n in seen)


def test_stop_beyond_liquidation_is_a_danger(explorer):
    """2 % stop, tier 1 (MMR 0.4 %): the long's liquidation passes the stop between 40x and
    50x."""
    set_controls(explorer, leverage=40)
    assert 'data-kind="danger"' not in explorer.readout.value
    assert explorer.figure.data[5].marker.symbol == "circle"
    assert_allclose(explorer.figure.data[5].x, [-2.0])
    assert_allclose(explorer.figure.data[5].y, [-1.0])
    set_controls(explorer, leverage=50)
    assert explorer.status.startswith("STOP NEVER FIRES")
    assert 'data-kind="danger"' in explorer.readout.value
    assert explorer.numbers["room_percent"] < 0
    marker = explorer.figure.data[5]
    assert marker.marker.symbol == "x" and marker.marker.color == plots.COLORS["liquidation"]
    assert_allclose(marker.x, [100 * (explorer.numbers["liquidation_price"] / ENTRY - 1)])
    assert_allclose(marker.y, [-explorer.numbers["margin"] / explorer.numbers["loss_at_stop"]])
    assert_allclose(explorer.figure.data[4].x, [marker.x[0]] * 2)


def test_tight_room_warns_and_margin_above_capital_warns(explorer):
    set_controls(explorer, leverage=30)
    assert 'data-kind="warning"' in explorer.readout.value and "only just" in explorer.status
    set_controls(explorer, leverage=1, stop=0.5)
    assert "more than the capital" in explorer.status
    assert explorer.texts["liquidation_price"] == "none"
    assert "no liquidation price" in explorer.figure.data[6].text[0]


def test_off_chart_liquidation_is_named(explorer):
    set_controls(explorer, leverage=2)
    assert list(explorer.figure.data[4].x) == [None, None]
    assert "off the chart" in explorer.figure.data[6].text[0]


def test_axes_are_fixed_and_moves_send_data_only(explorer):
    from isomargin_lib.explorers._sizing import X_RANGE, Y_RANGE

    assert list(explorer.figure.layout.xaxis.range) == list(X_RANGE)
    assert list(explorer.figure.layout.yaxis.range) == list(Y_RANGE)
    for values in ({"stop": 20.0}, {"leverage": 100}, {"side": "short", "capital": 50_000}):
        frame = explorer._compute(**{**explorer.values(), **values})
        assert frame.layout == {} and 2 not in frame.traces


def test_capital_out_of_range_is_refused():
    with pytest.raises(ValueError, match="capital"):
        explorers.stop_and_size(capital=500)


def test_q1_size_from_the_risk():
    assert lesson06.q1.check(0.16667).correct
    assert lesson06.q1.check("0.1667 BTC").correct
    leveraged = lesson06.q1.check(lesson06.q1.answer * lesson06.LEVERAGE)
    assert leveraged.verdict == "wrong" and "multiplied by the leverage" in leveraged.message
    assert "divided the risk amount by the price" in lesson06.q1.check(200 / 60_000).message
    assert lesson06.q1.check(None).verdict == "info"
    assert lesson06.q1.check([1]).verdict == "info"


def test_q4_highest_leverage_with_the_stop_first():
    answer = lesson06.q4.answer
    stop = lesson06.STOP_3
    fires = [position_size(20_000, 0.01, 60_000, stop, side="long", leverage=lev,
                           tiers=BINANCE_BTCUSDT).stop_before_liquidation
             for lev in (answer, answer + 1)]
    assert fires == [True, False]
    assert lesson06.q4.check(answer).correct and lesson06.q4.check(f"{answer}x").correct
    assert "round down" in lesson06.q4.check(answer + 1).message
    assert "bankruptcy" in lesson06.q4.check(33).message
    assert lesson06.q4.check("a lot").verdict == "info"


def test_q2_stop_is_not_a_guarantee():
    assert lesson06.q2.check("b").correct
    for wrong in "acd":
        assert lesson06.q2.check(wrong).verdict == "wrong"
    assert lesson06.q2.check(2).verdict == "info"


def test_a_margin_above_half_the_capital_is_flagged():
    """2x with a 0.5 % stop: 100 USDT at risk over 300 USDT per BTC is 0.3333 BTC, 20,000 USDT
    of position and 10,000 USDT of margin at 2x: all of the 10,000 USDT capital."""
    from isomargin_lib import explorers
    ex = explorers.stop_and_size()
    ex.controls["leverage"].value = 2
    ex.controls["stop"].value = 0.5
    assert "ties up 100 % of the capital" in ex.status
    assert 'data-kind="warning"' in ex.readout.value

"""Lesson 01: the leverage and PnL explorer and its exercises, driven as a learner would."""

import pytest
from numpy.testing import assert_allclose

from isomargin_lib import Position, explorers, initial_margin, plots, return_on_equity
from isomargin_lib.exercises import lesson01

ENTRY, MARGIN = 60_000, 1_000


@pytest.fixture
def explorer():
    return explorers.leverage_and_pnl(entry_price=ENTRY, margin=MARGIN)


def set_controls(explorer, **values):
    for name, value in values.items():
        explorer.controls[name].value = value


def test_starts_flat_at_entry_with_1x_long(explorer):
    """At 1x the notional equals the margin; with no move PnL and ROE are zero."""
    assert explorer.values() == {"leverage": 1, "price_move": 0.0, "side": "long"}
    assert_allclose(explorer.numbers["notional"], MARGIN)
    assert explorer.numbers["pnl"] == 0 and explorer.numbers["roe_percent"] == 0
    assert list(explorer.figure.data[4].x) == [ENTRY]
    assert "not moved" in explorer.status


@pytest.mark.parametrize("side", ["long", "short"])
@pytest.mark.parametrize(("leverage", "move"), [(1, 10.0), (5, -4.0), (20, 2.5), (100, -0.5)])
def test_controls_move_curve_marker_and_readout(explorer, side, leverage, move):
    set_controls(explorer, side=side, leverage=leverage, price_move=move)
    position = Position(side, ENTRY, MARGIN * leverage / ENTRY)
    price = ENTRY * (1 + move / 100)
    pnl = position.pnl(price)
    curve = explorer.figure.data[3]
    assert_allclose(curve.y, position.pnl(curve.x))
    assert curve.line.color == plots.COLORS[side]
    assert_allclose(explorer.figure.data[4].x, [price])
    assert_allclose(explorer.figure.data[4].y, [pnl])
    assert_allclose(explorer.numbers["quantity"], position.quantity)
    assert_allclose(explorer.numbers["notional"], position.notional())
    assert_allclose(explorer.numbers["initial_margin"], initial_margin(position, leverage))
    assert_allclose(explorer.numbers["pnl"], pnl)
    assert_allclose(explorer.numbers["roe_percent"],
                    100 * return_on_equity(position, price, leverage))
    assert_allclose(explorer.numbers["remaining_margin"], MARGIN + pnl)
    for key in ("notional", "pnl", "roe_percent", "remaining_margin"):
        assert f'data-key="{key}"' in explorer.readout.value
        assert explorer.texts[key] in explorer.readout.value


def test_a_short_gains_when_the_price_falls(explorer):
    """Short 5x, price -4 %: ROE = +20 %; the long would lose the same."""
    set_controls(explorer, leverage=5, price_move=-4.0, side="short")
    assert_allclose(explorer.numbers["roe_percent"], 20.0)
    assert explorer.numbers["pnl"] > 0 and "Gaining" in explorer.status
    explorer.controls["side"].value = "long"
    assert_allclose(explorer.numbers["roe_percent"], -20.0)
    assert "Losing" in explorer.status


def test_whole_margin_gone_is_shown_plainly(explorer):
    """20x long, price -6 %: PnL = -120 % of the margin; 200 USDT more than was put up."""
    set_controls(explorer, leverage=20, price_move=-6.0)
    assert_allclose(explorer.numbers["remaining_margin"], -200.0)
    assert "margin gone" in explorer.texts["remaining_margin"]
    assert "whole margin is gone" in explorer.status and "more than the" in explorer.status
    assert 'data-kind="danger"' in explorer.readout.value
    assert explorer.figure.data[4].marker.color == plots.COLORS["liquidation"]
    assert explorer.figure.data[4].marker.symbol == "x"
    explorer.controls["price_move"].value = -4.0
    assert "margin gone" not in explorer.texts["remaining_margin"]
    assert explorer.figure.data[4].marker.color == plots.COLORS["long"]
    assert explorer.figure.data[4].marker.symbol == "circle"


def test_a_loss_equal_to_the_margin_is_all_of_it_not_more(explorer):
    """20x long, price -5 %: PnL = -1,000 USDT, exactly the margin; no "-0.00" left."""
    set_controls(explorer, leverage=20, price_move=-5.0)
    assert_allclose(explorer.numbers["pnl"], -MARGIN)
    assert explorer.numbers["remaining_margin"] == 0.0
    assert explorer.texts["remaining_margin"] == "0.00: margin gone"
    assert "-0.00" not in explorer.readout.value
    assert "all of the 1,000 USDT" in explorer.status and "more than" not in explorer.status
    assert 'data-kind="danger"' in explorer.readout.value


def test_margin_gone_zone_is_not_the_short_colour(explorer):
    """A short's PnL line is red; the zone where the margin is gone must not look like it."""
    zone = explorer.figure.data[0]
    assert zone.fillcolor != plots.COLORS["danger_zone"]
    assert_allclose(zone.y[:2], [-MARGIN, -MARGIN])
    explorer.controls["side"].value = "short"
    assert explorer.figure.data[3].line.color == plots.COLORS["short"]
    assert explorer.figure.data[1].line.color == plots.COLORS["liquidation"]


def test_off_chart_pnl_is_pinned_to_the_edge(explorer):
    set_controls(explorer, leverage=100, price_move=10.0)
    top = explorer.figure.layout.yaxis.range[1]
    assert list(explorer.figure.data[4].y) == [top]
    assert explorer.figure.data[4].marker.symbol == "triangle-up"
    assert_allclose(explorer.numbers["pnl"], 10_000)  # the readout keeps the true value


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="margin"):
        explorers.leverage_and_pnl(margin=0)
    with pytest.raises(ValueError, match="entry_price"):
        explorers.leverage_and_pnl(entry_price=-1)


def test_q1_initial_margin():
    q = lesson01.q1
    assert_allclose(q.answer, 600.0)  # 0.2 BTC x 60,000 / 20
    assert q.check(600).correct and q.check("600.00").correct
    assert "notional" in q.check(12_000).message and not q.check(12_000).correct
    assert "divides" in q.check(240_000).message
    assert q.check(None).verdict == "info" and q.check([600]).verdict == "info"
    assert "600.00" in q.solution().message


def test_q2_pnl_of_a_short():
    q = lesson01.q2
    assert_allclose(q.answer, 180.0)  # 0.1 BTC x (60,000 - 58,200)
    assert q.check(180).correct
    assert "short gains when the price falls" in q.check(-180).message
    assert "notional" in q.check(18).message
    forgot_quantity = q.check(1_800)  # the price change of one whole BTC
    assert not forgot_quantity.correct and "quantity" in forgot_quantity.message
    assert q.check("one eighty").verdict == "info"


def test_q3_roe_of_a_short():
    q = lesson01.q3
    assert_allclose(q.answer, 30.0)  # 10x a 3 % move, in the short's favour
    assert q.check(30).correct and q.check("30 %").correct
    assert "price move" in q.check(3).message
    assert "short gains" in q.check(-30).message
    assert "fraction" in q.check(0.3).message
    assert q.check(None).verdict == "info"

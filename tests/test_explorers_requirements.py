"""Lesson 05: the margin-adjustment explorer (driven as a learner would), the static tier
ladder and the lesson's exercises."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from isomargin_lib import (
    BINANCE_BTCUSDT,
    IsolatedPosition,
    Position,
    explorers,
    liquidation_price,
    maintenance_margin,
    plots,
)
from isomargin_lib.exercises import lesson05

ENTRY, QTY = 60_000, 0.5
LONG = Position("long", ENTRY, QTY)


def isolated(leverage, change=0.0, price=ENTRY, position=LONG):
    """The library's own answer: open at ``leverage``, then add or remove ``change`` at price."""
    account = IsolatedPosition(position, leverage, tiers=BINANCE_BTCUSDT)
    if change > 0:
        account.add_margin(change)
    elif change < 0:
        account.remove_margin(-change, price)
    return account


@pytest.fixture
def explorer():
    return explorers.adjust_margin(entry_price=ENTRY, quantity=QTY)


def test_starts_at_10x_with_the_initial_margin(explorer):
    """10x on 30,000 USDT: 3,000 margin; LP = (3,000 - 30,000) / (0.5*0.004 - 0.5)."""
    assert explorer.numbers["margin"] == 3_000
    assert_allclose(explorer.numbers["liquidation_price"], 27_000 / 0.498)
    assert explorer.numbers["max_removable"] == 0
    assert explorer.figure.data[4].x == (0,)
    assert_allclose(explorer.figure.data[4].y, [27_000 / 0.498])
    assert "Liquidation at" in explorer.status


@pytest.mark.parametrize("leverage, change", [(10, 3_000), (25, 1_500), (5, 6_000), (100, 50)])
def test_adding_margin_moves_liquidation_price_away(explorer, leverage, change):
    explorer.controls["leverage"].value = leverage
    explorer.controls["margin_change"].value = change
    account = isolated(leverage, change)
    expected = account.liquidation_price()
    assert_allclose(explorer.numbers["margin"], account.margin)
    assert_allclose(explorer.numbers["liquidation_price"], expected)
    assert expected < isolated(leverage).liquidation_price()
    assert_allclose(explorer.numbers["distance_percent"], 100 * (ENTRY - expected) / ENTRY)
    assert_allclose(explorer.numbers["max_removable"], account.max_removable_margin(ENTRY))
    assert_allclose(explorer.figure.data[4].x, [change])
    assert_allclose(explorer.figure.data[4].y, [expected])
    assert explorer.texts["liquidation_price"] in explorer.readout.value
    assert 'data-key="max_removable"' in explorer.readout.value


def test_curve_is_the_library_liquidation_price_against_margin_added(explorer):
    explorer.controls["leverage"].value = 20
    x, y = np.array(explorer.figure.data[0].x), np.array(explorer.figure.data[0].y)
    assert x.min() >= 0 and x.max() <= 6_000 + 1e-6 and len(x) > 50
    initial = isolated(20).margin
    for i in (0, len(x) // 2, len(x) - 1):
        assert_allclose(y[i], liquidation_price(LONG, initial + x[i], tiers=BINANCE_BTCUSDT))
    assert np.all(np.diff(y) < 0)  # more margin, lower liquidation price for a long
    # removals on a fresh position are refused: that part of the curve is drawn apart
    refused_x = np.array(explorer.figure.data[1].x)
    assert len(refused_x) > 0 and refused_x.max() < 0


def test_removal_on_a_fresh_position_is_refused(explorer):
    explorer.controls["margin_change"].value = -1_000
    assert explorer.numbers["margin_change"] == 0
    assert explorer.texts["margin_change"] == "0.00"
    assert explorer.numbers["margin"] == 3_000
    assert "refused" in explorer.status and "initial margin" in explorer.status
    assert 'data-kind="warning"' in explorer.readout.value
    assert explorer.figure.data[5].x == (-1_000,)
    assert_allclose(explorer.figure.data[5].y,
                    [liquidation_price(LONG, 2_000, tiers=BINANCE_BTCUSDT)])
    with pytest.raises(ValueError, match="amount"):
        isolated(10).remove_margin(1_000, ENTRY)


def test_short_in_profit_may_remove_some_margin_and_is_clamped():
    """Short 0.5 at 60,000, 10x (3,000). At 54,000 the initial margin at the mark is 2,700:
    at most 300 can be removed; asking for 1,000 removes 300."""
    ex = explorers.adjust_margin(entry_price=ENTRY, quantity=QTY, side="short")
    ex.controls["price"].value = 54_000
    ex.controls["margin_change"].value = -200
    short = Position("short", ENTRY, QTY)
    assert_allclose(ex.numbers["margin"], 2_800)
    assert_allclose(ex.numbers["liquidation_price"],
                    isolated(10, -200, 54_000, short).liquidation_price())
    assert "refused" not in ex.status
    ex.controls["margin_change"].value = -1_000
    assert_allclose(ex.numbers["margin_change"], -300)
    assert_allclose(ex.numbers["margin"], 2_700)
    assert "at most 300.00 USDT" in ex.status
    # a short's distance to liquidation is the rise still possible, a positive number
    lp = ex.numbers["liquidation_price"]
    assert lp > 54_000
    assert_allclose(ex.numbers["distance_percent"], 100 * (lp - 54_000) / 54_000)


def test_price_beyond_liquidation_shows_liquidated(explorer):
    explorer.controls["leverage"].value = 20
    assert explorer.figure.data[6].x == (None,)
    explorer.controls["price"].value = 56_000
    lp = isolated(20).liquidation_price()
    assert lp > 56_000
    assert explorer.status.startswith("LIQUIDATED")
    assert 'data-kind="danger"' in explorer.readout.value
    # the distance readout says "liquidated" instead of a negative number
    assert explorer.numbers["distance_percent"] == "liquidated"
    assert explorer.texts["distance_percent"] == "liquidated"
    assert "-0.00" not in explorer.readout.value
    assert explorer.figure.data[6].x == (0,) and explorer.figure.data[6].y == (56_000,)
    assert list(explorer.figure.data[2].y) == [56_000, 56_000]
    assert explorer.figure.data[2].line.color == plots.COLORS["liquidation"]
    # adding margin brings the liquidation price below the current price again
    explorer.controls["margin_change"].value = 3_000
    assert not explorer.status.startswith("LIQUIDATED")
    assert explorer.figure.data[6].x == (None,)
    assert explorer.figure.data[2].line.color == plots.COLORS["equity"]
    assert_allclose(explorer.numbers["max_removable"],
                    isolated(20, 3_000, 56_000).max_removable_margin(56_000))


def test_one_x_long_cannot_be_liquidated(explorer):
    explorer.controls["leverage"].value = 1
    assert explorer.numbers["liquidation_price"] is None
    assert explorer.texts["liquidation_price"] == "none"
    assert "no positive price" in explorer.status


@pytest.fixture
def ladder():
    return explorers.tier_ladder()


def test_ladder_is_a_static_figure_marking_the_library_brackets(ladder):
    import plotly.graph_objects as go

    assert type(ladder) is go.Figure  # not a widget: one FigureWidget per lesson
    sizes = explorers._requirements.LADDER_SIZES
    marks = ladder.data[2]
    assert_allclose(marks.x, sizes)
    for size, rate, text in zip(sizes, marks.y, marks.text, strict=True):
        tier = BINANCE_BTCUSDT.tier_for(size)
        mm = maintenance_margin(Position("long", 1.0, size), 1.0, tiers=BINANCE_BTCUSDT)
        assert_allclose(rate, 100 * mm / size)
        assert f"bracket {BINANCE_BTCUSDT.tiers.index(tier) + 1}" in text
        assert f"up to {tier.max_leverage:g}x" in text
    # One step per bracket at the bracket's rate.
    assert_allclose(ladder.data[0].y[:-1], [100 * t.mmr for t in BINANCE_BTCUSDT])
    assert_allclose(ladder.data[0].x[1:-1], [t.floor for t in BINANCE_BTCUSDT][1:])
    with pytest.raises(ValueError, match="sizes"):
        explorers.tier_ladder(sizes=[-1])


def test_ladder_effective_rate_is_continuous_and_below_the_staircase(ladder):
    x = np.array(ladder.data[1].x)
    effective = np.array(ladder.data[1].y)
    rates, _ = BINANCE_BTCUSDT.rates(x)
    assert np.all(effective <= 100 * rates + 1e-12)
    assert np.all(np.diff(effective) >= -1e-12)  # rises with size, no downward jump
    rates, amounts = BINANCE_BTCUSDT.rates(x)
    assert_allclose(effective, 100 * (x * rates - amounts) / x)
    for tier in BINANCE_BTCUSDT.tiers[1:]:  # no jump at a boundary
        side = np.array([tier.floor * (1 - 1e-9), tier.floor * (1 + 1e-9)])
        r, a = BINANCE_BTCUSDT.rates(side)
        assert_allclose(*(side * r - a) / side, rtol=1e-6)


def test_q1_maintenance_margin_of_two_million():
    """2,000,000 USDT is in bracket 3 (600,000 to 3,000,000: 0.65 %, amount 950); the tier
    ladder's guiding question uses 300,000, so the answer is not on screen beforehand."""
    q = lesson05.q1
    assert q.answer == 2_000_000 * 0.0065 - 950
    assert q.check(q.answer).correct and q.check(f"{q.answer:,.2f}").correct
    forgot = q.check(13_000)
    assert not forgot.correct and "maintenance amount" in forgot.message
    assert "first bracket" in q.check(8_000).message
    assert "bracket below" in q.check(2_000_000 * 0.005 - 50).message
    assert "2,000,000 x 0.0065 - 950" in q.solution().message
    assert q.check(None).verdict == "info" and q.check([1]).verdict == "info"


def test_q2_max_leverage():
    q = lesson05.q2
    assert q.answer == 50
    assert q.check(50).correct
    assert "smallest positions" in q.check(125).message
    assert "bracket below" in q.check(75).message
    assert q.check("fifty").verdict == "info"
    assert "Answer: 50x" in q.solution().message


def _btc_lp_by_hand(eth_mark):
    """Binance's one-way cross formula for the FAQ's BTC long, written out independently."""
    wb, q, ep, mmr, cum = 1_535_443.01, 109.488, 32_481.98, 0.025, 16_300
    eth_q, eth_ep = 3_683.979, 1_456.84
    tmm1 = eth_q * eth_mark * 0.10 - 135_365
    upnl1 = eth_q * (eth_mark - eth_ep)
    return (wb - tmm1 + upnl1 + cum - q * ep) / (q * mmr - q)


def test_q3_btc_liquidation_price_after_eth_falls_further():
    """The lesson works the FAQ's marks through (BTC 26,316.89 published); the question moves
    ETH to 1,250 so that its answer is not printed before it."""
    q = lesson05.q3
    assert lesson05.Q3_MARKS == {"BTC": 31_967.27, "ETH": 1_250.0}
    assert_allclose(_btc_lp_by_hand(1_335.18), 26_316.89, atol=0.005)  # the published number
    assert_allclose(q.answer, _btc_lp_by_hand(1_250.0))
    assert abs(q.answer - 26_316.89) > 100
    assert q.check(round(q.answer, 2)).correct
    assert "published" in q.check(26_316.89).message
    btc = Position("long", 32_481.98, 109.488)
    rule = {"mmr": 0.025, "maintenance_amount": 16_300}
    others = lesson05.ACCOUNT
    tmm1 = others.maintenance_margin(lesson05.Q3_MARKS, exclude="BTC")
    upnl1 = others.unrealized_pnl(lesson05.Q3_MARKS, exclude="BTC")
    no_tmm1 = liquidation_price(btc, lesson05.WALLET, **rule, other_pnl=upnl1)
    no_upnl1 = liquidation_price(btc, lesson05.WALLET, **rule, other_maintenance=tmm1)
    assert "TMM1" in q.check(round(no_tmm1, 2)).message
    assert "UPNL1" in q.check(round(no_upnl1, 2)).message
    assert not q.check(round(no_upnl1, 2)).correct
    assert q.check(math.nan).verdict == "info"
    assert f"{q.answer:,.2f}" in q.solution().message
    assert not others.is_liquidated(lesson05.Q3_MARKS)


def test_static_figures_show_from_their_mime_bundle_without_nbformat(ladder, monkeypatch):
    """``plots.show`` displays what ``fig.show()`` displays with the course's renderer, and
    still works where nbformat is missing (the browser edition), where ``pio.show`` raises."""
    import IPython.display
    import plotly.io as pio
    import plotly.io._renderers as renderers

    shown = []
    monkeypatch.setattr(IPython.display, "display",
                        lambda *objs, **kw: shown.append((objs, kw)))
    monkeypatch.setattr(plots, "display", IPython.display.display)
    plots.show(ladder)
    assert list(shown[0][0][0]) == ["application/vnd.plotly.v1+json"]
    assert shown[0][1] == {"raw": True}
    if renderers.nbformat is not None:  # (environments without nbformat: the browser's)
        pio.show(ladder)
        assert shown[1] == shown[0]
    monkeypatch.setattr(renderers, "nbformat", None)
    with pytest.raises(ValueError, match="nbformat"):
        pio.show(ladder)
    plots.show(ladder)
    assert shown[-1] == shown[0]

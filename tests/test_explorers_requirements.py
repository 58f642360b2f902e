"""Lesson 05: the margin-adjustment explorer (driven as a learner would) and the lesson's
exercises. Appendix A3: the static tier ladder and the bracket-at-liquidation explorer."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
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
from isomargin_lib.exercises import lesson05, lessonA3

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


@pytest.mark.parametrize("leverage, change", [(10, 3_000), (25, 1_500), (5, 5_000), (100, 50)])
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
    refused_x = np.array(explorer.figure.data[1].x, dtype=float)
    removals, additions = refused_x[refused_x < 0], refused_x[refused_x > 0]
    assert len(removals) > 0 and len(additions) > 0 and additions.min() > 5_000
    assert np.isnan(refused_x).sum() == 1  # one gap between the two refused pieces


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


def test_short_in_profit_may_remove_margin_down_to_the_maintenance_margin():
    """Short 0.5 at 60,000, 10x (3,000). At 54,000: WB + PnL - initial at mark = 3,000 +
    3,000 - 2,700 = 3,300 and WB - MM = 3,000 - 27,000*0.004 = 2,892 (Binance's rule): at
    most 2,892 can be removed; asking for 3,000 removes 2,892."""
    ex = explorers.adjust_margin(entry_price=ENTRY, quantity=QTY, side="short")
    ex.controls["price"].value = 54_000
    ex.controls["margin_change"].value = -1_000
    short = Position("short", ENTRY, QTY)
    assert_allclose(ex.numbers["margin"], 2_000)
    assert_allclose(ex.numbers["liquidation_price"],
                    isolated(10, -1_000, 54_000, short).liquidation_price())
    assert_allclose(ex.numbers["effective_leverage"], 15)
    assert "refused" not in ex.status
    ex.controls["margin_change"].value = -3_000
    assert_allclose(ex.numbers["margin_change"], -2_892)
    assert_allclose(ex.numbers["margin"], 108)
    assert "at most 2,892.00 USDT" in ex.status and "maintenance margin" in ex.status
    # a short's distance to liquidation is the rise still possible, a positive number
    lp = ex.numbers["liquidation_price"]
    assert lp > 54_000
    assert_allclose(ex.numbers["distance_percent"], 100 * (lp - 54_000) / 54_000)


def test_long_in_profit_may_remove_part_of_the_profit():
    """Long 0.5 at 60,000, 10x; at 66,000 at most 2,700 (Binance's regression case)."""
    ex = explorers.adjust_margin(entry_price=ENTRY, quantity=QTY)
    ex.controls["price"].value = 66_000
    assert_allclose(ex.numbers["max_removable"], 2_700)
    ex.controls["margin_change"].value = -3_000
    assert_allclose(ex.numbers["margin"], 300)
    assert "at most 2,700.00 USDT" in ex.status


def test_addition_beyond_the_free_balance_is_refused():
    """5,000 USDT outside the position (default): asking to add 6,000 adds 5,000."""
    ex = explorers.adjust_margin(entry_price=ENTRY, quantity=QTY)
    ex.controls["margin_change"].value = 6_000
    assert_allclose(ex.numbers["margin_change"], 5_000)
    assert_allclose(ex.numbers["margin"], 8_000)
    assert_allclose(ex.numbers["at_stake"], 8_000)
    assert_allclose(ex.numbers["effective_leverage"], 30_000 / 8_000)
    assert "Addition refused" in ex.status
    assert_allclose(ex.numbers["liquidation_price"], isolated(10, 5_000).liquidation_price())
    assert max(ex.figure.data[0].x) <= 5_000 + 1e-6 < np.nanmax(ex.figure.data[1].x)


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
    assert explorer.texts["margin"] == "lost"  # the whole isolated margin goes
    assert_allclose(explorer.numbers["at_stake"], isolated(20).margin)
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
    """2,000,000 USDT is in bracket 3 (600,000 to 3,000,000: 0.65 %, amount 950); the lesson
    works 600,000 through in its text, so the answer is not on screen beforehand."""
    q = lesson05.q1
    assert q.answer == 2_000_000 * 0.0065 - 950
    assert q.check(q.answer).correct and q.check(f"{q.answer:,.2f}").correct
    forgot = q.check(13_000)
    assert not forgot.correct and "maintenance amount" in forgot.message
    assert "first bracket" in q.check(8_000).message
    assert "bracket below" in q.check(2_000_000 * 0.005 - 50).message
    assert "2,000,000 x 0.0065 - 950" in q.solution().message
    assert q.check(None).verdict == "info" and q.check([1]).verdict == "info"


def test_a3_q4_max_leverage():
    """5,000,000 USDT is in bracket 4 (3,000,000 to 12,000,000), whose maximum is 50x."""
    q = lessonA3.q4
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


def test_q2_btc_liquidation_price_after_eth_falls_further():
    """The lesson works the FAQ's marks through (BTC 26,316.89 published); the question moves
    ETH to 1,250 so that its answer is not printed before it."""
    q = lesson05.q2
    assert lesson05.Q2_MARKS == {"BTC": 31_967.27, "ETH": 1_250.0}
    assert_allclose(_btc_lp_by_hand(1_335.18), 26_316.89, atol=0.005)  # the published number
    assert_allclose(q.answer, _btc_lp_by_hand(1_250.0))
    assert abs(q.answer - 26_316.89) > 100
    assert q.check(round(q.answer, 2)).correct
    assert "published" in q.check(26_316.89).message
    btc = Position("long", 32_481.98, 109.488)
    rule = {"mmr": 0.025, "maintenance_amount": 16_300}
    others = lesson05.ACCOUNT
    tmm1 = others.maintenance_margin(lesson05.Q2_MARKS, exclude="BTC")
    upnl1 = others.unrealized_pnl(lesson05.Q2_MARKS, exclude="BTC")
    no_tmm1 = liquidation_price(btc, lesson05.WALLET, **rule, other_pnl=upnl1)
    no_upnl1 = liquidation_price(btc, lesson05.WALLET, **rule, other_maintenance=tmm1)
    assert "TMM1" in q.check(round(no_tmm1, 2)).message
    assert "UPNL1" in q.check(round(no_upnl1, 2)).message
    assert not q.check(round(no_upnl1, 2)).correct
    assert q.check(math.nan).verdict == "info"
    assert f"{q.answer:,.2f}" in q.solution().message
    assert not others.is_liquidated(lesson05.Q2_MARKS)


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


# Appendix A3: the bracket at the liquidation price.

@pytest.fixture
def brackets():
    return explorers.bracket_at_liquidation(entry_price=ENTRY)


def test_bracket_explorer_starts_on_the_180_btc_short(brackets):
    """Short 180 BTC at 60,000, 5x: margin 2,160,000. Entry bracket 4 (1 %, cum 11,450):
    LP = (2,160,000 + 11,450 + 180*60,000) / (180*0.01 + 180) = 71,350.11, where the notional
    (12.84M) is past the 12M cap. Bracket 5 (2 %, cum 131,450): (2,160,000 + 131,450 +
    10,800,000) / (180*0.02 + 180) = 71,304.19, notional 12.83M, inside bracket 5."""
    n = brackets.numbers
    assert n["notional"] == 10_800_000 and n["entry_bracket"] == 4
    assert_allclose(n["shortcut_price"], 12_971_450 / 181.8)
    assert_allclose(n["liquidation_price"], 13_091_450 / 183.6)
    assert n["liquidation_bracket"] == 5
    assert_allclose(n["overstated"], 12_971_450 / 181.8 - 13_091_450 / 183.6)
    assert_allclose(n["losses_sooner"], 180 * n["overstated"])
    assert "bracket 5 (2 %), not 4 (1 %)" in brackets.status
    assert 'data-kind="warning"' in brackets.readout.value
    # top panel: entry on bracket 4's step, the liquidation notional on bracket 5's
    assert_allclose(brackets.figure.data[1].x, [10_800_000])
    assert_allclose(brackets.figure.data[1].y, [1.0])
    assert_allclose(brackets.figure.data[2].x, [180 * 13_091_450 / 183.6])
    assert_allclose(brackets.figure.data[2].y, [2.0])
    assert_allclose(brackets.figure.data[4].y, [n["overstated"]])


def test_bracket_explorer_big_long_drops_a_bracket(brackets):
    """Long 250M USDT at 60,000, 5x (Q = 4,166.67 BTC, margin 50M). Bracket 8 (10 %, cum
    14,481,450): LP = (50M + 14,481,450 - 250M) / (0.1Q - Q) = 49,471.61. Bracket 7 (5 %, cum
    2,981,450): (50M + 2,981,450 - 250M) / (0.05Q - Q) = 49,773.11, notional 207.4M in
    bracket 7 (100M to 230M)."""
    brackets.controls["side"].value = "long"
    brackets.controls["size"].value = 250
    q = 250e6 / ENTRY
    n = brackets.numbers
    assert (n["entry_bracket"], n["liquidation_bracket"], n["max_leverage"]) == (8, 7, 5)
    assert_allclose(n["shortcut_price"], (50e6 + 14_481_450 - 250e6) / (0.1 * q - q))
    assert_allclose(n["liquidation_price"], (50e6 + 2_981_450 - 250e6) / (0.05 * q - q))
    assert n["overstated"] > 300
    assert_allclose(brackets.figure.data[2].y, [5.0])


def test_bracket_explorer_refuses_leverage_above_the_bracket(brackets):
    brackets.controls["size"].value = 250
    brackets.controls["leverage"].value = 10
    assert brackets.status.startswith("Refused") and "at most 5x" in brackets.status
    assert brackets.numbers["liquidation_price"] is None
    assert brackets.texts["liquidation_price"] == "refused"
    assert brackets.figure.data[2].x == (None,) and brackets.figure.data[4].x == (None,)
    brackets.controls["leverage"].value = 5
    assert not brackets.status.startswith("Refused")


def test_bracket_explorer_small_position_keeps_its_bracket(brackets):
    brackets.controls["size"].value = 1
    n = brackets.numbers
    assert n["entry_bracket"] == n["liquidation_bracket"] == 3
    assert n["overstated"] == 0 and n["shortcut_price"] == n["liquidation_price"]
    assert "gives the right price" in brackets.status
    assert "-0.00" not in brackets.readout.value  # a short's zero gap is not "-0.00"
    assert 'data-kind="ok"' in brackets.readout.value


@pytest.mark.parametrize("side, leverage", [("short", 5), ("long", 2), ("long", 10)])
def test_bracket_explorer_curve_is_the_library_gap_for_every_size(brackets, side, leverage):
    from isomargin_lib.explorers._requirements import entry_bracket_shortcut

    brackets.controls["side"].value = side
    brackets.controls["leverage"].value = leverage
    x = np.array(brackets.figure.data[3].x)
    y = np.array(brackets.figure.data[3].y, dtype=float)
    assert_allclose([x.min(), x.max()], [1e4, 1e9])
    allowed = np.array([leverage <= BINANCE_BTCUSDT.tier_for(n).max_leverage for n in x])
    assert np.all(np.isnan(y[~allowed])) and not np.any(np.isnan(y[allowed]))
    assert np.all(y[allowed] >= -1e-6)  # the shortcut never promises less room
    for i in np.flatnonzero(allowed)[::50]:
        position = Position(side, ENTRY, x[i] / ENTRY)
        shortcut, right = entry_bracket_shortcut(position, x[i] / leverage)
        assert_allclose(y[i], position.sign * (right - shortcut), atol=1e-9)
        same = (BINANCE_BTCUSDT.tier_for(x[i]) is
                BINANCE_BTCUSDT.tier_for(position.notional(right)))
        assert (abs(y[i]) < 1e-6) == same
    assert 0 < np.nanmax(y) < brackets.figure.layout.yaxis2.range[1]


def test_bracket_explorer_size_slider_is_logarithmic():
    """One FloatLogSlider from 0.01 to 1,000 million USDT: both ends are reachable, and the
    size is read to the three figures the slider shows (10**1.0334 = 10.80001 -> 10.8)."""
    import ipywidgets as widgets

    explorer = explorers.bracket_at_liquidation(entry_price=ENTRY)
    size = explorer.controls["size"]
    assert isinstance(size, widgets.FloatLogSlider) and size.base == 10
    assert_allclose([size.min, size.max, size.value], [-2, 3, 10.8])
    assert "log scale" in size.description and size.readout_format == ".3g"
    for value in (0.01, 1_000):
        size.value = value
        assert explorer.numbers["notional"] == value * 1e6
    size.value = 10 ** 1.0334
    assert explorer.numbers["notional"] == 10_800_000


def test_bracket_explorer_small_long_drops_to_the_first_bracket(brackets):
    """Long 55,000 USDT at 60,000, 2x (Q = 0.91667 BTC, margin 27,500), now within reach of the
    slider. Bracket 2 (0.5 %, cum 50): LP = (27,500 + 50 - 55,000) / (0.005Q - Q) = 30,095.93,
    but the notional there is 27,588, in bracket 1. Bracket 1 (0.4 %, cum 0): 27,500 /
    (0.996Q) = 30,120.48, notional 27,610: a small position leaves its bracket too."""
    brackets.controls["side"].value = "long"
    brackets.controls["leverage"].value = 2
    brackets.controls["size"].value = 0.055
    q = 55_000 / ENTRY
    n = brackets.numbers
    assert (n["entry_bracket"], n["liquidation_bracket"]) == (2, 1)
    assert_allclose(n["shortcut_price"], 27_450 / (0.995 * q))
    assert_allclose(n["liquidation_price"], 27_500 / (0.996 * q))
    assert_allclose(n["losses_sooner"], q * (27_500 / (0.996 * q) - 27_450 / (0.995 * q)))
    assert_allclose(brackets.figure.data[2].x, [27_500 / 0.996])
    assert "bracket 1 (0.4 %), not 2 (0.5 %)" in brackets.status


def test_bracket_explorer_rejects_bad_arguments():
    with pytest.raises(ValueError, match="max_size"):
        explorers.bracket_at_liquidation(max_size=5_000)
    with pytest.raises(ValueError, match="min_leverage"):
        explorers.bracket_at_liquidation(min_leverage=30)
    with pytest.raises(ValueError, match="min_size"):
        explorers.bracket_at_liquidation(min_size=0)


def test_every_bracket_line_lies_below_the_maintenance_margin():
    """The maintenance margin ``N*mmr(N) - cum(N)`` is continuous (the recurrence) and its
    slope ``mmr`` only rises with N: a convex function of N, which lies above the extension of
    each of its straight pieces. So every bracket's line ``N*mmr_k - cum_k`` is at or below the
    true maintenance margin at every notional, equal inside bracket k."""
    grid = np.geomspace(1, BINANCE_BTCUSDT.max_notional * 0.999, 2_000)
    rates, amounts = BINANCE_BTCUSDT.rates(grid)
    true = grid * rates - amounts
    for tier in BINANCE_BTCUSDT:
        line = grid * tier.mmr - tier.maintenance_amount
        assert np.all(line <= true + 1e-6 * np.maximum(true, 1))
        inside = (grid >= tier.floor) & (grid < tier.cap)
        assert_allclose(line[inside], true[inside])


@given(side=st.sampled_from(["long", "short"]),
       notional=st.floats(min_value=1_000, max_value=1.0e9),
       share=st.floats(min_value=0, max_value=1))
@settings(max_examples=150, deadline=None)
def test_entry_bracket_never_promises_less_room(side, notional, share):
    """The entry bracket's line is at or below the true maintenance margin at every notional
    (the test above), so the shortcut asks for less maintenance at each price: its liquidation
    price is at least as far from entry as the true one, and equal when the notional at the
    true liquidation price stays in the entry bracket."""
    from isomargin_lib.explorers._requirements import entry_bracket_shortcut

    tier = BINANCE_BTCUSDT.tier_for(notional)
    leverage = 2 + round(share * (tier.max_leverage - 2))  # from 2x to the bracket's maximum
    position = Position(side, ENTRY, notional / ENTRY)
    shortcut, right = entry_bracket_shortcut(position, notional / leverage)
    assert position.sign * (right - shortcut) >= -1e-7 * ENTRY
    if BINANCE_BTCUSDT.tier_for(position.notional(right)) is tier:
        assert_allclose(shortcut, right)


def test_ladder_grid_does_not_depend_on_the_cpu(ladder):
    """The lesson stores this figure's data and nbval compares it bit for bit. geomspace's last
    bit differs between CPUs' vector units; the grid's four significant figures do not."""
    x = np.array(ladder.data[1].x)
    assert [float(f"{size:.4g}") for size in x] == x.tolist()
    assert x[0] == 1_000 and len(x) == 160
    nudged = np.nextafter(np.geomspace(1_000, BINANCE_BTCUSDT.max_notional * 0.999, 160), np.inf)
    assert [float(f"{size:.4g}") for size in nudged] == x.tolist()

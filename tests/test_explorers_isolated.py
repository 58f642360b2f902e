"""Lesson 02: the isolated liquidation explorer and its exercises, driven as a learner would."""


import pytest
from numpy.testing import assert_allclose

from isomargin_lib import (
    BINANCE_BTCUSDT,
    IsolatedPosition,
    Position,
    bankruptcy_price,
    explorers,
    liquidation_price,
    maintenance_margin,
    margin_ratio,
    plots,
)
from isomargin_lib.exercises import lesson02

ENTRY, MARGIN = 60_000, 1_000


@pytest.fixture
def explorer():
    return explorers.isolated_liquidation(entry_price=ENTRY, margin=MARGIN)


def set_controls(explorer, **values):
    for name, value in values.items():
        explorer.controls[name].value = value


def position_for(side, leverage):
    return Position(side, ENTRY, MARGIN * leverage / ENTRY)


def test_starts_at_10x_long_with_library_numbers(explorer):
    """10x long, 10,000 USDT notional, MMR 0.4 %: LP = (1,000 - 10,000) / (q*0.004 - q)."""
    assert explorer.values() == {"leverage": 10, "price_move": 0.0, "side": "long"}
    q = MARGIN * 10 / ENTRY
    assert_allclose(explorer.numbers["liquidation_price"], (MARGIN - q * ENTRY) / (q * 0.004 - q))
    assert_allclose(explorer.numbers["bankruptcy_price"], ENTRY * 0.9)
    assert_allclose(explorer.numbers["equity"], MARGIN)
    assert_allclose(explorer.numbers["margin_ratio_percent"], 4.0)  # 40 / 1,000
    assert explorer.status.startswith("Open")


@pytest.mark.parametrize("side", ["long", "short"])
@pytest.mark.parametrize(("leverage", "move"), [(2, 12.0), (10, -3.0), (20, 1.5), (75, -0.5),
                                                (100, 0.3)])
def test_controls_move_figure_and_readout(explorer, side, leverage, move):
    set_controls(explorer, side=side, leverage=leverage, price_move=move)
    position = position_for(side, leverage)
    price = ENTRY * (1 + move / 100)
    liq = liquidation_price(position, MARGIN, tiers=BINANCE_BTCUSDT)
    bank = bankruptcy_price(position, MARGIN)
    data = explorer.figure.data
    assert_allclose(data[1].y, maintenance_margin(position, data[1].x, tiers=BINANCE_BTCUSDT))
    assert_allclose(data[2].y, MARGIN + position.pnl(data[2].x))
    assert_allclose(data[4].x, [liq, liq])
    assert_allclose(data[5].x, [bank, bank])
    assert_allclose(data[6].x, [price])
    equity = MARGIN + position.pnl(price)
    assert_allclose(explorer.numbers["liquidation_price"], liq)
    assert_allclose(explorer.numbers["bankruptcy_price"], bank)
    assert_allclose(explorer.numbers["maintenance_margin"],
                    maintenance_margin(position, price, tiers=BINANCE_BTCUSDT))
    if explorer.status.startswith("Open"):
        assert_allclose(explorer.numbers["equity"], equity)
        assert_allclose(explorer.numbers["margin_ratio_percent"],
                        100 * margin_ratio(position, MARGIN, price, tiers=BINANCE_BTCUSDT))
    else:  # the course's convention after a liquidation: equity 0, ratio "liquidated"
        assert explorer.numbers["equity"] == 0
        assert explorer.numbers["margin_ratio_percent"] is None
        assert explorer.texts["margin_ratio_percent"] == "liquidated"
    if explorer.status.startswith("Open"):
        # Positive in the adverse direction: down for a long, up for a short.
        adverse = (price - liq) if side == "long" else (liq - price)
        assert adverse > 0
        assert_allclose(explorer.numbers["distance_percent"], 100 * adverse / price)
        assert explorer.numbers["distance_percent"] > 0
        assert_allclose(data[6].y, [equity])
    else:
        assert explorer.numbers["distance_percent"] is None
        assert explorer.texts["distance_percent"] == "liquidated"
    for key in ("liquidation_price", "bankruptcy_price", "distance_percent", "equity",
                "margin_ratio_percent"):
        assert f'data-key="{key}"' in explorer.readout.value
        assert explorer.texts[key] in explorer.readout.value


def test_liquidation_lies_between_entry_and_bankruptcy(explorer):
    for side in ("long", "short"):
        for leverage in (3, 25, 100):
            set_controls(explorer, side=side, leverage=leverage)
            liq = explorer.numbers["liquidation_price"]
            bank = explorer.numbers["bankruptcy_price"]
            assert min(ENTRY, bank) < liq < max(ENTRY, bank)


def test_liquidated_is_shown_in_status_and_figure(explorer):
    """20x long: LP = 57,228.92 (-4.62 %); a 5 % fall is beyond it."""
    set_controls(explorer, leverage=20, price_move=-4.5)
    assert explorer.status.startswith("Open")
    assert explorer.figure.data[6].marker.color == plots.COLORS["equity"]
    explorer.controls["price_move"].value = -5.0
    assert explorer.status.startswith("LIQUIDATED")
    assert 'data-kind="danger"' in explorer.readout.value
    assert "LIQUIDATED" in explorer.readout.value
    assert explorer.figure.data[6].marker.color == plots.COLORS["liquidation"]
    assert explorer.figure.data[6].marker.symbol == "x"
    assert explorer.numbers["distance_percent"] is None
    assert explorer.texts["distance_percent"] == "liquidated"
    assert 'data-key="distance_percent"' in explorer.readout.value
    zone = explorer.figure.data[0]
    liq = explorer.numbers["liquidation_price"]
    assert min(zone.x) <= ENTRY * 0.95 <= max(zone.x) == pytest.approx(liq)


def test_the_fine_price_step_stops_between_liquidation_and_bankruptcy(explorer):
    """10x long: LP 54,216.87 (-9.64 %), BP 54,000 (-10 %). At -9.6 % the position is open with
    equity just above maintenance; at -9.7 % it is liquidated, with equity still above zero, and
    the status names the maintenance margin left at the liquidation price."""
    assert explorer.controls["price_move"].step == pytest.approx(0.1)
    explorer.controls["price_move"].value = -9.6
    assert explorer.status.startswith("Open") and "fall" in explorer.status
    assert 0 < explorer.numbers["distance_percent"] < 0.1
    assert explorer.numbers["maintenance_margin"] < explorer.numbers["equity"] < 50
    explorer.controls["price_move"].value = -9.7
    assert explorer.status.startswith("LIQUIDATED")
    position = position_for("long", 10)
    liq = liquidation_price(position, MARGIN, tiers=BINANCE_BTCUSDT)
    left = maintenance_margin(position, liq, tiers=BINANCE_BTCUSDT)
    assert f"({left:,.2f} USDT left, not zero)" in explorer.status
    assert_allclose(MARGIN + position.pnl(liq), left)
    # The equity line still shows margin + PnL above zero here (54,180 > BP 54,000), but the
    # position is closed: the readout and the marker follow lesson 03's convention.
    assert MARGIN + position.pnl(ENTRY * 0.903) > 0
    assert explorer.numbers["equity"] == 0
    assert list(explorer.figure.data[6].y) == [0.0]
    assert explorer.texts["margin_ratio_percent"] == "liquidated"
    assert "Equity now: 0." in explorer.status


def test_after_liquidation_equity_and_ratio_agree_with_lesson_03():
    """The same isolated long in both explorers: 0.1 BTC at 60,000 at 10x, 600 USDT of margin
    (lesson 02's explorer with margin=600, lesson 03's isolated twin). Past its liquidation
    price (54,216.87, -9.64 %) both show equity 0; lesson 02 shows the ratio "liquidated"."""
    iso = explorers.isolated_liquidation(entry_price=ENTRY, margin=600)
    cross = explorers.cross_vs_isolated(entry_price=ENTRY, quantity=0.1)
    iso.controls["price_move"].value = -9.8     # LP 54,216.87 = -9.64 %
    cross.controls["move"].value = -10.0
    assert iso.status.startswith("LIQUIDATED")
    assert "Isolated twin liquidated" in cross.status
    assert iso.numbers["equity"] == cross.numbers["isolated_equity"] == 0
    assert_allclose(iso.numbers["liquidation_price"],
                    cross.numbers["isolated_liquidation_price"])
    assert iso.numbers["margin_ratio_percent"] is None
    assert ('data-key="margin_ratio_percent" style="text-align:right;font-family:monospace">'
            'liquidated<') in iso.readout.value


def test_short_is_liquidated_when_the_price_rises(explorer):
    set_controls(explorer, side="short", leverage=50, price_move=-5.0)
    assert explorer.status.startswith("Open") and "rise" in explorer.status
    explorer.controls["price_move"].value = 2.0
    assert explorer.status.startswith("LIQUIDATED")
    assert min(explorer.figure.data[0].x) == pytest.approx(explorer.numbers["liquidation_price"])


def test_1x_long_cannot_be_liquidated(explorer):
    set_controls(explorer, leverage=1, price_move=-30.0)
    assert explorer.numbers["liquidation_price"] is None
    assert explorer.texts["liquidation_price"] == "none"
    assert list(explorer.figure.data[0].x) == []
    assert "No positive price" in explorer.status


def test_1x_short_liquidation_price_off_the_chart_is_pointed_out(explorer):
    set_controls(explorer, side="short", leverage=1)
    liq = explorer.numbers["liquidation_price"]
    assert liq > explorer.figure.layout.xaxis.range[1]
    assert "off the chart" in explorer.status
    assert explorer.texts["liquidation_price"] in explorer.readout.value
    explorer.controls["leverage"].value = 10
    assert "off the chart" not in explorer.status


def test_past_bankruptcy_equity_reads_zero_not_negative(explorer):
    """100x long: BP 59,400 (-1 %); at -2 % margin + PnL is -1,000 USDT, but the position was
    closed at its liquidation price: equity 0, the ratio "liquidated" (not infinite)."""
    set_controls(explorer, leverage=100, price_move=-2.0)
    assert MARGIN + position_for("long", 100).pnl(ENTRY * 0.98) < 0
    assert explorer.numbers["equity"] == 0
    assert explorer.texts["margin_ratio_percent"] == "liquidated"
    assert explorer.figure.data[6].y == (0.0,)


def test_max_leverage_is_checked_against_the_brackets():
    with pytest.raises(ValueError, match="max_leverage must be <= 100"):
        explorers.isolated_liquidation(margin=1_000, max_leverage=125)
    with pytest.raises(ValueError, match="margin"):
        explorers.isolated_liquidation(margin=-5)


def test_adding_margin_moves_the_liquidation_price_away():
    """The lesson's "adjust as needed" demonstration: more margin, lower LP for a long."""
    iso = IsolatedPosition(Position("long", 60_000, 0.5), 20, tiers=BINANCE_BTCUSDT)
    before = iso.liquidation_price()
    iso.add_margin(500)
    assert iso.liquidation_price() < before
    assert iso.bankruptcy_price() == pytest.approx(60_000 - 2_000 / 0.5)


def test_q1_liquidation_price_of_an_isolated_long():
    """(1,500 - 30,000) / (0.5*0.004 - 0.5) = 57,228.92; the bankruptcy price is 57,000."""
    q = lesson02.q1
    assert_allclose(q.answer, 28_500 / 0.498)
    assert q.check(57_228.92).correct and q.check("57,228.92").correct
    wrong = q.check(57_000)
    assert not wrong.correct and "bankruptcy price" in wrong.message
    assert "short" in q.check(62_749.00).message
    assert q.check(None).verdict == "info"
    assert "57,228.92" in q.solution().message


def test_q2_what_isolated_margin_protects():
    q = lesson02.q2
    assert q.check("b").correct and q.check(" B ").correct
    for letter in "acd":
        assert not q.check(letter).correct
    assert "liquidates" in q.check("a").message
    assert q.check(2).verdict == "info" and q.check("e").verdict == "info"
    assert "rest of the account" in q.solution().message

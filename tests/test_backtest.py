"""Event-driven backtests on hand-made candles: event order, gaps, fees, funding, rules."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from isomargin_lib import (
    BINANCE_BTCUSDT,
    BacktestRules,
    Candles,
    Position,
    backtest,
    candles_from_path,
    gbm_paths,
    liquidation_price,
    load_btc_crash,
)


def hourly(*rows, start="2024-01-01T01:00"):
    """Candles from (open, high, low, close) rows, one hour apart (01:00 avoids funding)."""
    o, h, low, c = np.array(rows, dtype=float).T
    time = np.datetime64(start, "s") + np.arange(len(rows)) * np.timedelta64(1, "h")
    return Candles(time, o, h, low, c, np.timedelta64(1, "h"))


def run(candles, *, side="long", quantity=1.0, leverage=10, wallet_balance=100.0, mmr=0.0,
        margin_mode="isolated", **rules):
    return backtest(candles, side=side, quantity=quantity, leverage=leverage,
                    wallet_balance=wallet_balance, margin_mode=margin_mode, mmr=mmr,
                    rules=BacktestRules(**rules))


def kinds(record):
    return [(event.kind, round(event.price, 6)) for event in record.events]


# 1 BTC long at 100, 10x, MMR 0: margin 10, liquidation (= bankruptcy) price 90.

def test_stop_before_the_liquidation_price_fires_first():
    """Open 100 -> high 101 (nearer) -> low 85 -> close 95: the fall passes the stop at 92
    before the liquidation price at 90. Loss 8."""
    record = run(hourly((100, 101, 85, 95)), stop_loss=92)
    assert kinds(record) == [("open", 100), ("stop", 92)]
    assert record.events[-1].amount == -8
    assert record.final_equity == 92
    assert np.isnan(record.margin_ratio[0])


def test_a_stop_beyond_the_liquidation_price_never_fills():
    record = run(hourly((100, 101, 85, 95)), stop_loss=88)
    assert kinds(record) == [("open", 100), ("liquidated", 90)]
    assert record.events[-1].amount == -10
    assert record.final_equity == 90


def test_a_stop_at_the_liquidation_price_loses_to_the_liquidation():
    record = run(hourly((100, 101, 85, 95)), stop_loss=90)
    assert kinds(record)[-1] == ("liquidated", 90)


@pytest.mark.parametrize(("high", "low", "first"), [
    (106, 94.5, ("stop", 95)),  # the low is nearer the open (5.5 < 6): it comes first
    (105.5, 94, ("take_profit", 105)),  # the high is nearer (5.5 < 6)
    (106, 94, ("stop", 95)),  # equally near: the low first
])
def test_the_extreme_nearer_the_open_comes_first(high, low, first):
    record = run(hourly((100, high, low, 100)), stop_loss=95, take_profit=105)
    assert kinds(record) == [("open", 100), first]


def test_short_mirror():
    """1 BTC short at 100, 10x, MMR 0: liquidation price 110."""
    stopped = run(hourly((100, 115, 99, 105)), side="short", stop_loss=108)
    assert kinds(stopped) == [("open", 100), ("stop", 108)]
    liquidated = run(hourly((100, 115, 99, 105)), side="short", stop_loss=112)
    assert kinds(liquidated) == [("open", 100), ("liquidated", 110)]


def test_a_gap_through_the_bankruptcy_price_costs_only_the_isolated_margin():
    """The second candle opens at 80, beyond both the stop (95) and the liquidation price
    (90): isolated, the liquidation wins and the loss is the margin, 10, not 20."""
    candles = hourly((100, 100.5, 99, 99.5), (80, 85, 79, 84))
    isolated = run(candles, stop_loss=95)
    assert kinds(isolated) == [("open", 100), ("liquidated", 80)]
    assert isolated.events[-1].amount == -10
    assert isolated.events[-1].forfeited == 0  # nothing was left behind the position
    assert isolated.final_equity == 90
    # Cross, the whole wallet (100) backs the position: no price liquidates it, the stop
    # fills at the open, and the loss is the full 20.
    cross = run(candles, stop_loss=95, margin_mode="cross")
    assert kinds(cross) == [("open", 100), ("stop", 80)]
    assert cross.final_equity == 80


def test_a_gap_past_the_stop_fills_at_the_open():
    record = run(hourly((100, 100.5, 99, 99.5), (93, 94, 92, 93)), stop_loss=95)
    assert kinds(record) == [("open", 100), ("stop", 93)]
    assert record.events[-1].amount == -7


def test_taker_fees_on_opening_and_closing():
    """Fee = notional x 0.05 %: 0.05 to open at 100, 0.055 to take profit at 110."""
    record = run(hourly((100, 111, 99.5, 108)), take_profit=110, taker_fee=0.0005)
    assert kinds(record) == [("open", 100), ("take_profit", 110)]
    assert_allclose([e.fee for e in record.events], [0.05, 0.055])
    assert_allclose(record.total_fees, 0.105)
    assert_allclose(record.final_equity, 100 - 0.05 + 10 - 0.055)


def test_a_liquidation_forfeits_the_whole_isolated_margin():
    """MMR 1 %: LP = (10 - 100) / (0.01 - 1) = 90.909; there the margin left is the maintenance
    margin 0.90909: the fee 90.909 x 0.05 % = 0.04545 and the other 0.86364 go to the
    liquidation engine (Binance: clearance fee / insurance fund), nothing returns to the wallet.
    The account keeps 100 - 0.05 (opening fee) - 10 (margin) = 89.95."""
    record = run(hourly((100, 100, 85, 88)), mmr=0.01, taker_fee=0.0005)
    liquidation = 90 / 0.99
    event = record.events[-1]
    assert event.kind == "liquidated"
    assert_allclose(event.price, liquidation)
    assert_allclose(event.amount, liquidation - 100)
    assert_allclose(event.fee, liquidation * 0.0005)
    assert_allclose(event.forfeited, liquidation * (0.01 - 0.0005))
    assert_allclose(-event.amount + event.fee + event.forfeited, 10)  # the whole margin
    assert_allclose(record.total_forfeited, event.forfeited)
    assert_allclose(record.final_equity, 100 - 0.05 - 10)
    assert record.equity[-1] == record.final_equity


def test_a_liquidated_cross_account_loses_the_whole_wallet():
    """Cross, wallet 20, 1 BTC long at 100, MMR 1 %: LP = (20 - 100) / (0.01 - 1) = 80.808.
    The loss at LP is 19.192, the maintenance margin left 0.80808 is forfeited: wallet 0."""
    record = run(hourly((100, 100, 75, 78)), wallet_balance=20, mmr=0.01, margin_mode="cross")
    event = record.events[-1]
    assert event.kind == "liquidated"
    assert_allclose(event.price, 80 / 0.99)
    assert_allclose(event.amount, 80 / 0.99 - 100)
    assert_allclose(event.forfeited, 0.01 * 80 / 0.99)
    assert record.final_equity == 0


def test_no_fee_is_charged_beyond_an_empty_isolated_margin():
    candles = hourly((100, 100.5, 99, 99.5), (80, 85, 79, 84))
    record = run(candles, mmr=0.01, taker_fee=0.001)
    assert record.events[-1].fee == 0
    assert_allclose(record.final_equity, 100 - 0.1 - 10)


def test_funding_every_8_hours_on_hourly_candles():
    """2 BTC at 100, rate 0.01 %: each payment is 2 x 100 x 0.0001 = 0.02, longs pay. Opened at
    00:00, the position pays at 08:00 and 16:00 of the first day (not at the opening instant)."""
    flat = hourly(*[(100, 100, 100, 100)] * 24, start="2024-01-01T00:00")
    long = run(flat, quantity=2, funding_rate=0.0001)
    funding = long.events_of("funding")
    assert [e.time for e in funding] == [np.datetime64("2024-01-01T08:00"),
                                         np.datetime64("2024-01-01T16:00")]
    assert_allclose([e.amount for e in funding], [-0.02, -0.02])
    assert_allclose(long.total_funding, -0.04)
    assert_allclose(long.final_equity, 100 - 0.04)
    # In isolated mode funding is settled against the margin: the liquidation price moves up
    # to (20 - 0.04 - 200) / (2 x (0 - 1)) = 90.02.
    assert_allclose(long.liquidation_price[-1], 90.02)
    short = run(flat, side="short", quantity=2, funding_rate=0.0001, margin_mode="cross")
    assert_allclose(short.total_funding, 0.04)
    late = run(hourly(*[(100, 100, 100, 100)] * 24, start="2024-01-01T01:00"), quantity=2,
               funding_rate=-0.0001)
    assert [str(e.time) for e in late.events_of("funding")] == [
        "2024-01-01T08:00:00", "2024-01-01T16:00:00", "2024-01-02T00:00:00"]
    assert_allclose(late.total_funding, 0.06)


def test_funding_on_daily_candles_is_settled_at_the_open():
    days = np.array(["2024-01-01", "2024-01-02"], dtype="datetime64[D]")
    candles = Candles(days, [100, 120], [125, 125], [95, 115], [120, 121])
    record = run(candles, quantity=1, leverage=2, funding_rate=0.0001)
    assert_allclose([e.amount for e in record.events_of("funding")],
                    [-0.01, -0.01, -0.012, -0.012, -0.012])
    assert record.events_of("funding")[2].time == np.datetime64("2024-01-02T00:00")


def test_margin_top_ups_then_liquidation():
    """MMR 1 %, top up 5 when the ratio 0.01 P / (M + P - 100) reaches 0.5, budget 10:
    at P = 45/0.49 = 91.837 (M 10 -> 15), at P = 42.5/0.49 = 86.735 (M 15 -> 20); then the
    budget is spent and the liquidation price is (20 - 100)/(0.01 - 1) = 80.808."""
    record = run(hourly((100, 100, 80, 85)), mmr=0.01, add_margin_at_ratio=0.5,
                 add_margin_amount=5, add_margin_budget=10)
    assert [e.kind for e in record.events] == ["open", "margin_added", "margin_added",
                                               "liquidated"]
    assert_allclose([e.price for e in record.events[1:]], [45 / 0.49, 42.5 / 0.49, 80 / 0.99])
    assert [e.amount for e in record.events_of("margin_added")] == [5, 5]
    # The margin, 10 + two top-ups of 5, is all lost: 0.808 (MM at LP) forfeited, 80 left.
    assert_allclose(record.events[-1].forfeited, 0.01 * 80 / 0.99)
    assert_allclose(record.final_equity, 80)


def test_top_ups_stop_at_the_free_wallet():
    record = run(hourly((100, 100, 80, 85)), wallet_balance=12, mmr=0.01,
                 add_margin_at_ratio=0.5, add_margin_amount=5, add_margin_budget=10)
    assert [e.amount for e in record.events_of("margin_added")] == [2]


def test_reduce_once_in_cross_mode():
    """Cross, wallet 20, MMR 1 %: the ratio 0.01 P / (20 + P - 100) reaches 0.5 at
    P = 40/0.49 = 81.633; half the position closes there (loss 9.184), once."""
    record = run(hourly((100, 100, 80, 90)), wallet_balance=20, mmr=0.01,
                 margin_mode="cross", reduce_at_ratio=0.5, reduce_fraction=0.5)
    reduce_at = 40 / 0.49
    assert [e.kind for e in record.events] == ["open", "reduced"]
    assert_allclose(record.events[-1].price, reduce_at)
    assert record.events[-1].quantity == 0.5
    assert_allclose(record.final_equity, 20 + 0.5 * (reduce_at - 100) + 0.5 * (90 - 100))
    wallet = 20 + 0.5 * (reduce_at - 100)
    assert_allclose(record.liquidation_price[-1],
                    liquidation_price(Position("long", 100, 0.5), wallet, mmr=0.01))


def test_record_arrays_per_candle():
    record = run(hourly((100, 102, 99, 101), (101, 103, 100, 102), (102, 102, 85, 86)),
                 mmr=0.01)
    assert_allclose(record.equity[:2], [101, 102])
    assert_allclose(record.margin_ratio[:2], [1.01 / 11, 1.02 / 12])
    assert_allclose(record.liquidation_price[:2], 90 / 0.99)
    assert np.isnan(record.margin_ratio[2]) and np.isnan(record.liquidation_price[2])
    assert record.initial_equity == 100


def test_real_crash_isolated_versus_cross():
    """Black Thursday, 0.1 BTC long at 5x with 1,000 USDT: isolated loses its ~178 margin on
    12 March; cross survives the 3,782 low but its equity falls far lower."""
    candles = load_btc_crash("covid_2020")
    common = {"side": "long", "quantity": 0.1, "leverage": 5, "wallet_balance": 1_000,
              "tiers": BINANCE_BTCUSDT,
              "rules": BacktestRules(funding_rate=0.0001, taker_fee=0.0005)}
    isolated = backtest(candles, margin_mode="isolated", **common)
    cross = backtest(candles, margin_mode="cross", **common)
    liquidation = isolated.events_of("liquidated")[0]
    assert liquidation.time.astype("datetime64[D]") == np.datetime64("2020-03-12")
    margin = 0.1 * candles.open[0] / 5
    # The whole margin (with the funding settled against it, and the liquidation's taker fee
    # paid from it) and the opening fee are lost; the rest of the wallet is untouched.
    assert_allclose(1_000 - isolated.final_equity, margin + isolated.events[0].fee)
    assert not cross.events_of("liquidated")
    assert cross.equity.min() < isolated.equity.min() - 250  # about 299 lower


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"add_margin_at_ratio": 1.2, "add_margin_amount": 1},
     r"add_margin_at_ratio must be in \(0, 1\), got 1.2"),
    ({"add_margin_at_ratio": 0.5}, "add_margin_amount must be > 0 when add_margin_at_ratio"),
    ({"reduce_fraction": 1}, r"reduce_fraction must be in \(0, 1\)"),
    ({"taker_fee": 0.02}, r"taker_fee must be in \[0, 0.01\], got 0.02"),
    ({"funding_rate": 0.5}, r"funding_rate must be in \[-0.01, 0.01\]"),
    ({"stop_loss": -3}, "stop_loss must be a finite number > 0"),
    ({"add_margin_budget": -1}, "add_margin_budget must be a finite number >= 0"),
])
def test_bad_rules(kwargs, message):
    with pytest.raises(ValueError, match=message):
        BacktestRules(**kwargs)


def test_bad_backtest_arguments():
    candles = hourly((100, 101, 99, 100))
    with pytest.raises(ValueError, match="stop_loss must be below the entry price 100.00"):
        run(candles, stop_loss=101)
    with pytest.raises(ValueError, match="take_profit must be below the entry price"):
        run(candles, side="short", take_profit=101)
    with pytest.raises(ValueError, match="add_margin_at_ratio must be None in cross mode"):
        run(candles, margin_mode="cross", add_margin_at_ratio=0.5, add_margin_amount=1)
    with pytest.raises(ValueError, match="wallet_balance must cover the initial margin"):
        run(candles, wallet_balance=5)
    with pytest.raises(ValueError, match="margin_mode must be one of 'isolated', 'cross'"):
        run(candles, margin_mode="portfolio")
    with pytest.raises(ValueError, match="candles must be a Candles"):
        backtest([100, 101], side="long", quantity=1, leverage=2, wallet_balance=100, mmr=0)
    with pytest.raises(ValueError, match="mmr is required"):
        backtest(candles, side="long", quantity=1, leverage=2, wallet_balance=100)
    with pytest.raises(ValueError, match=r"leverage must be in \[1, 125\]"):
        backtest(candles, side="long", quantity=0.1, leverage=200, wallet_balance=100,
                 tiers=BINANCE_BTCUSDT)


def random_candles(seed, volatility, gap):
    """48 hourly candles from a 5-minute GBM path, shifted by random gaps between candles."""
    path = gbm_paths(60_000, volatility=volatility, steps=48 * 12, step_days=1 / 288,
                     seed=seed)[0]
    fine = candles_from_path(path, 12, step_days=1 / 288)
    shift = np.exp(np.cumsum(np.random.default_rng(seed).normal(0, gap, len(fine))))
    return Candles(fine.time, fine.open * shift, fine.high * shift, fine.low * shift,
                   fine.close * shift)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), volatility=st.floats(0.2, 3.0),
       gap=st.sampled_from([0.0, 0.002, 0.03]), side=st.sampled_from(["long", "short"]),
       leverage=st.floats(1, 100), stop=st.one_of(st.none(), st.floats(0.002, 0.2)),
       funding=st.floats(-0.001, 0.001), fee=st.floats(0, 0.001), top_up=st.booleans())
def test_isolated_loss_never_exceeds_margin_added_margin_and_fees(
        seed, volatility, gap, side, leverage, stop, funding, fee, top_up):
    candles = random_candles(seed, volatility, gap)
    entry, sign = candles.open[0], 1 if side == "long" else -1
    rules = BacktestRules(
        stop_loss=None if stop is None else entry * (1 - sign * stop),
        funding_rate=funding, taker_fee=fee,
        add_margin_at_ratio=0.6 if top_up else None, add_margin_amount=50 if top_up else 0,
        add_margin_budget=120)
    common = {"side": side, "quantity": 0.1, "leverage": leverage, "wallet_balance": 10_000,
              "tiers": BINANCE_BTCUSDT, "rules": rules}
    record = backtest(candles, margin_mode="isolated", **common)
    margin = 0.1 * entry / leverage
    added = sum(e.amount for e in record.events_of("margin_added"))
    assert added <= 120
    loss = record.initial_equity - record.final_equity
    assert loss <= margin + added + record.total_fees + 1e-9 * 10_000
    if record.events_of("liquidated"):
        # Liquidated: the margin (funding was settled against it), the top-ups and the opening
        # fee are lost, exactly (the liquidation's fee came out of the margin).
        assert_allclose(loss, margin + added + record.events[0].fee, rtol=1e-9,
                        atol=1e-9 * 10_000)
    else:
        assert record.total_forfeited == 0
    assert (record.equity >= 0).all()
    closing = [i for i, e in enumerate(record.events)
               if e.kind in ("liquidated", "stop", "take_profit")]
    assert closing in ([], [len(record.events) - 1])  # nothing happens after the close
    assert all(np.diff([e.index for e in record.events]) >= 0)
    # Cross with a wallet of 1.5 margins: it can be liquidated too, and never owes money.
    cross = backtest(candles, margin_mode="cross", **{
        **common, "wallet_balance": 1.5 * margin + 10,
        "rules": BacktestRules(funding_rate=funding, taker_fee=fee)})
    assert (cross.equity >= 0).all()
    if cross.events_of("liquidated"):
        assert cross.final_equity == 0

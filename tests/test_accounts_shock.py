"""Shocks in isolated and cross mode, against hand derivations.

Toy contracts (entry 100, quantity 1, flat maintenance rate 1 %) keep the arithmetic checkable
by hand: a 10x long has margin 10, a 5x short margin 20.
"""

import pytest
from numpy.testing import assert_allclose

from isomargin_lib import (
    CrossAccount,
    IsolatedPosition,
    Position,
    compare_shock,
    cross_twin,
    margin_to_survive,
    shocked_marks,
)


def toy(long_leverage=10, short_leverage=5):
    return {"A": IsolatedPosition(Position("long", 100, 1), long_leverage, mmr=0.01),
            "B": IsolatedPosition(Position("short", 100, 1), short_leverage, mmr=0.01)}


def test_shocked_marks_follow_beta():
    """60,000 * (1 - 1.5 * 10 %) = 51,000; default beta 1: 3,000 * 0.9 = 2,700."""
    positions = {"BTC": Position("long", 60_000, 1), "ETH": Position("short", 3_000, 1)}
    marks = shocked_marks(positions, -10, betas={"BTC": 1.5})
    assert_allclose([marks["BTC"], marks["ETH"]], [51_000, 2_700])


def test_isolated_liquidates_one_cross_absorbs():
    """Both at 85. A: equity 10 - 15 = -5 <= mm 0.85, liquidated, loses its 10. B: +15.
    Isolated wallet 100 - 10 + 15 = 105. Cross: equity 100 - 15 + 15 = 100 > mm 1.7."""
    result = compare_shock(100, toy(), {"A": 85, "B": 85})
    iso, cross = result["isolated"], result["cross"]
    assert iso.liquidated == ("A",) and iso.survivors == ("B",)
    assert_allclose([iso.change["A"], iso.change["B"], iso.wallet_left, iso.loss],
                    [-10, 15, 105, -5])
    assert cross.liquidated == () and cross.forfeited == 0
    assert_allclose([cross.wallet_left, cross.loss], [100, 0])


def test_cross_cascade_takes_the_healthy_position():
    """Wallet 30 (= the two isolated margins). A at 66 (PnL -34), B at 95 (PnL +5).
    Cross: equity 30 - 34 + 5 = 1 <= mm 0.66 + 0.95 = 1.61: liquidated, all 30 lost, B too.
    Isolated: A loses its 10, B keeps +5: 25 left."""
    result = compare_shock(30, toy(), {"A": 66, "B": 95})
    iso, cross = result["isolated"], result["cross"]
    assert cross.liquidated == ("A", "B") and cross.survivors == ()
    assert_allclose([cross.wallet_left, cross.loss, cross.forfeited], [0, 30, 1])
    assert_allclose(cross.wallet_before + sum(cross.change.values()) - cross.forfeited, 0,
                    atol=1e-12)
    assert iso.liquidated == ("A",)
    assert_allclose([iso.wallet_left, iso.loss], [25, 5])


def test_cross_just_survives_above_the_threshold():
    """A at 67: equity 30 - 33 + 5 = 2 > mm 0.67 + 0.95 = 1.62."""
    assert compare_shock(30, toy(), {"A": 67, "B": 95})["cross"].liquidated == ()


def test_cross_twin_has_the_same_liquidation_price_formula():
    account = cross_twin(30, toy())
    assert_allclose(account.equity({"A": 66, "B": 95}), 1)
    assert account.positions["A"] == Position("long", 100, 1)


def test_margin_to_survive_by_hand():
    """+/-20 %. A long: down needs 20 + 0.8 = 20.8. B short: up needs 20 + 1.2 = 21.2.
    Isolated 42. Cross: down 20.8 - (20 - 0.8) = 1.6, up -(20 - 1.2) + 21.2 = 2.4, below the
    initial margins 10 + 10 = 20, so 20."""
    pair = toy(10, 10)
    scenarios = [shocked_marks(pair, -20), shocked_marks(pair, 20)]
    needed = margin_to_survive(pair, scenarios)
    assert_allclose([needed.per_position["A"], needed.per_position["B"]], [20.8, 21.2])
    assert_allclose([needed.isolated, needed.cross], [42, 20])


def test_margin_to_survive_lands_on_the_liquidation_price():
    pair = toy(10, 10)
    needed = margin_to_survive(pair, [shocked_marks(pair, -20)])
    a = pair["A"]
    a.add_margin(needed.per_position["A"] - a.margin)
    assert_allclose(a.liquidation_price(), 80)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: compare_shock(20, toy(), {"A": 90, "B": 90}), "must fit in wallet_balance"),
    (lambda: compare_shock(100, toy(), {"A": 90}), "missing"),
    (lambda: compare_shock(100, {"A": Position("long", 1, 1)}, {"A": 1}), "IsolatedPosition"),
    (lambda: compare_shock(100, toy(), {"A": 90, "B": -1}), "marks"),
    (lambda: shocked_marks(toy(), -60, betas={"A": 2}), "> -100 %"),
    (lambda: margin_to_survive(toy(), []), "scenarios must be"),
])
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_a_reduction_step_lowers_the_margin_ratio_unless_the_fee_rate_is_the_mmr():
    """Wallet 1,000; long 1 BTC at 60,000, MMR 0.5 %; mark 59,300: equity 300, maintenance
    296.5, ratio 98.8 %. At 59,250: equity 250 < 296.25. Closing half at 59,250 without fee:
    wallet 1,000 - 375 = 625, equity 625 - 375 = 250, maintenance 148.125: ratio 59.25 %.
    With a fee rate equal to the MMR (0.5 %) the fee (148.125) eats exactly the maintenance
    freed: equity 101.875, maintenance 148.125, still above 100 %."""
    def account():
        acct = CrossAccount(1_000)
        acct.add("BTC", Position("long", 60_000, 1), mmr=0.005)
        return acct
    marks = {"BTC": 59_250}
    free = account()
    assert free.margin_ratio(marks) > 1
    assert free.reduce("BTC", 0.5, 59_250) == 0
    assert_allclose(free.wallet_balance, 625)
    assert_allclose(free.margin_ratio(marks), 148.125 / 250)
    charged = account()
    assert_allclose(charged.reduce("BTC", 0.5, 59_250, fee_rate=0.005), 148.125)
    assert_allclose(charged.equity(marks), 101.875)
    assert charged.margin_ratio(marks) > 1
    with pytest.raises(ValueError, match=r"fraction must be in \[0, 1\)"):
        free.reduce("BTC", 1, 59_250)

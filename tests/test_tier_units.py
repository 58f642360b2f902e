"""Tier tables know their unit; loaders turn the exchanges' public JSON into validated tables."""

import json

import pytest
from numpy.testing import assert_allclose

from isomargin_lib import (
    BINANCE_BTCUSDT,
    BYBIT_BTCUSDT,
    CrossAccount,
    IsolatedPosition,
    MarginTiers,
    Position,
    Tier,
    isolated_quote,
    liquidation_price,
    maintenance_margin,
    tiers_from_binance,
    tiers_from_bybit,
    tiers_from_okx,
)

BTC_COIN_TIERS = MarginTiers([Tier(0, 5, 125, 0.004, 0), Tier(5, 10, 100, 0.005, 0.005)],
                             name="coin tiers", unit="BTC")
LINEAR = Position("long", 60_000, 0.5)
INVERSE_BTC = Position("long", 60_000, 30_000, "inverse", asset="BTC")
INVERSE_ETH = Position("long", 3_000, 3_000, "inverse", asset="ETH")


def test_units_of_the_bundled_tables():
    assert BINANCE_BTCUSDT.unit == "USDT" and BINANCE_BTCUSDT.basis == "notional"
    assert BYBIT_BTCUSDT.unit == "USDT" and BYBIT_BTCUSDT.maintenance_amounts == "recurrence"
    assert [t.maintenance_amount for t in BYBIT_BTCUSDT] == [0, 510, 1_710]


@pytest.mark.parametrize("position, tiers, match", [
    (INVERSE_BTC, BINANCE_BTCUSDT, r"tiers.unit must be the position's coin .*got 'USDT'"),
    (LINEAR, BTC_COIN_TIERS, r"tiers.unit must be a quote currency .*got 'BTC'"),
    (INVERSE_ETH, BTC_COIN_TIERS, r"tiers.unit must be the position's asset 'ETH', got 'BTC'"),
])
def test_mismatched_units_are_refused_wherever_position_meets_tiers(position, tiers, match):
    calls = [
        lambda: maintenance_margin(position, 50_000, tiers=tiers),
        lambda: liquidation_price(position, 0.1, tiers=tiers),
        lambda: IsolatedPosition(position, 5, tiers=tiers),
        lambda: CrossAccount(1.0).add("x", position, tiers=tiers),
        lambda: isolated_quote(position, 5, exchange="bybit", tiers=tiers),
    ]
    for call in calls:
        with pytest.raises(ValueError, match=match):
            call()


def test_matching_units_are_accepted():
    """A coin table fits an inverse position of that coin, or one whose asset is not stated."""
    assert maintenance_margin(INVERSE_BTC, 60_000, tiers=BTC_COIN_TIERS) == 0.5 * 0.004
    unstated = Position("long", 60_000, 30_000, "inverse")
    assert maintenance_margin(unstated, 60_000, tiers=BTC_COIN_TIERS) == 0.5 * 0.004


def test_bad_table_options_are_refused():
    rows = [Tier(0, 10, 100, 0.01, 0), Tier(10, 20, 50, 0.02, 0.1)]
    with pytest.raises(ValueError, match=r"unit must be an upper-case"):
        MarginTiers(rows, unit="usdt")
    with pytest.raises(ValueError, match=r"basis must be one of 'notional', 'quantity'"):
        MarginTiers(rows, basis="size")
    with pytest.raises(ValueError, match=r"maintenance_amounts must be one of"):
        MarginTiers(rows, maintenance_amounts="zero")
    with pytest.raises(ValueError, match=r"tiers\[1\].maintenance_amount must be 0"):
        MarginTiers(rows, maintenance_amounts="none")
    jumping = MarginTiers([Tier(0, 10, 100, 0.01, 0), Tier(10, 20, 50, 0.02, 0)],
                          maintenance_amounts="none")  # OKX-style: no deduction, MM jumps
    assert jumping[1].maintenance_amount == 0
    with pytest.raises(ValueError, match=r"maintenance_amount must be 0.1"):
        MarginTiers([Tier(0, 10, 100, 0.01, 0), Tier(10, 20, 50, 0.02, 0)])


# Shape of GET /fapi/v1/leverageBracket?symbol=BTCUSDT (first brackets of the bundled table).
BINANCE_JSON = json.dumps([{"symbol": "BTCUSDT", "notionalCoef": 1.0, "brackets": [
    {"bracket": 1, "initialLeverage": 125, "notionalCap": 50000, "notionalFloor": 0,
     "maintMarginRatio": 0.004, "cum": 0.0},
    {"bracket": 2, "initialLeverage": 100, "notionalCap": 600000, "notionalFloor": 50000,
     "maintMarginRatio": 0.005, "cum": 50.0},
    {"bracket": 3, "initialLeverage": 75, "notionalCap": 3000000, "notionalFloor": 600000,
     "maintMarginRatio": 0.0065, "cum": 950.0},
]}])


def test_binance_loader_matches_the_bundled_brackets():
    tiers = tiers_from_binance(BINANCE_JSON)
    assert tiers.unit == "USDT" and len(tiers) == 3 and "BTCUSDT" in tiers.name
    for loaded, bundled in zip(tiers, BINANCE_BTCUSDT):
        assert loaded == bundled
    coin = tiers_from_binance({"pair": "BTCUSD", "brackets": [
        {"bracket": 1, "initialLeverage": 125, "qtyCap": 5, "qtyFloor": 0,
         "maintMarginRatio": 0.004, "cum": 0.0}]})
    assert coin.unit == "BTC"


def test_binance_loader_refuses_bad_json():
    with pytest.raises(ValueError, match=r"payload must be JSON"):
        tiers_from_binance("[{")
    broken = json.loads(BINANCE_JSON)
    broken[0]["brackets"][2]["cum"] = 900.0
    with pytest.raises(ValueError, match=r"tiers\[2\].maintenance_amount must be 950"):
        tiers_from_binance(broken)
    del broken[0]["brackets"][1]["maintMarginRatio"]
    with pytest.raises(ValueError, match=r"must have a 'maintMarginRatio' field"):
        tiers_from_binance(broken)


# Shape of GET /v5/market/risk-limit?category=linear&symbol=BTCUSDT (first three tiers).
BYBIT_JSON = """{"retCode": 0, "retMsg": "OK", "result": {"category": "linear", "list": [
 {"id": 1, "symbol": "BTCUSDT", "riskLimitValue": "300000", "maintenanceMargin": "0.0033",
  "initialMargin": "0.0066", "isLowestRisk": 1, "maxLeverage": "150.00", "mmDeduction": ""},
 {"id": 2, "symbol": "BTCUSDT", "riskLimitValue": "2000000", "maintenanceMargin": "0.005",
  "initialMargin": "0.01", "isLowestRisk": 0, "maxLeverage": "100.00", "mmDeduction": "510"},
 {"id": 3, "symbol": "BTCUSDT", "riskLimitValue": "2600000", "maintenanceMargin": "0.0056",
  "initialMargin": "0.0111", "isLowestRisk": 0, "maxLeverage": "90.00", "mmDeduction": "1710"}
 ], "nextPageCursor": ""}, "retExtInfo": {}, "time": 1790000000000}"""


def test_bybit_loader_reproduces_the_bundled_table_and_fills_missing_deductions():
    tiers = tiers_from_bybit(BYBIT_JSON)
    assert tiers.unit == "USDT" and list(tiers) == list(BYBIT_BTCUSDT)
    blank = json.loads(BYBIT_JSON)
    for row in blank["result"]["list"]:
        row["mmDeduction"] = ""
    assert_allclose([t.maintenance_amount for t in tiers_from_bybit(blank)], [0, 510, 1_710])
    inverse = tiers_from_bybit({"category": "inverse", "list": [
        {"symbol": "BTCUSD", "riskLimitValue": "150", "maintenanceMargin": "0.005",
         "maxLeverage": "100.00", "mmDeduction": ""}]})
    assert inverse.unit == "BTC"


def test_bybit_loader_refuses_errors_and_mixed_symbols():
    with pytest.raises(ValueError, match=r"retCode 10001"):
        tiers_from_bybit({"retCode": 10001, "retMsg": "params error"})
    mixed = json.loads(BYBIT_JSON)
    mixed["result"]["list"][1]["symbol"] = "ETHUSDT"
    with pytest.raises(ValueError, match=r"one symbol's tiers"):
        tiers_from_bybit(mixed)
    wrong = json.loads(BYBIT_JSON)
    wrong["result"]["list"][2]["mmDeduction"] = "1200"
    with pytest.raises(ValueError, match=r"maintenance_amount must be 1,710"):
        tiers_from_bybit(wrong)


# Shape of GET /api/v5/public/position-tiers?instType=SWAP&tdMode=isolated&instFamily=BTC-USDT.
# The rows are a sample of that shape (sizes in contracts of 0.01 BTC), not OKX's current table.
OKX_JSON = {"code": "0", "msg": "", "data": [
    {"instFamily": "BTC-USDT", "uly": "BTC-USDT", "tier": "1", "minSz": "0", "maxSz": "1000",
     "mmr": "0.005", "imr": "0.01", "maxLever": "100"},
    {"instFamily": "BTC-USDT", "uly": "BTC-USDT", "tier": "2", "minSz": "1001",
     "maxSz": "5000", "mmr": "0.01", "imr": "0.02", "maxLever": "50"},
]}


def test_okx_loader_gives_a_size_table_without_deductions():
    tiers = tiers_from_okx(OKX_JSON, contract_value=0.01, unit="BTC")
    assert (tiers.basis, tiers.maintenance_amounts, tiers.unit) == ("quantity", "none", "BTC")
    assert_allclose([t.cap for t in tiers], [10, 50])
    # 20 BTC at 50,000: tier 2 by size (1 %), whatever the price; OKX's formula on top.
    position = Position("long", 50_000, 20)
    q = isolated_quote(position, 20, exchange="okx", tiers=tiers)
    assert_allclose(q.maintenance_margin, 1_000_000 * 0.01)
    assert_allclose(q.liquidation_price, (50_000 - 50_000 / 20) / (1 - 0.01 - 0.0005))
    with pytest.raises(ValueError, match=r"leverage must be in \[1, 50\]"):
        isolated_quote(position, 75, exchange="okx", tiers=tiers)
    with pytest.raises(ValueError, match=r"base asset for a quantity table"):
        isolated_quote(position, 20, exchange="okx",
                       tiers=tiers_from_okx(OKX_JSON, contract_value=0.01, unit="USDT"))
    with pytest.raises(ValueError, match=r"code 51000"):
        tiers_from_okx({"code": "51000", "msg": "bad"}, contract_value=0.01, unit="BTC")

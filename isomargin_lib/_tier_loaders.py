"""Turn an exchange's public tier JSON, as a learner copies it from the API, into a validated
``MarginTiers``: Binance ``leverageBracket``, Bybit ``risk-limit``, OKX ``position-tiers``."""

from __future__ import annotations

import json

from . import _checks
from ._tiers import QUOTE_UNITS, MarginTiers, Tier, next_maintenance_amount


def _parsed(payload):
    """``payload`` as Python data: a JSON string/bytes is decoded, anything else kept."""
    if isinstance(payload, (str, bytes, bytearray)):
        try:
            return json.loads(payload)
        except json.JSONDecodeError as error:
            raise ValueError(f"payload must be JSON as the API returns it: {error}") from None
    return payload


def _number(row: dict, key: str, where: str) -> float:
    if key not in row:
        raise ValueError(f"{where} must have a {key!r} field, got keys {sorted(row)}")
    try:
        return float(row[key])
    except (TypeError, ValueError):
        raise ValueError(f"{where}[{key!r}] must be a number, got {row[key]!r}") from None


def _rows(data, key: str, where: str) -> list:
    if not isinstance(data, list) or not data or not all(isinstance(r, dict) for r in data):
        raise ValueError(f"{where} must be a non-empty list of objects ({key}), got "
                         f"{type(data).__name__}")
    return data


def tiers_from_binance(payload, *, name: str | None = None) -> MarginTiers:
    """Binance brackets from ``GET /fapi/v1/leverageBracket`` (USDⓈ-M) or
    ``GET /dapi/v1/leverageBracket`` (COIN-M), as the API returns them.

    Parameters
    ----------
    payload : str, bytes, list or dict
        The JSON text or its decoded form: a list with one ``{"symbol", "brackets"}`` object, one
        such object, or the ``brackets`` list itself. Each bracket has ``initialLeverage``,
        ``notionalFloor``/``notionalCap`` (USDⓈ-M; COIN-M: ``qtyFloor``/``qtyCap`` in coin),
        ``maintMarginRatio`` and ``cum``.
    name : str, optional
        A label; default "Binance <symbol> (API)".

    Returns
    -------
    MarginTiers
        Unit "USDT"/"USDC" for USDⓈ-M symbols, the coin for COIN-M (``BTCUSD_PERP`` -> "BTC").

    Raises
    ------
    ValueError
        When the JSON is malformed, a field is missing, or the table fails validation (e.g. a
        ``cum`` that breaks Binance's recurrence).

    Notes
    -----
    Binance, Derivatives API "Notional and Leverage Brackets (USER_DATA)". The endpoint needs
    an API key; the same numbers are on the futures page's "Leverage & Margin" table.
    """
    data = _parsed(payload)
    symbol = ""
    if isinstance(data, list) and data and isinstance(data[0], dict) and "brackets" in data[0]:
        if len(data) != 1:
            raise ValueError(f"payload must hold one symbol's brackets, got {len(data)} symbols "
                             "(pass symbol= in the request)")
        data = data[0]
    if isinstance(data, dict):
        symbol = str(data.get("symbol", data.get("pair", "")))
        data = data.get("brackets")
    rows = sorted(_rows(data, "brackets", "brackets"),
                  key=lambda r: float(r.get("notionalFloor", r.get("qtyFloor", 0))))
    coin_m = "qtyCap" in rows[0]
    floor_key, cap_key = ("qtyFloor", "qtyCap") if coin_m else ("notionalFloor", "notionalCap")
    tiers = [Tier(_number(r, floor_key, f"brackets[{i}]"), _number(r, cap_key, f"brackets[{i}]"),
                  _number(r, "initialLeverage", f"brackets[{i}]"),
                  _number(r, "maintMarginRatio", f"brackets[{i}]"),
                  _number(r, "cum", f"brackets[{i}]")) for i, r in enumerate(rows)]
    if coin_m:
        unit = symbol.split("USD")[0] if "USD" in symbol else "COIN"
    else:
        unit = next((q for q in QUOTE_UNITS if symbol.endswith(q)), "USDT")
    return MarginTiers(tiers, name=name or f"Binance {symbol or 'brackets'} (API)", unit=unit)


def tiers_from_bybit(payload, *, name: str | None = None) -> MarginTiers:
    """Bybit risk-limit tiers from ``GET /v5/market/risk-limit?category=...&symbol=...``.

    Parameters
    ----------
    payload : str, bytes, dict or list
        The JSON text or its decoded form: the whole response (``{"retCode", "result":
        {"category", "list"}}``), its ``result``, or the ``list``. Each row has
        ``riskLimitValue`` (the tier's cap: position value, USDT for linear, coin for inverse),
        ``maintenanceMargin`` (a fraction), ``maxLeverage`` and ``mmDeduction`` (may be "").
    name : str, optional
        A label; default "Bybit <symbol> risk limits (API)".

    Returns
    -------
    MarginTiers
        Each tier from the previous cap to its ``riskLimitValue``. A missing or empty
        ``mmDeduction`` is filled by the recurrence; a given one is checked against it.

    Raises
    ------
    ValueError
        When the response reports an error, a field is missing, rows of several symbols are
        mixed, or the table fails validation.

    Notes
    -----
    Bybit API v5, "Get Risk Limit"; Bybit, "Maintenance Margin (USDT Contract)": MM = position
    value x MMR - MM deduction, the deduction following the same recurrence as Binance's
    maintenance amount.
    """
    data = _parsed(payload)
    category = None
    if isinstance(data, dict) and "retCode" in data:
        if data["retCode"] != 0:
            raise ValueError(f"payload is an error response: retCode {data['retCode']}, "
                             f"{data.get('retMsg', '')!r}")
        data = data.get("result")
    if isinstance(data, dict):
        category = data.get("category")
        data = data.get("list")
    rows = _rows(data, "list", "result.list")
    symbols = {r.get("symbol") for r in rows} - {None}
    if len(symbols) > 1:
        raise ValueError(f"payload must hold one symbol's tiers, got {sorted(symbols)} (pass "
                         "symbol= in the request)")
    symbol = symbols.pop() if symbols else ""
    rows = sorted(rows, key=lambda r: _number(r, "riskLimitValue", "row"))
    tiers, floor = [], 0.0
    for i, row in enumerate(rows):
        where = f"list[{i}]"
        cap = _number(row, "riskLimitValue", where)
        mmr = _number(row, "maintenanceMargin", where)
        leverage = _number(row, "maxLeverage", where)
        given = row.get("mmDeduction", "")
        if given in ("", None):
            deduction = 0.0 if not tiers else next_maintenance_amount(floor, mmr, tiers[-1])
        else:
            deduction = _number(row, "mmDeduction", where)
        tiers.append(Tier(floor, cap, leverage, mmr, deduction))
        floor = cap
    inverse = category == "inverse" or (symbol.endswith("USD") and not symbol.endswith("USDT"))
    if inverse:
        unit = symbol[:-3] or "COIN"
    else:
        unit = "USDC" if symbol.endswith(("USDC", "PERP")) else "USDT"
    return MarginTiers(tiers, name=name or f"Bybit {symbol or ''} risk limits (API)".replace(
        "  ", " "), unit=unit)


def tiers_from_okx(payload, *, contract_value, unit: str, name: str | None = None) -> MarginTiers:
    """OKX position tiers from ``GET /api/v5/public/position-tiers`` (``instType=SWAP``,
    ``tdMode=isolated``), sizes converted from contracts.

    Parameters
    ----------
    payload : str, bytes, dict or list
        The JSON text or its decoded form: the response ``{"code", "data"}`` or its ``data``
        list. Each row has ``tier``, ``minSz``/``maxSz`` (contracts), ``mmr``, ``maxLever``.
    contract_value : float
        Size of one contract (the instrument's ``ctVal``): 0.01 (BTC) for BTC-USDT-SWAP, 100
        (USD) for BTC-USD-SWAP.
    unit : str
        What ``contract_value`` counts: the base asset ("BTC") for a linear swap, "USD" for an
        inverse swap.
    name : str, optional
        A label; default "OKX <instFamily> position tiers (API)".

    Returns
    -------
    MarginTiers
        ``basis="quantity"`` (OKX picks the tier by position size), ``maintenance_amounts=
        "none"`` (OKX has no deduction); tier n from tier n-1's ``maxSz`` to its own ``maxSz``.

    Raises
    ------
    ValueError
        On an error response, a missing field, or a table that fails validation.

    Notes
    -----
    OKX API v5, "Get position tiers"; OKX, "Isolated margin mode" (Help Center): the
    maintenance margin ratio is the position tier's ``mmr``.
    """
    data = _parsed(payload)
    contract_value = _checks.positive("contract_value", contract_value)
    if isinstance(data, dict):
        if str(data.get("code", "0")) != "0":
            raise ValueError(f"payload is an error response: code {data['code']}, "
                             f"{data.get('msg', '')!r}")
        data = data.get("data")
    rows = sorted(_rows(data, "data", "data"), key=lambda r: _number(r, "tier", "row"))
    family = rows[0].get("instFamily") or rows[0].get("uly") or ""
    tiers, floor = [], 0.0
    for i, row in enumerate(rows):
        where = f"data[{i}]"
        cap = _number(row, "maxSz", where) * contract_value
        tiers.append(Tier(floor, cap, _number(row, "maxLever", where), _number(row, "mmr", where),
                          0.0))
        floor = cap
    return MarginTiers(tiers, name=name or f"OKX {family} position tiers (API)", unit=unit,
                       basis="quantity", maintenance_amounts="none")

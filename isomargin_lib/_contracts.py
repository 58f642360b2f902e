"""Positions in perpetual futures: side, entry price, quantity, and linear or inverse PnL."""

from __future__ import annotations

from dataclasses import dataclass

from . import _checks

SIDES = ("long", "short")
CONTRACTS = ("linear", "inverse")


@dataclass(frozen=True)
class Position:
    """An open position in a perpetual futures contract.

    Parameters
    ----------
    side : {"long", "short"}
        Long profits when the price rises, short when it falls.
    entry_price : float
        Average entry price, in quote currency per base asset (e.g. USDT per BTC).
    quantity : float
        Size of the position, > 0. Linear (USDT-margined) contracts: base asset (BTC).
        Inverse (coin-margined) contracts: USD face value (e.g. 100 contracts of 100 USD = 10,000).
    contract : {"linear", "inverse"}
        Linear: margin and PnL in the quote currency (USDT). Inverse: margin and PnL in the coin.
    asset : str, optional
        The base asset, e.g. "BTC". An inverse contract is margined in it (COIN-M cross margin
        is per coin), so a cross account refuses inverse positions of different assets, and a
        coin-denominated tier table must be of the same coin. None: not stated.

    Notes
    -----
    PnL formulas as published by Binance ("Leverage and Margin of USDⓈ-M Futures", "How to
    Calculate Profit and Loss for Futures Contracts") and Bybit ("Inverse Contract: Profit and Loss
    Calculation"): linear ``s*q*(price - entry)``; inverse ``s*q*(1/entry - 1/price)``, where
    ``s = +1`` for a long and ``-1`` for a short.
    """

    side: str
    entry_price: float
    quantity: float
    contract: str = "linear"
    asset: str | None = None

    def __post_init__(self):
        _checks.choice("side", self.side, SIDES)
        _checks.choice("contract", self.contract, CONTRACTS)
        if self.asset is not None and not (isinstance(self.asset, str) and self.asset.strip()):
            raise ValueError(f"asset must be a non-empty string such as 'BTC', or None; got "
                             f"{self.asset!r}")
        object.__setattr__(self, "entry_price", _checks.positive("entry_price", self.entry_price))
        object.__setattr__(self, "quantity", _checks.positive("quantity", self.quantity))

    @property
    def sign(self) -> int:
        """+1 for a long, -1 for a short."""
        return 1 if self.side == "long" else -1

    @property
    def is_inverse(self) -> bool:
        return self.contract == "inverse"

    def notional(self, price=None):
        """Position value at ``price`` (default: entry price).

        Returns quote currency for linear contracts (``quantity * price``) and coin for inverse
        contracts (``quantity / price``). ``price`` may be a numpy array.
        """
        price = self.entry_price if price is None else _checks.positive_prices("price", price)
        return self.quantity / price if self.is_inverse else self.quantity * price

    def pnl(self, price):
        """Unrealised profit and loss at ``price``.

        Linear: ``s*q*(price - entry)`` in quote currency. Inverse: ``s*q*(1/entry - 1/price)``
        in coin. ``price`` may be a numpy array.
        """
        price = _checks.positive_prices("price", price)
        if self.is_inverse:
            return self.sign * self.quantity * (1 / self.entry_price - 1 / price)
        return self.sign * self.quantity * (price - self.entry_price)

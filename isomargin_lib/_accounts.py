"""Isolated positions (margin of their own) and cross accounts (one wallet behind everything)."""

from __future__ import annotations

from dataclasses import dataclass

from . import _checks, _margin
from ._contracts import Position
from ._tiers import MarginTiers


@dataclass(frozen=True)
class _MaintenanceRule:
    """How a position's maintenance margin is computed: a flat rate or exchange tiers."""

    mmr: float | None = None
    maintenance_amount: float = 0.0
    tiers: MarginTiers | None = None

    def kwargs(self) -> dict:
        return {"mmr": self.mmr, "maintenance_amount": self.maintenance_amount,
                "tiers": self.tiers}


class IsolatedPosition:
    """A position with its own margin, which can be added to and (within limits) removed.

    Parameters
    ----------
    position : Position
    leverage : float
        Sets the initial margin: notional at entry / leverage. Checked against ``tiers``.
    tiers : MarginTiers, optional
        Exchange brackets for maintenance margin and maximum leverage; or give ``mmr``.
    mmr, maintenance_amount : float
        Flat maintenance margin rate in [0, 1) and amount, when no ``tiers``.

    Notes
    -----
    Binance, "What Are Cross Margin and Isolated Margin Mode": in isolated mode the margin
    assigned to a position is the most it can lose; it is liquidated when equity (margin + PnL)
    falls to the maintenance margin. Removing margin is refused when what is left would not cover
    the initial margin at the current mark price (unrealised profit cannot be withdrawn), the
    rule Binance and Bybit apply to "reduce margin".
    """

    def __init__(self, position: Position, leverage, *, tiers: MarginTiers | None = None,
                 mmr=None, maintenance_amount=0.0):
        self.position = position
        self.leverage = _margin.check_leverage(position, leverage, tiers)
        self.rule = _MaintenanceRule(mmr, maintenance_amount, tiers)
        self.margin = _margin.initial_margin(position, self.leverage, tiers=tiers)
        self.maintenance_margin(position.entry_price)  # validates the rule now, not later

    def __repr__(self):
        p = self.position
        return (f"IsolatedPosition({p.side} {p.quantity:g} @ {p.entry_price:,.2f}, "
                f"{self.leverage:g}x, margin {self.margin:,.2f})")

    def pnl(self, price):
        """Unrealised PnL at ``price`` (see ``Position.pnl``)."""
        return self.position.pnl(price)

    def equity(self, price):
        """Isolated margin plus unrealised PnL at ``price``."""
        return self.margin + self.position.pnl(price)

    def maintenance_margin(self, price):
        """Maintenance margin at ``price`` (see ``maintenance_margin``)."""
        return _margin.maintenance_margin(self.position, price, **self.rule.kwargs())

    def margin_ratio(self, price):
        """Maintenance margin / equity at ``price``; liquidation at 1 (see ``margin_ratio``)."""
        return _margin.margin_ratio(self.position, self.margin, price, **self.rule.kwargs())

    def liquidation_price(self):
        """Liquidation price with the current margin (see ``liquidation_price``)."""
        return _margin.liquidation_price(self.position, self.margin, **self.rule.kwargs())

    def bankruptcy_price(self):
        """Price at which the isolated margin is all lost (see ``bankruptcy_price``)."""
        return _margin.bankruptcy_price(self.position, self.margin)

    def return_on_equity(self, price):
        """PnL / initial margin at ``price``, as a fraction."""
        return _margin.return_on_equity(self.position, price, self.leverage)

    def is_liquidated(self, price) -> bool:
        """True when equity is at or below maintenance margin at ``price``."""
        return bool(self.equity(price) <= self.maintenance_margin(price))

    def add_margin(self, amount) -> float:
        """Add ``amount`` (> 0) to the isolated margin; returns the new margin."""
        self.margin += _checks.positive("amount", amount)
        return self.margin

    def max_removable_margin(self, price) -> float:
        """Most margin that can be removed at mark ``price``.

        What stays must cover the initial margin at the mark (notional / leverage) after any
        unrealised loss; unrealised profit does not count.
        """
        loss = min(float(self.pnl(price)), 0.0)
        required = self.position.notional(price) / self.leverage
        return max(self.margin + loss - required, 0.0)

    def remove_margin(self, amount, price) -> float:
        """Remove ``amount`` (> 0) at mark ``price``; returns the new margin.

        Raises
        ------
        ValueError
            When ``amount`` exceeds ``max_removable_margin(price)``.
        """
        amount = _checks.positive("amount", amount)
        allowed = self.max_removable_margin(price)
        if amount > allowed:
            raise ValueError(f"amount must be in (0, {allowed:,.2f}] at price {price:,.2f}: the "
                             f"margin left must cover the initial margin at {self.leverage:g}x; "
                             f"got {amount:,.2f}")
        self.margin -= amount
        return self.margin


class CrossAccount:
    """One wallet balance that backs every position in the account (cross margin mode).

    Parameters
    ----------
    wallet_balance : float
        Deposited funds plus realised PnL, > 0: quote currency (linear) or coin (inverse).

    Notes
    -----
    Binance, "What Are Cross Margin and Isolated Margin Mode" and "How to Calculate Liquidation
    Price of USDⓈ-M Contracts": in cross mode the account's equity (wallet + all unrealised PnL)
    supports the sum of all maintenance margins; a position's liquidation price depends on the
    others through TMM1 (their maintenance margin) and UPNL1 (their unrealised PnL). All
    positions of one account share one settlement currency, so linear and inverse positions
    cannot be mixed.
    """

    def __init__(self, wallet_balance):
        self.wallet_balance = _checks.positive("wallet_balance", wallet_balance)
        self.positions: dict[str, Position] = {}
        self._rules: dict[str, _MaintenanceRule] = {}

    def __repr__(self):
        names = ", ".join(self.positions) or "no positions"
        return f"CrossAccount(wallet {self.wallet_balance:,.2f}; {names})"

    def add(self, name: str, position: Position, *, tiers: MarginTiers | None = None,
            mmr=None, maintenance_amount=0.0) -> None:
        """Add ``position`` under ``name``, with its maintenance rule (``tiers`` or ``mmr``)."""
        if not isinstance(name, str) or not name:
            raise ValueError(f"name must be a non-empty string, got {name!r}")
        if name in self.positions:
            raise ValueError(f"name must be new to this account; {name!r} is already in it")
        contracts = {p.contract for p in self.positions.values()}
        if contracts and position.contract not in contracts:
            raise ValueError(f"position.contract must be {contracts.pop()!r} like the account's "
                             f"other positions, got {position.contract!r}")
        rule = _MaintenanceRule(mmr, maintenance_amount, tiers)
        _margin.maintenance_margin(position, position.entry_price, **rule.kwargs())  # validate
        self.positions[name] = position
        self._rules[name] = rule

    def _marks(self, marks) -> dict:
        if not isinstance(marks, dict):
            raise ValueError(f"marks must be a dict of name -> price, got {type(marks).__name__}")
        missing = set(self.positions) - set(marks)
        if missing:
            raise ValueError("marks must give a price for every position; missing "
                             f"{sorted(missing)}")
        return marks

    def _maintenance_of(self, name: str, price) -> float:
        return float(_margin.maintenance_margin(self.positions[name], price,
                                                **self._rules[name].kwargs()))

    def unrealized_pnl(self, marks, *, exclude: str | None = None) -> float:
        """Sum of unrealised PnL at ``marks`` (dict name -> price), optionally without one."""
        marks = self._marks(marks)
        return float(sum(p.pnl(marks[n]) for n, p in self.positions.items() if n != exclude))

    def maintenance_margin(self, marks, *, exclude: str | None = None) -> float:
        """Sum of maintenance margins at ``marks``, optionally without one position."""
        marks = self._marks(marks)
        return sum(self._maintenance_of(n, marks[n]) for n in self.positions if n != exclude)

    def equity(self, marks) -> float:
        """Wallet balance plus all unrealised PnL ("margin balance")."""
        return self.wallet_balance + self.unrealized_pnl(marks)

    def margin_ratio(self, marks) -> float:
        """Total maintenance margin / equity; the account is liquidated at 1 (``inf`` if equity
        is zero or negative)."""
        equity = self.equity(marks)
        return self.maintenance_margin(marks) / equity if equity > 0 else float("inf")

    def is_liquidated(self, marks) -> bool:
        """True when equity is at or below the total maintenance margin."""
        return self.equity(marks) <= self.maintenance_margin(marks)

    def liquidation_price(self, name: str, marks):
        """Liquidation price of position ``name`` with every other position held at its mark.

        Returns None when no positive price liquidates it (see ``liquidation_price``).
        """
        if name not in self.positions:
            raise ValueError(f"name must be one of {sorted(self.positions)}, got {name!r}")
        return _margin.liquidation_price(
            self.positions[name], self.wallet_balance, **self._rules[name].kwargs(),
            other_maintenance=self.maintenance_margin(marks, exclude=name),
            other_pnl=self.unrealized_pnl(marks, exclude=name))

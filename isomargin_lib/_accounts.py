"""Isolated positions (margin of their own) and cross accounts (one wallet behind everything)."""

from __future__ import annotations

from dataclasses import dataclass

from . import _checks, _hedge, _margin
from ._contracts import Position
from ._tiers import BINANCE_BTCUSDT, MarginTiers


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
    falls to the maintenance margin. Adding margin moves the liquidation price away; the
    leverage setting stays what it was and still governs how much can be removed (see
    ``max_removable_margin``, after Binance's "How to Adjust Margin Balance in Cross/Isolated
    Margin Mode").
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
        effective = self.effective_leverage()
        shown = (f"{self.leverage:g}x" if abs(effective - self.leverage) < 5e-3
                 else f"{self.leverage:g}x setting, {effective:.2f}x effective")
        return (f"IsolatedPosition({p.side} {p.quantity:g} @ {p.entry_price:,.2f}, {shown}, "
                f"margin {self.margin:,.2f})")

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

    def effective_leverage(self) -> float:
        """Notional at entry / isolated margin: below the leverage setting after margin is added.

        The setting (``leverage``) is what the exchange keeps: it still sets the initial margin
        rate in ``max_removable_margin``.
        """
        return self.position.notional() / self.margin

    def max_removable_margin(self, price) -> float:
        """Most isolated margin that can be removed at mark ``price``.

        Binance, "How to Adjust Margin Balance in Cross/Isolated Margin Mode" (USDⓈ-M)::

            max(0, min(WB - MM, WB + size*(mark - entry) - mark*|size|*IMR))

        and its COIN-M form with ``size*contractSize*(1/entry - 1/mark)`` and
        ``|size|*contractSize*IMR/mark``; both are ``min(WB - MM(mark), WB + pnl(mark) -
        notional(mark)/leverage)`` here. ``WB`` is the isolated margin, ``IMR`` = 1 / the leverage
        setting. Unrealised profit counts, but what stays must cover the maintenance margin.

        Parameters
        ----------
        price : float
            Mark price, quote currency per base asset.

        Returns
        -------
        float
            Quote currency (linear) or coin (inverse), >= 0.
        """
        price = _checks.positive("price", price)
        above_maintenance = self.margin - float(self.maintenance_margin(price))
        above_initial = (self.margin + float(self.pnl(price))
                         - self.position.notional(price) / self.leverage)
        return max(0.0, min(above_maintenance, above_initial))

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
                             f"margin left plus the unrealised PnL must cover the initial margin "
                             f"at {self.leverage:g}x, and the margin left the maintenance margin; "
                             f"got {amount:,.2f}")
        self.margin -= amount
        return self.margin


def max_addable_margin(cross_wallet_balance, *, cross_maintenance=0.0, open_order_margin=0.0,
                       available_for_order=None) -> float:
    """Most margin that can be moved from the wallet into an isolated position.

    Parameters
    ----------
    cross_wallet_balance : float
        The futures wallet outside every isolated position (quote currency or coin), >= 0.
    cross_maintenance : float
        Maintenance margin of the account's cross positions, >= 0 (they keep a claim on it).
    open_order_margin : float
        Initial margin of the isolated positions' open orders, >= 0.
    available_for_order : float, optional
        The exchange's "available for order"; default: the wallet less ``open_order_margin``
        (no cross positions, so no cross unrealised PnL or initial margin).

    Returns
    -------
    float
        ``max(0, min(wallet - open orders - cross MM, available for order))``, >= 0.

    Notes
    -----
    Binance, "How to Adjust Margin Balance in Cross/Isolated Margin Mode": max addable amount
    to isolated margin = max(0, min(crossWalletBalance - ∑isolated open order initial margin -
    ∑crossPosition MM, Isolated Available for Order)), USDⓈ-M and COIN-M alike.
    """
    wallet = _checks.non_negative("cross_wallet_balance", cross_wallet_balance)
    maintenance = _checks.non_negative("cross_maintenance", cross_maintenance)
    orders = _checks.non_negative("open_order_margin", open_order_margin)
    available = (wallet - orders if available_for_order is None
                 else _checks.finite("available_for_order", available_for_order))
    return max(0.0, min(wallet - orders - maintenance, available))


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
    cannot be mixed, nor inverse positions of different coins (COIN-M cross margin is per coin:
    Binance, "What Are Cross Margin and Isolated Margin Mode" for COIN-M Futures).

    Hedge mode: positions added with the same ``symbol`` are the long and short legs of one
    contract; one mark price moves both, so they share one liquidation price (Binance, "How to
    Calculate Liquidation Price of USDⓈ-M Contracts", hedge-mode terms; see ``_hedge``).
    """

    def __init__(self, wallet_balance):
        self.wallet_balance = _checks.positive("wallet_balance", wallet_balance)
        self.positions: dict[str, Position] = {}
        self._rules: dict[str, _MaintenanceRule] = {}
        self._symbols: dict[str, str] = {}

    def __repr__(self):
        names = ", ".join(self.positions) or "no positions"
        return f"CrossAccount(wallet {self.wallet_balance:,.2f}; {names})"

    def add(self, name: str, position: Position, *, tiers: MarginTiers | None = None,
            mmr=None, maintenance_amount=0.0, symbol: str | None = None) -> None:
        """Add ``position`` under ``name``, with its maintenance rule (``tiers`` or ``mmr``).

        ``symbol`` (default: ``name``) names the contract: a long and a short added with the
        same symbol are the two legs of Binance's hedge mode and share one mark price.
        """
        if not isinstance(name, str) or not name:
            raise ValueError(f"name must be a non-empty string, got {name!r}")
        if name in self.positions:
            raise ValueError(f"name must be new to this account; {name!r} is already in it")
        if not isinstance(position, Position):
            raise ValueError(f"position must be a Position, got {type(position).__name__}")
        symbol = name if symbol is None else symbol
        if not isinstance(symbol, str) or not symbol:
            raise ValueError(f"symbol must be a non-empty string or None, got {symbol!r}")
        self._check_currency(position)
        _hedge.check_legs(symbol, [*self._legs_of(symbol), position])
        rule = _MaintenanceRule(mmr, maintenance_amount, tiers)
        _margin.maintenance_margin(position, position.entry_price, **rule.kwargs())  # validate
        self.positions[name] = position
        self._rules[name] = rule
        self._symbols[name] = symbol

    def _check_currency(self, position: Position) -> None:
        """Refuse a position settled in another currency than the account's others."""
        contracts = {p.contract for p in self.positions.values()}
        if contracts and position.contract not in contracts:
            raise ValueError(f"position.contract must be {contracts.pop()!r} like the account's "
                             f"other positions, got {position.contract!r}")
        coins = {p.asset for p in self.positions.values() if p.asset is not None}
        if position.is_inverse and position.asset is not None and coins - {position.asset}:
            raise ValueError(f"position.asset must be {coins.pop()!r} like the account's other "
                             f"inverse positions (COIN-M cross margin is per coin: open a "
                             f"separate account for each coin), got {position.asset!r}")

    def _legs_of(self, symbol: str) -> list[Position]:
        return [self.positions[n] for n, s in self._symbols.items() if s == symbol]

    def reduce(self, name: str, fraction, price, *, fee_rate=0.0) -> float:
        """Close ``fraction`` of position ``name`` at ``price``, as one step of a liquidation.

        The closed part's PnL is realised into the wallet and a fee of ``fee_rate`` x the
        notional closed is paid from it; the rest of the position stays open at its entry price.
        Equity falls by the fee only, while the maintenance margin falls with the size: that is
        how a reduction can bring the margin ratio back under 100 %, and why it cannot when the
        fee rate is at least the position's maintenance rate.

        Parameters
        ----------
        name : str
        fraction : float
            Part of the position to close, in (0, 1).
        price : float
            Mark price of the close (quote currency per base asset).
        fee_rate : float
            Fraction of the notional closed charged as fee, in [0, 0.05] (Binance's liquidation
            clearance fee is charged on the amount liquidated; its rate is per contract).

        Returns
        -------
        float
            The fee paid (settlement currency).

        Notes
        -----
        Binance, "Liquidation Protocols" ("Smart Liquidation"): the engine cancels open orders
        and reduces positions until the account is margin-compliant; users with smaller
        positions are almost always closed in full, because their maintenance margin rate is
        below the liquidation fee rate. This method is one such step in simplified form (at the
        mark price, not the engine's order price).
        """
        if name not in self.positions:
            raise ValueError(f"name must be one of {sorted(self.positions)}, got {name!r}")
        fraction = _checks.in_range("fraction", fraction, 0, 1, high_open=True)
        if fraction == 0:
            raise ValueError("fraction must be in (0, 1), got 0")
        fee_rate = _checks.in_range("fee_rate", fee_rate, 0, 0.05)
        p = self.positions[name]
        closed = p.quantity * fraction
        fee = float(Position(p.side, p.entry_price, closed, p.contract, p.asset).notional(price)
                    * fee_rate)
        self.wallet_balance += float(p.pnl(price)) * fraction - fee
        self.positions[name] = Position(p.side, p.entry_price, p.quantity - closed, p.contract,
                                        p.asset)
        return fee

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

        In hedge mode (two legs of one symbol) the price moves both legs: the shared
        liquidation price of the symbol (``_hedge.shared_liquidation_price``). Returns None
        when no positive price liquidates it (see ``liquidation_price``).
        """
        if name not in self.positions:
            raise ValueError(f"name must be one of {sorted(self.positions)}, got {name!r}")
        marks = self._marks(marks)
        symbol = self._symbols[name]
        legs = [n for n, s in self._symbols.items() if s == symbol]
        if len(legs) == 1:
            return _margin.liquidation_price(
                self.positions[name], self.wallet_balance, **self._rules[name].kwargs(),
                other_maintenance=self.maintenance_margin(marks, exclude=name),
                other_pnl=self.unrealized_pnl(marks, exclude=name))
        if len({float(marks[n]) for n in legs}) > 1:
            raise ValueError(f"marks must give the legs {legs} of symbol {symbol!r} one price, "
                             f"got {[marks[n] for n in legs]}")
        others = [n for n in self.positions if n not in legs]
        return _hedge.shared_liquidation_price(
            [(self.positions[n], self._rules[n]) for n in legs], self.wallet_balance,
            mark=float(marks[name]),
            other_maintenance=sum(self._maintenance_of(n, marks[n]) for n in others),
            other_pnl=float(sum(self.positions[n].pnl(marks[n]) for n in others)))


# --- Market shocks: the same positions, isolated or cross ------------------------------------
#
# Liquidation model (both modes), after Binance's "Liquidation Protocols" (USDⓈ-M Futures FAQ):
# a liquidated position is closed at its bankruptcy price and what is left of the margin behind
# it goes to the insurance fund, so the trader loses ALL the margin that backed it: its isolated
# margin in isolated mode, the whole cross wallet in cross mode (Binance liquidates a cross
# account when its margin ratio, total maintenance margin / margin balance, reaches 100 %).
# Simplifications: the shock is judged at the final marks (a gap, or a move that does not turn
# back); partial liquidation (Binance first tries to reduce a position) and fees are ignored;
# when a gap leaves equity below zero, the insurance fund covers the deficit (loss capped at the
# margin). Source of the modes themselves: Binance, "What Are Cross Margin and Isolated Margin
# Mode".


@dataclass(frozen=True)
class ShockOutcome:
    """What one set of mark prices does to an account in one margin mode.

    Attributes
    ----------
    mode : {"isolated", "cross"}
    wallet_before : float
        Funds before the shock (quote currency for linear contracts, coin for inverse).
    marks : dict of str to float
        Mark price of each position after the shock.
    pnl : dict of str to float
        Unrealised PnL of each position at the marks, as if nothing were liquidated.
    liquidated : tuple of str
        Names of the liquidated positions, in the account's order (cross: all or none).
    change : dict of str to float
        What each position did to the account: its PnL when it survives (and in cross mode,
        where the account's liquidation is booked in ``forfeited``); minus its whole isolated
        margin when it is liquidated in isolated mode.
    forfeited : float
        Cross mode only: the equity (wallet + all PnL) lost when the account is liquidated, on
        top of the positions' own PnL; 0 otherwise. Negative when a gap took equity below zero
        and the insurance fund covered the deficit.
    wallet_left : float
        What the trader has after the shock: free balance plus the equity of surviving
        positions at the marks. ``wallet_before + sum(change) - forfeited``.
    """

    mode: str
    wallet_before: float
    marks: dict
    pnl: dict
    liquidated: tuple
    change: dict
    forfeited: float
    wallet_left: float

    @property
    def loss(self) -> float:
        """``wallet_before - wallet_left``: positive is a loss, negative a gain."""
        return self.wallet_before - self.wallet_left

    @property
    def survivors(self) -> tuple:
        """Names of the positions still open after the shock."""
        return tuple(name for name in self.pnl if name not in self.liquidated)


def _check_isolated(positions) -> dict:
    if not isinstance(positions, dict) or not positions:
        raise ValueError("positions must be a non-empty dict of name -> IsolatedPosition, got "
                         f"{positions!r}")
    for name, isolated in positions.items():
        if not isinstance(isolated, IsolatedPosition):
            raise ValueError(f"positions[{name!r}] must be an IsolatedPosition, got "
                             f"{type(isolated).__name__}")
    return positions


def _check_marks(names, marks) -> dict:
    if not isinstance(marks, dict):
        raise ValueError(f"marks must be a dict of name -> price, got {type(marks).__name__}")
    missing = set(names) - set(marks)
    if missing:
        raise ValueError(f"marks must give a price for every position; missing {sorted(missing)}")
    return {name: _checks.positive(f"marks[{name!r}]", marks[name]) for name in names}


def _shock_isolated(wallet_balance: float, positions: dict, marks: dict) -> ShockOutcome:
    pnl = {n: float(p.pnl(marks[n])) for n, p in positions.items()}
    liquidated = tuple(n for n, p in positions.items() if p.is_liquidated(marks[n]))
    change = {n: -positions[n].margin if n in liquidated else pnl[n] for n in positions}
    return ShockOutcome("isolated", wallet_balance, marks, pnl, liquidated, change, 0.0,
                        wallet_balance + sum(change.values()))


def _shock_cross(account: CrossAccount, marks: dict) -> ShockOutcome:
    pnl = {n: float(p.pnl(marks[n])) for n, p in account.positions.items()}
    wallet = account.wallet_balance
    if account.is_liquidated(marks):
        liquidated = tuple(account.positions)
        forfeited = wallet + sum(pnl.values())
        left = 0.0
    else:
        liquidated, forfeited, left = (), 0.0, wallet + sum(pnl.values())
    return ShockOutcome("cross", wallet, marks, pnl, liquidated, dict(pnl), forfeited, left)


def cross_twin(wallet_balance, positions) -> CrossAccount:
    """A cross account holding the same positions, with the same maintenance rules.

    Parameters
    ----------
    wallet_balance : float
        The one wallet behind every position, > 0 (quote currency or coin).
    positions : dict of str to IsolatedPosition
        Their isolated margins are not used: in cross mode the wallet backs everything.
    """
    account = CrossAccount(wallet_balance)
    for name, isolated in _check_isolated(positions).items():
        account.add(name, isolated.position, **isolated.rule.kwargs())
    return account


def shocked_marks(positions, move_percent, *, betas=None) -> dict:
    """Mark prices after a market move: ``entry * (1 + beta * move_percent / 100)``.

    Parameters
    ----------
    positions : dict of str to Position or IsolatedPosition
    move_percent : float
        The market's move in percent (e.g. -20 for a 20 % crash).
    betas : dict of str to float, optional
        How strongly each price follows the market (1 = one for one; default 1 for all). A
        simple one-factor model: each price moves ``beta`` times the market's move.

    Returns
    -------
    dict of str to float
        Quote currency per base asset.

    Raises
    ------
    ValueError
        When a price would not stay above zero.
    """
    move = _checks.finite("move_percent", move_percent)
    if not isinstance(positions, dict) or not positions:
        raise ValueError(f"positions must be a non-empty dict, got {positions!r}")
    betas = {} if betas is None else betas
    marks = {}
    for name, item in positions.items():
        position = item.position if isinstance(item, IsolatedPosition) else item
        if not isinstance(position, Position):
            raise ValueError(f"positions[{name!r}] must be a Position or IsolatedPosition, got "
                             f"{type(item).__name__}")
        beta = _checks.finite(f"betas[{name!r}]", betas.get(name, 1.0))
        factor = 1 + beta * move / 100
        if factor <= 0:
            raise ValueError(f"move_percent * beta must be > -100 % for {name!r}; got "
                             f"{move:g} % * {beta:g}")
        marks[name] = position.entry_price * factor
    return marks


def compare_shock(wallet_balance, positions, marks) -> dict:
    """The same positions and the same shock, in isolated and in cross margin mode.

    Parameters
    ----------
    wallet_balance : float
        All the trader's funds, > 0 (quote currency for linear contracts, coin for inverse).
        Isolated mode takes each position's margin out of it and keeps the rest apart; cross
        mode puts all of it behind every position.
    positions : dict of str to IsolatedPosition
        The portfolio: each carries its position, its isolated margin and its maintenance rule.
        The isolated margins must fit in ``wallet_balance``.
    marks : dict of str to float
        Mark price of each position after the shock (see ``shocked_marks``).

    Returns
    -------
    dict
        ``{"isolated": ShockOutcome, "cross": ShockOutcome}``.

    Notes
    -----
    Isolated: a position is liquidated when its equity (margin + PnL) is at or below its
    maintenance margin, and loses its whole margin. Cross: the account is liquidated when its
    margin ratio (total maintenance margin / (wallet + total PnL)) reaches 100 %; then every
    position is closed and the whole wallet is lost. Both after Binance, "Liquidation
    Protocols" and "What Are Cross Margin and Isolated Margin Mode" (USDⓈ-M Futures FAQ).
    Simplifications: judged at the final marks; no partial liquidation, no fees.
    """
    wallet = _checks.positive("wallet_balance", wallet_balance)
    positions = _check_isolated(positions)
    used = sum(p.margin for p in positions.values())
    if used > wallet * (1 + 1e-12):
        raise ValueError(f"the isolated margins (sum {used:,.2f}) must fit in wallet_balance "
                         f"= {wallet:,.2f}")
    marks = _check_marks(positions, marks)
    return {"isolated": _shock_isolated(wallet, positions, marks),
            "cross": _shock_cross(cross_twin(wallet, positions), marks)}


@dataclass(frozen=True)
class SurvivalMargin:
    """The least margin that opens positions and keeps them out of liquidation in every
    scenario, in each mode (see ``margin_to_survive``).

    Attributes
    ----------
    per_position : dict of str to float
        Isolated mode: the least margin for each position.
    isolated : float
        Sum of ``per_position``: the funds isolated mode ties up.
    cross : float
        The least cross wallet.
    """

    per_position: dict
    isolated: float
    cross: float


def margin_to_survive(positions, scenarios) -> SurvivalMargin:
    """Least margin to open ``positions`` and keep them from liquidation in every scenario.

    Parameters
    ----------
    positions : dict of str to IsolatedPosition
        Each one's leverage sets its initial margin; its current margin is not used.
    scenarios : list of dict of str to float
        Sets of mark prices (e.g. ``shocked_marks`` of -20 % and of +20 %).

    Returns
    -------
    SurvivalMargin
        Isolated, per position: ``max(initial margin, max over scenarios of (maintenance
        margin - PnL))``. Cross, one wallet: ``max(sum of initial margins, max over scenarios of
        (total maintenance margin - total PnL))``. With exactly that margin the worst scenario
        lands on the liquidation price; any more and nothing is liquidated.

    Notes
    -----
    From the liquidation condition equity = maintenance margin (Binance, "How to Calculate
    Liquidation Price of USDⓈ-M Contracts"), solved for the margin (isolated) or the wallet
    (cross). Opening a position needs its initial margin in either mode (Binance, "Leverage and
    Margin of USDⓈ-M Futures"); cross mode saves only the buffer above it, because one
    position's profit pays for another's loss.
    """
    positions = _check_isolated(positions)
    if not isinstance(scenarios, (list, tuple)) or not scenarios:
        raise ValueError(f"scenarios must be a non-empty list of marks dicts, got {scenarios!r}")
    scenarios = [_check_marks(positions, marks) for marks in scenarios]
    initial = {n: p.position.notional() / p.leverage for n, p in positions.items()}
    need = {n: [float(p.maintenance_margin(s[n]) - p.pnl(s[n])) for s in scenarios]
            for n, p in positions.items()}
    per_position = {n: max(initial[n], *need[n]) for n in positions}
    cross_need = max(sum(need[n][k] for n in positions) for k in range(len(scenarios)))
    return SurvivalMargin(per_position, sum(per_position.values()),
                          max(sum(initial.values()), cross_need))


# ---- lesson 09's hedged pair ------------------------------------------------------------------
BTC_ENTRY, BTC_QUANTITY = 60_000.0, 0.1   # the long leg: 6,000 USDT of notional
ETH_ENTRY, ETH_MMR = 3_000.0, 0.005       # the short leg (flat maintenance rate, as lesson 04)


def hedged_pair_positions(hedge_ratio: float, leverage: float) -> dict:
    """Lesson 09's hedged pair: a BTC long of 0.1 BTC at 60,000 USDT and an ETH short at 3,000 USDT
    whose notional is ``hedge_ratio`` times the long's, both at ``leverage``.

    Parameters
    ----------
    hedge_ratio : float
        ETH short notional / BTC long notional, >= 0 (0: no short, the long alone).
    leverage : float
        Both legs; sets each isolated margin (notional / leverage).

    Returns
    -------
    dict of str to IsolatedPosition
        ``"BTC long"`` (maintenance from ``BINANCE_BTCUSDT``) and, when ``hedge_ratio > 0``,
        ``"ETH short"`` (maintenance rate 0.5 %), ready for ``compare_shock`` and
        ``margin_to_survive``.
    """
    if not hedge_ratio >= 0:
        raise ValueError(f"hedge_ratio must be >= 0, got {hedge_ratio!r}")
    pair = {"BTC long": IsolatedPosition(Position("long", BTC_ENTRY, BTC_QUANTITY), leverage,
                                         tiers=BINANCE_BTCUSDT)}
    if hedge_ratio > 0:
        quantity = hedge_ratio * BTC_ENTRY * BTC_QUANTITY / ETH_ENTRY
        pair["ETH short"] = IsolatedPosition(Position("short", ETH_ENTRY, quantity), leverage,
                                             mmr=ETH_MMR)
    return pair

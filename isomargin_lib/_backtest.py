"""Event-driven replay of one position over candles, in isolated or cross margin mode, with
rules: stop-loss, take-profit, automatic margin top-ups, one reduction, funding and taker fees.

How a candle is replayed (the intrabar assumption)
--------------------------------------------------
A candle only tells four prices, not their order. The replay assumes the price moves in straight
lines **open -> the extreme nearer to the open -> the farther extreme -> close** (the low first
when both are equally near). Along each line, triggers fire in the order the price reaches
them; so when a stop and the liquidation price both lie inside one candle, whichever the path
reaches first wins. At the same price, the liquidation comes first (a stop placed exactly at
the liquidation price does not save the position).

A gap (an open away from the previous close) is a jump with no trading inside it: everything it
crossed is handled at the open price, the liquidation first. An isolated position that gaps
through its bankruptcy price still loses only its margin; a cross account loses at most its
wallet.

What a liquidation costs
------------------------
A liquidated position loses **everything behind it**: an isolated position its whole isolated
margin (top-ups and funding included), a cross account its whole wallet. On Binance the
mark price reaching the liquidation price triggers the liquidation; the engine takes the
position over and issues its orders at the **bankruptcy price**, where the trader's equity is
zero, so the trader's position is closed at the bankruptcy price. What those orders fetch above
it (about the maintenance margin left at the trigger) goes to the liquidation clearance fee and
the insurance fund; none of it returns to the trader (Binance, "Liquidation Protocols" and
"What is the Insurance Fund"). The loss is the same as a close at the trigger price that hands
the rest over: the liquidation event records it that way, at the trigger price, with ``amount``
the PnL there, ``fee`` a taker fee and ``forfeited`` the rest of the equity taken by the engine;
their sum is the whole margin, the loss at the bankruptcy price. The rest of an isolated
trader's wallet is untouched.

Prices are taken as the mark price (exchanges liquidate on the mark price; candles here are last
or simulated prices).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from . import _checks
from ._contracts import CONTRACTS, SIDES, Position
from ._fees import taker_fee
from ._funding import funding_payment
from ._margin import check_leverage, liquidation_price, maintenance_margin
from ._paths import CRASH_WINDOWS, Candles, load_btc_crash
from ._tiers import BINANCE_BTCUSDT, MarginTiers

CRASH_MARGIN = 1_000.0
"""USDT: the isolated margin of lesson 08's crash replays (``replay_crash``)."""
CRASH_WALLET = 3_000.0
"""USDT: all the trader's funds in lesson 08's crash replays."""
CRASH_TOP_UP = 250.0
"""USDT moved into the isolated margin per top-up in lesson 08's crash replays."""

MARGIN_MODES = ("isolated", "cross")
EVENT_KINDS = ("open", "funding", "liquidated", "stop", "take_profit", "margin_added", "reduced")
"""Kinds of ``BacktestEvent``; from "liquidated" on, also the priority of triggers that fire at
the same price."""

FUNDING_INTERVAL = np.timedelta64(8, "h")
"""Binance USDⓈ-M perpetuals settle funding every 8 hours, at 00:00, 08:00 and 16:00 UTC."""

_TRIGGER_PRIORITY = {kind: rank for rank, kind in enumerate(EVENT_KINDS)}
_BISECTION_STEPS = 60


@dataclass(frozen=True)
class BacktestRules:
    """What the trader (or the exchange, for fees and funding) does during the replay.

    Parameters
    ----------
    stop_loss : float, optional
        Stop-market price, quote currency per base asset: below the entry for a long, above it
        for a short. Fills at the stop price, or at the open when a gap jumps past it.
    take_profit : float, optional
        Take-profit price, on the winning side of the entry; fills like the stop.
    add_margin_at_ratio : float, optional
        Isolated mode only: when the margin ratio (maintenance margin / position equity) reaches
        this fraction in (0, 1), move ``add_margin_amount`` from the wallet into the isolated
        margin, again and again while the ratio stays there, until ``add_margin_budget`` is
        spent.
    add_margin_amount : float
        Quote currency (coin for inverse contracts) per top-up, > 0 when the rule is on.
    add_margin_budget : float
        Total that top-ups may move, >= 0.
    reduce_at_ratio : float, optional
        When the margin ratio reaches this fraction in (0, 1), close ``reduce_fraction`` of the
        position, once.
    reduce_fraction : float
        Fraction of the quantity closed by the reduction, in (0, 1).
    funding_rate : float
        Funding rate per 8-hour period, a fraction in [-0.01, 0.01] (0.0001 = 0.01 %, Binance's
        usual rate). Positive: longs pay shorts.
    taker_fee : float
        Taker fee rate on notional, a fraction in [0, 0.01] (``BINANCE_USDM_TAKER_RATE`` =
        0.0005 for a regular Binance USDⓈ-M user), charged on opening, every close or
        reduction, and liquidation (see ``taker_fee``).
    """

    stop_loss: float | None = None
    take_profit: float | None = None
    add_margin_at_ratio: float | None = None
    add_margin_amount: float = 0.0
    add_margin_budget: float = 0.0
    reduce_at_ratio: float | None = None
    reduce_fraction: float = 0.5
    funding_rate: float = 0.0
    taker_fee: float = 0.0

    def __post_init__(self):
        for name in ("stop_loss", "take_profit"):
            if getattr(self, name) is not None:
                _checks.positive(name, getattr(self, name))
        for name in ("add_margin_at_ratio", "reduce_at_ratio"):
            if getattr(self, name) is not None:
                _open_fraction(name, getattr(self, name))
        _checks.non_negative("add_margin_budget", self.add_margin_budget)
        amount = _checks.non_negative("add_margin_amount", self.add_margin_amount)
        if self.add_margin_at_ratio is not None and amount == 0:
            raise ValueError("add_margin_amount must be > 0 when add_margin_at_ratio is set, "
                             "got 0")
        _open_fraction("reduce_fraction", self.reduce_fraction)
        _checks.in_range("funding_rate", self.funding_rate, -0.01, 0.01)
        _checks.in_range("taker_fee", self.taker_fee, 0, 0.01)


def _open_fraction(name: str, value) -> float:
    value = _checks.finite(name, value)
    if not 0 < value < 1:
        raise ValueError(f"{name} must be in (0, 1), got {value:g}")
    return value


@dataclass(frozen=True)
class BacktestEvent:
    """Something that happened during a replay.

    Attributes
    ----------
    index : int
        Candle in which it happened.
    time : numpy.datetime64
        The candle's open time; for "funding", the funding time itself.
    kind : str
        One of ``EVENT_KINDS``.
    price : float
        Price at which it happened, quote currency per base asset: the fill price of trades;
        for a liquidation the trigger (liquidation) price, while the engine closes the position
        at the bankruptcy price (module docstring).
    quantity : float
        Quantity traded (opened, reduced or closed); 0 for funding and top-ups.
    amount : float
        Cash in the settlement currency: realised PnL of a close or reduction (for a liquidation,
        the PnL at the trigger price, at most the isolated margin or the cross wallet), the funding
        received (negative when paid), or the margin added.
    fee : float
        Taker fee actually charged, >= 0.
    forfeited : float
        Liquidations only: the equity still left behind the position after ``amount`` and
        ``fee`` (the maintenance margin at the liquidation price, less the fee; 0 after a gap
        through the bankruptcy price), taken by the liquidation engine as clearance fee /
        insurance fund contribution, >= 0. So a liquidation costs ``-amount + fee + forfeited``
        = the whole isolated margin, or the whole cross wallet.
    """

    index: int
    time: np.datetime64
    kind: str
    price: float
    quantity: float = 0.0
    amount: float = 0.0
    fee: float = 0.0
    forfeited: float = 0.0


@dataclass(frozen=True, eq=False)
class BacktestRecord:
    """What ``backtest`` returns: the account after each candle, and the events.

    Attributes
    ----------
    time, close : numpy.ndarray
        The candles' open times and close prices.
    equity : numpy.ndarray
        Account equity at each close: wallet (with isolated margin) plus unrealised PnL,
        settlement currency.
    margin_ratio : numpy.ndarray
        Maintenance margin / position equity at each close (isolated: the position's margin;
        cross: the wallet); 1 means liquidation; NaN once the position is closed.
    liquidation_price : numpy.ndarray
        Liquidation price after each candle; NaN when flat or when no price liquidates.
    events : tuple of BacktestEvent
        In the order they happened.
    initial_equity : float
        The wallet balance before opening.
    """

    time: np.ndarray
    close: np.ndarray
    equity: np.ndarray
    margin_ratio: np.ndarray
    liquidation_price: np.ndarray
    events: tuple
    initial_equity: float

    def events_of(self, kind: str) -> list[BacktestEvent]:
        """The events of one ``kind`` (see ``EVENT_KINDS``)."""
        _checks.choice("kind", kind, EVENT_KINDS)
        return [event for event in self.events if event.kind == kind]

    @property
    def final_equity(self) -> float:
        """Equity at the last close, settlement currency."""
        return float(self.equity[-1])

    @property
    def total_fees(self) -> float:
        """All taker fees charged, settlement currency."""
        return sum(event.fee for event in self.events)

    @property
    def total_forfeited(self) -> float:
        """Equity taken by the liquidation engine (see ``BacktestEvent.forfeited``), settlement
        currency; 0 unless the position was liquidated."""
        return sum(event.forfeited for event in self.events)

    @property
    def total_funding(self) -> float:
        """Net funding received (negative when paid), settlement currency."""
        return sum(event.amount for event in self.events if event.kind == "funding")


@dataclass(frozen=True)
class _Trigger:
    kind: str
    level: float
    fires_below: bool  # fires when price <= level (else when price >= level)

    def first_touch(self, start: float, end: float) -> float | None:
        """First price on the straight move start -> end at which the trigger fires."""
        if self.fires_below:
            return start if start <= self.level else (self.level if end <= self.level else None)
        return start if start >= self.level else (self.level if end >= self.level else None)


class _Replay:
    """The account's state while candles are replayed; one method per kind of event."""

    def __init__(self, candles, position, leverage, mode, wallet_balance, rules, maintenance):
        self.candles, self.position, self.mode, self.rules = candles, position, mode, rules
        self.maintenance = maintenance
        self.is_isolated = mode == "isolated"
        self.initial_equity = wallet_balance
        self.wallet = wallet_balance  # cross: the wallet; isolated: the wallet besides margin
        self.margin = 0.0  # isolated margin
        self.leverage = leverage
        self.budget = rules.add_margin_budget
        self.reduce_armed = rules.reduce_at_ratio is not None
        self.is_open = False
        self.events: list[BacktestEvent] = []
        self.index = 0
        self._triggers: list[_Trigger] | None = None

    # ---- account arithmetic -------------------------------------------------------------
    def base(self) -> float:
        """What backs the position: the isolated margin, or the cross wallet."""
        return self.margin if self.is_isolated else self.wallet

    def position_equity(self, price) -> float:
        return self.base() + float(self.position.pnl(price))

    def maintenance_at(self, price) -> float:
        return float(maintenance_margin(self.position, price, **self.maintenance))

    def ratio(self, price) -> float:
        equity = self.position_equity(price)
        return self.maintenance_at(price) / equity if equity > 0 else math.inf

    def equity(self, price) -> float:
        """Wallet plus isolated margin plus unrealised PnL (the account's total equity)."""
        if not self.is_open:
            return self.wallet
        return self.wallet + self.margin + float(self.position.pnl(price))

    def fee_on(self, price, quantity=None) -> float:
        """Taker fee on ``quantity`` (default: the whole position) traded at ``price``."""
        size = self.position if quantity is None else Position(
            self.position.side, self.position.entry_price, quantity, self.position.contract)
        return float(taker_fee(size, price, rate=self.rules.taker_fee))

    def record(self, kind, price, *, time=None, **values) -> None:
        time = self.candles.time[self.index] if time is None else time
        self.events.append(BacktestEvent(self.index, time, kind, float(price), **values))
        self._triggers = None  # the state changed: recompute the trigger prices

    # ---- trigger prices -------------------------------------------------------------------
    def liquidation_level(self, price) -> float | None:
        """Liquidation price; +inf (long) or 0 (short) when already liquidated at ``price``."""
        if self.position_equity(price) <= self.maintenance_at(price):
            return math.inf if self.position.sign > 0 else 0.0
        base = self.base()
        if base > 0:
            return liquidation_price(self.position, base, **self.maintenance)
        # Funding has taken the balance to zero or below, and unrealised profit still carries
        # the position: the same formula with WB = base, passed as 1 + (base - 1) because
        # WB and UPNL1 enter Binance's formula only through their sum.
        return liquidation_price(self.position, 1.0, other_pnl=base - 1.0, **self.maintenance)

    def ratio_touch(self, threshold: float, start: float, end: float) -> float | None:
        """First price on the straight move start -> end where the margin ratio reaches
        ``threshold``: bisection in log price. The ratio moves monotonically with the price
        (towards 1 at the liquidation price), so it is reached inside the move only if it is
        reached at its end."""
        if self.ratio(start) >= threshold:
            return start
        if self.ratio(end) < threshold:
            return None
        safe, unsafe = math.log(start), math.log(end)
        for _ in range(_BISECTION_STEPS):
            middle = (safe + unsafe) / 2
            if self.ratio(math.exp(middle)) >= threshold:
                unsafe = middle
            else:
                safe = middle
        return math.exp(unsafe)

    def price_triggers(self, price: float) -> list[_Trigger]:
        """Liquidation, stop and take-profit levels (kept until the state changes)."""
        if self._triggers is None:
            long = self.position.sign > 0
            levels = {"liquidated": self.liquidation_level(price),
                      "stop": self.rules.stop_loss, "take_profit": self.rules.take_profit}
            self._triggers = [_Trigger(kind, level, long != (kind == "take_profit"))
                              for kind, level in levels.items() if level is not None]
        return self._triggers

    def touches(self, start: float, end: float) -> list[tuple[float, str]]:
        """(price, kind) of every trigger the move start -> end reaches, at its first touch."""
        found = [(touch, t.kind) for t in self.price_triggers(start)
                 if (touch := t.first_touch(start, end)) is not None]
        rules = self.rules
        if rules.add_margin_at_ratio is not None and self.budget > 0 and self.wallet > 0:
            found.append((self.ratio_touch(rules.add_margin_at_ratio, start, end),
                          "margin_added"))
        if self.reduce_armed:
            found.append((self.ratio_touch(rules.reduce_at_ratio, start, end), "reduced"))
        return [(touch, kind) for touch, kind in found if touch is not None]

    # ---- events ---------------------------------------------------------------------------
    def open(self, price: float) -> None:
        margin = float(self.position.notional()) / self.leverage
        fee = self.fee_on(price)
        if margin + fee > self.wallet:
            raise ValueError(f"wallet_balance must cover the initial margin plus the opening fee "
                             f"({margin + fee:,.8g}), got {self.wallet:,.8g}")
        self.wallet -= fee
        if self.is_isolated:
            self.wallet -= margin
            self.margin = margin
        self.is_open = True
        self.record("open", price, quantity=self.position.quantity, fee=fee)

    def walk(self, start: float, end: float) -> None:
        """Move the price in a straight line from ``start`` to ``end``, firing triggers in the
        order the price reaches them (at one price: ``EVENT_KINDS`` order)."""
        price = start
        while self.is_open:
            touches = self.touches(price, end)
            if not touches:
                return
            price, kind = min(touches, key=lambda tk: (abs(tk[0] - price),
                                                       _TRIGGER_PRIORITY[tk[1]]))
            getattr(self, f"_{kind}")(price)

    def pay_funding(self, price: float, when: np.datetime64) -> None:
        """Funding = notional x rate, paid by longs to shorts when the rate is positive."""
        payment = float(funding_payment(self.position, price, self.rules.funding_rate))
        if self.is_isolated:  # settled against the isolated margin (see ``backtest``)
            self.margin += payment
        else:
            self.wallet += payment
        self.record("funding", price, time=when, amount=payment)

    def _close(self, kind: str, price: float, fraction: float = 1.0) -> None:
        """Close ``fraction`` of the position at ``price``; the trader never loses more than
        what backs it (isolated margin or cross wallet): the exchange's insurance fund covers
        the rest. A liquidation forfeits what is left behind the position (module docstring)."""
        quantity = self.position.quantity * fraction
        released = self.margin * fraction  # isolated margin freed (0 in cross mode)
        backing = released if self.is_isolated else self.wallet
        # What backs the closed part is the most it can lose: the insurance fund takes the rest.
        pnl = max(backing + float(self.position.pnl(price)) * fraction, 0.0) - backing
        self.margin -= released
        forfeited = 0.0
        if kind == "liquidated":
            # The engine takes over: the taker fee and then everything else left behind the
            # position go to the exchange. Isolated: the free wallet is untouched; cross: the
            # wallet backed the position, so it is emptied.
            left = backing + pnl
            fee = min(self.fee_on(price, quantity), max(left, 0.0))
            forfeited = max(left - fee, 0.0)
            if not self.is_isolated:
                self.wallet = 0.0
        else:
            self.wallet += released + pnl
            # Fees may use the whole wallet, but never take it below zero.
            fee = min(self.fee_on(price, quantity), max(self.wallet, 0.0))
            self.wallet -= fee
        if fraction < 1:
            p = self.position
            self.position = Position(p.side, p.entry_price, p.quantity - quantity, p.contract,
                                     p.asset)
        else:
            self.is_open = False
        self.record(kind, price, quantity=quantity, amount=pnl, fee=fee, forfeited=forfeited)

    def _liquidated(self, price: float) -> None:
        self._close("liquidated", price)

    def _stop(self, price: float) -> None:
        self._close("stop", price)

    def _take_profit(self, price: float) -> None:
        self._close("take_profit", price)

    def _reduced(self, price: float) -> None:
        self.reduce_armed = False
        self._close("reduced", price, self.rules.reduce_fraction)

    def _margin_added(self, price: float) -> None:
        amount = min(self.rules.add_margin_amount, self.budget, self.wallet)
        self.budget -= amount
        self.wallet -= amount
        self.margin += amount
        self.record("margin_added", price, amount=amount)


def _funding_times(start: np.datetime64, interval: np.timedelta64, opened: np.datetime64):
    """Funding times (multiples of 8 h since 1970-01-01T00:00Z) in ``[start, start +
    interval)`` and after ``opened``."""
    period = FUNDING_INTERVAL.astype("timedelta64[s]").astype(np.int64)
    first = -(-start.astype("datetime64[s]").astype(np.int64) // period) * period
    end = (start + interval).astype("datetime64[s]").astype(np.int64)
    times = np.arange(first, end, period).astype("datetime64[s]")
    return times[times > opened]


def _intrabar_path(open_, high, low, close) -> tuple[float, float, float, float]:
    """open -> nearer extreme -> farther extreme -> close (low first on a tie)."""
    if high - open_ < open_ - low:
        return open_, high, low, close
    return open_, low, high, close


def backtest(candles, *, side, quantity, leverage, wallet_balance, margin_mode="isolated",
             contract="linear", rules=None, mmr=None, maintenance_amount=0.0,
             tiers=None) -> BacktestRecord:
    """Replay one position, opened at the first candle's open, over ``candles``.

    Parameters
    ----------
    candles : Candles
        E.g. ``load_btc_crash("covid_2020")`` or ``candles_from_path(...)``.
    side : {"long", "short"}
    quantity : float
        Linear: base asset (BTC). Inverse: USD face value. > 0.
    leverage : float
        Isolated: sets the isolated margin, notional at entry / leverage. Cross: sets only the
        initial margin the wallet must cover when opening (the whole wallet backs the position).
    wallet_balance : float
        Funds in the futures wallet before opening (quote currency; coin for inverse), > 0.
    margin_mode : {"isolated", "cross"}
    contract : {"linear", "inverse"}
    rules : BacktestRules, optional
        Stops, top-ups, reduction, funding and fees; default: none of them.
    mmr, maintenance_amount, tiers
        Maintenance rule, as in ``liquidation_price``.

    Returns
    -------
    BacktestRecord

    Notes
    -----
    Intrabar order: open -> nearer extreme -> farther extreme -> close, straight lines; see the
    module docstring (gaps, ties). Sources of the arithmetic:

    * liquidation when equity = maintenance margin, at ``liquidation_price`` (Binance, "How to
      Calculate Liquidation Price of USDⓈ-M Contracts"); the liquidation engine takes the
      position over and closes it with orders at the bankruptcy price, so what was left of the
      margin at the trigger (the maintenance margin, less the taker fee) goes to the clearance
      fee / insurance fund (Binance, "Liquidation Protocols", "What is the Insurance Fund"): a
      liquidation costs the whole isolated margin (top-ups
      included), or the whole cross wallet, and never more (a gap through the bankruptcy price
      costs the same); recorded as the event's ``amount``, ``fee`` and ``forfeited``;
    * funding = position notional x funding rate, every 8 h at 00:00, 08:00 and 16:00 UTC,
      longs pay shorts when the rate is positive (Binance, "Introduction to Binance Futures
      Funding Rates"). Only holders at the funding time pay: none at the opening instant.
      Funding due inside a candle is settled at its open price, before the intrabar path
      (exact for hourly candles, whose opens are the funding times; an approximation for daily
      candles). Modelling choice: in isolated mode funding is settled against the isolated
      margin (so paying funding moves the liquidation price closer); exchanges may take it from
      the available balance first;
    * taker fee = notional x fee rate on opening, closing, reduction and liquidation (Binance,
      "Trading Fees" for USDⓈ-M futures); fees never take the wallet below zero, and a
      liquidation's fee comes out of what is left behind the position.

    A partial reduction releases the same fraction of the isolated margin, so with a flat rate
    it leaves the isolated liquidation price unchanged; in cross mode it moves it away.
    """
    if not isinstance(candles, Candles):
        raise ValueError(f"candles must be a Candles, got {type(candles).__name__}")
    _checks.choice("margin_mode", margin_mode, MARGIN_MODES)
    _checks.choice("contract", contract, CONTRACTS)
    _checks.choice("side", side, SIDES)
    if tiers is not None and not isinstance(tiers, MarginTiers):
        raise ValueError(f"tiers must be a MarginTiers or None, got {type(tiers).__name__}")
    rules = BacktestRules() if rules is None else rules
    if not isinstance(rules, BacktestRules):
        raise ValueError(f"rules must be a BacktestRules or None, got {type(rules).__name__}")
    if margin_mode == "cross" and rules.add_margin_at_ratio is not None:
        raise ValueError("add_margin_at_ratio must be None in cross mode: the whole wallet "
                         "already backs the position")
    entry = float(candles.open[0])
    position = Position(side, entry, quantity, contract)
    _check_exits(rules, position)
    replay = _Replay(candles, position, check_leverage(position, leverage, tiers), margin_mode,
                     _checks.positive("wallet_balance", wallet_balance), rules,
                     {"mmr": mmr, "maintenance_amount": maintenance_amount, "tiers": tiers})
    maintenance_margin(position, entry, **replay.maintenance)  # validate the rule up front
    return _run(replay, candles)


def _check_exits(rules: BacktestRules, position: Position) -> None:
    sign, entry = position.sign, position.entry_price
    if rules.stop_loss is not None and not sign * (entry - rules.stop_loss) > 0:
        where = "below" if sign > 0 else "above"
        raise ValueError(f"stop_loss must be {where} the entry price {entry:,.2f} (first open) "
                         f"for a {position.side}, got {rules.stop_loss:,.2f}")
    if rules.take_profit is not None and not sign * (rules.take_profit - entry) > 0:
        where = "above" if sign > 0 else "below"
        raise ValueError(f"take_profit must be {where} the entry price {entry:,.2f} (first "
                         f"open) for a {position.side}, got {rules.take_profit:,.2f}")


def _run(replay: _Replay, candles: Candles) -> BacktestRecord:
    n = len(candles)
    equity, ratio, liquidation = np.empty(n), np.full(n, np.nan), np.full(n, np.nan)
    opened = candles.time[0].astype("datetime64[s]")
    for i in range(n):
        replay.index = i
        open_, near, far, close = _intrabar_path(candles.open[i], candles.high[i],
                                                 candles.low[i], candles.close[i])
        if i == 0:
            replay.open(open_)
        replay.walk(open_, open_)  # a gap: everything it crossed happens at the open
        if replay.is_open and replay.rules.funding_rate != 0:
            for when in _funding_times(candles.time[i], candles.interval, opened):
                replay.pay_funding(open_, when)
            replay.walk(open_, open_)
        for start, end in ((open_, near), (near, far), (far, close)):
            replay.walk(start, end)
        equity[i] = replay.equity(close)
        if replay.is_open:
            ratio[i] = replay.ratio(close)
            level = replay.liquidation_level(close)
            liquidation[i] = np.nan if level is None else level
    return BacktestRecord(candles.time, candles.close, equity, ratio, liquidation,
                          tuple(replay.events), replay.initial_equity)


@functools.cache
def crash_from(name: str, entry_hour: int = 0) -> Candles:
    """The hourly candles of crash window ``name`` from ``entry_hour`` on (a position opened
    at that candle's open). Cached: do not modify them.

    Parameters
    ----------
    name : str
        One of ``CRASH_WINDOWS``.
    entry_hour : int
        Hours after the window's first candle, 0 .. 238.
    """
    candles = load_btc_crash(name)
    if not (isinstance(entry_hour, (int, np.integer)) and 0 <= entry_hour < len(candles) - 1):
        raise ValueError(f"entry_hour must be an integer in [0, {len(candles) - 2}], got "
                         f"{entry_hour!r}")
    if entry_hour == 0:
        return candles
    part = slice(int(entry_hour), None)
    return Candles(candles.time[part], candles.open[part], candles.high[part],
                   candles.low[part], candles.close[part], interval=candles.interval)


@functools.lru_cache(maxsize=4096)
def replay_crash(name: str, leverage: float, *, entry_hour: int = 0, mode: str = "isolated",
                 margin: float = CRASH_MARGIN, wallet: float = CRASH_WALLET,
                 top_up_at: float | None = None,
                 top_up_amount: float = CRASH_TOP_UP) -> BacktestRecord:
    """A BTC long through crash window ``name``: lesson 08's set-up for ``backtest``.

    Parameters
    ----------
    name : str
        One of ``CRASH_WINDOWS`` (see ``load_btc_crash``).
    leverage : float
        Sets the size: notional at entry = ``margin * leverage`` (quantity = that / entry).
    entry_hour : int
        Hours after the window opens, 0 .. 238; the long opens at that candle's open price.
    mode : {"isolated", "cross"}
        Isolated: ``margin`` backs the position, the rest of ``wallet`` is kept apart. Cross:
        the whole ``wallet`` backs it.
    margin, wallet : float
        USDT, 0 < margin <= wallet.
    top_up_at : float, optional
        Isolated only: margin ratio (a fraction in (0, 1)) at which ``top_up_amount`` is added,
        again and again, until the rest of the wallet (``wallet - margin``) is spent.
    top_up_amount : float
        USDT per top-up.

    Returns
    -------
    BacktestRecord
        Maintenance margin from ``BINANCE_BTCUSDT``; no fees or funding; a liquidation forfeits
        the whole margin (see ``backtest``). Cached: do not modify it.
    """
    _checks.choice("name", name, CRASH_WINDOWS)
    candles = crash_from(name, entry_hour)
    rules = None
    if top_up_at is not None:
        rules = BacktestRules(add_margin_at_ratio=top_up_at, add_margin_amount=top_up_amount,
                              add_margin_budget=wallet - margin)
    quantity = _checks.positive("margin", margin) * leverage / float(candles.open[0])
    return backtest(candles, side="long", quantity=quantity, leverage=leverage,
                    wallet_balance=wallet, margin_mode=mode, rules=rules, tiers=BINANCE_BTCUSDT)


@dataclass(frozen=True)
class ReplayOutcome:
    """What a replay came to (see ``replay_outcome``).

    Attributes
    ----------
    liquidated : bool
    time : numpy.datetime64 or None
        Open time of the candle in which the position was liquidated (UTC, to the minute).
    price : float or None
        Liquidation fill price, quote currency per base asset.
    hours : int or None
        Candles from entry to the liquidating candle (hours for hourly candles).
    margin_added : float
        Moved into the isolated margin by top-ups, settlement currency.
    worst_ratio : float
        Highest margin ratio at a candle close while the position was open (a fraction;
        liquidations inside a candle are not seen at the closes); NaN if none.
    final_equity : float
        Account equity at the last close, settlement currency.
    change : float
        ``final_equity`` minus the wallet before opening, settlement currency.
    """

    liquidated: bool
    time: np.datetime64 | None
    price: float | None
    hours: int | None
    margin_added: float
    worst_ratio: float
    final_equity: float
    change: float


def replay_outcome(record: BacktestRecord) -> ReplayOutcome:
    """Summary of a ``BacktestRecord``: liquidated or not, when, top-ups, equity."""
    if not isinstance(record, BacktestRecord):
        raise ValueError(f"record must be a BacktestRecord, got {type(record).__name__}")
    events = record.events_of("liquidated")
    ratios = record.margin_ratio[np.isfinite(record.margin_ratio)]
    worst = float(ratios.max()) if ratios.size else float("nan")
    added = float(sum(e.amount for e in record.events_of("margin_added")))
    if events:
        event = events[0]
        time, price, hours = event.time.astype("datetime64[m]"), event.price, event.index
    else:
        time = price = hours = None
    return ReplayOutcome(bool(events), time, price, hours, added, worst, record.final_equity,
                         record.final_equity - record.initial_equity)

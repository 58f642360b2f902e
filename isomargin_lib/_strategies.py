"""One rule set replayed over many price paths at once: outcome distributions for strategies.

``backtest`` replays one path event by event in Python (milliseconds per path). A strategy is
judged by the distribution of its outcomes over hundreds of paths, so ``backtest_paths`` runs the
same rules on N paths with numpy: it jumps from one event to the next (a stop, a top-up, a
liquidation) and works out the candles in between in one vectorised step. Its numbers equal
``backtest``'s, path by path (tested), for what it supports: one isolated linear position per
path, a single flat maintenance rate, stop-loss, take-profit, margin top-ups, funding and taker
fees (no reduction, no cross mode, no tier changes: use ``backtest`` for those).

The two rule sets of the seed guide, "Strategy 1: Conservative Risk Management" and "Strategy 2:
Aggressive Profit Maximization", are ``CONSERVATIVE`` and ``AGGRESSIVE``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from . import _checks
from ._backtest import FUNDING_INTERVAL, BacktestRules
from ._contracts import SIDES
from ._fees import BINANCE_USDM_TAKER_RATE
from ._paths import (
    Candles,
    bootstrap_paths,
    gbm_paths,
    load_btc_daily,
    log_returns,
    student_t_paths,
)

BINANCE_BTCUSDT_FIRST_MMR = 0.004
"""Maintenance margin rate of Binance's first BTCUSDT bracket (notional < 50,000 USDT)."""

_KINDS = ("liquidated", "stop", "take_profit", "margin_added")  # priority at one price


@dataclass(frozen=True)
class StrategyRules:
    """A trading rule set, in terms that fit every path (distances from each path's entry).

    Parameters
    ----------
    leverage : float
        Isolated leverage, >= 1: the position's notional is ``margin * leverage``.
    margin : float
        Isolated margin assigned at entry, quote currency (USDT), > 0.
    stop_percent : float, optional
        Stop-loss distance from the entry price, % in (0, 100): below the entry for a long.
    take_profit_percent : float, optional
        Take-profit distance from the entry price, % > 0 (< 100 for a short).
    add_margin_at_ratio, add_margin_amount, add_margin_budget, funding_rate, taker_fee
        As in ``BacktestRules``.
    side : {"long", "short"}
    """

    leverage: float
    margin: float
    stop_percent: float | None = None
    take_profit_percent: float | None = None
    add_margin_at_ratio: float | None = None
    add_margin_amount: float = 0.0
    add_margin_budget: float = 0.0
    funding_rate: float = 0.0
    taker_fee: float = 0.0
    side: str = "long"

    def __post_init__(self):
        _checks.in_range("leverage", self.leverage, 1, 125)
        _checks.positive("margin", self.margin)
        _checks.choice("side", self.side, SIDES)
        if self.stop_percent is not None:
            _checks.in_range("stop_percent", self.stop_percent, 0, 100, high_open=True)
            if self.stop_percent == 0:
                raise ValueError("stop_percent must be in (0, 100), got 0")
        if self.take_profit_percent is not None:
            high = 100 if self.side == "short" else 1e6
            _checks.in_range("take_profit_percent", self.take_profit_percent, 0, high,
                             high_open=True)
            if self.take_profit_percent == 0:
                raise ValueError("take_profit_percent must be > 0, got 0")
        self.backtest_rules(100.0)  # validates the remaining rules

    @property
    def sign(self) -> int:
        return 1 if self.side == "long" else -1

    def quantity(self, entry_price: float) -> float:
        """Position size in base asset for an entry at ``entry_price``:
        ``margin * leverage / entry_price``."""
        return self.margin * self.leverage / _checks.positive("entry_price", entry_price)

    def backtest_rules(self, entry_price: float) -> BacktestRules:
        """The same rules as a ``BacktestRules`` for one path entered at ``entry_price``."""
        s = self.sign
        stop = None if self.stop_percent is None else \
            entry_price * (1 - s * self.stop_percent / 100)
        take = None if self.take_profit_percent is None else \
            entry_price * (1 + s * self.take_profit_percent / 100)
        return BacktestRules(stop_loss=stop, take_profit=take,
                             add_margin_at_ratio=self.add_margin_at_ratio,
                             add_margin_amount=self.add_margin_amount,
                             add_margin_budget=self.add_margin_budget,
                             funding_rate=self.funding_rate, taker_fee=self.taker_fee)


CONSERVATIVE = StrategyRules(leverage=3, margin=1_000, stop_percent=5,
                             add_margin_at_ratio=0.5, add_margin_amount=250,
                             add_margin_budget=1_000, funding_rate=0.0001,
                             taker_fee=BINANCE_USDM_TAKER_RATE)
"""The seed's Strategy 1: a small part of capital (1,000 USDT of a 10,000 USDT account), low
leverage (2x-5x: 3x), a stop-loss (5 % from entry) and margin top-ups "to avoid forced
liquidation" (250 USDT when the margin ratio reaches 50 %, up to 1,000 USDT). Funding 0.01 % per
8 h and Binance's regular taker fee."""

AGGRESSIVE = StrategyRules(leverage=20, margin=1_000, add_margin_at_ratio=0.5,
                           add_margin_amount=250, add_margin_budget=1_000,
                           funding_rate=0.0001, taker_fee=BINANCE_USDM_TAKER_RATE)
"""The seed's Strategy 2: the same 1,000 USDT of margin at high leverage (20x), no stop-loss (the
seed lists none), margin "adjusted" by top-ups (same rule as ``CONSERVATIVE``)."""


@dataclass(frozen=True, eq=False)
class PathOutcomes:
    """What ``backtest_paths`` returns: one entry per path.

    Attributes
    ----------
    final_equity : numpy.ndarray
        Account equity at the last close (wallet + isolated margin + unrealised PnL), USDT.
    equity : numpy.ndarray
        Shape (paths, candles): equity at each close, USDT.
    max_drawdown : numpy.ndarray
        Largest fall of equity from its running peak (the initial equity included), as a
        fraction of that peak, in [0, 1].
    liquidated, stopped, took_profit : numpy.ndarray of bool
        How the position ended (all False: still open at the end).
    margin_added, fees, funding : numpy.ndarray
        Total top-ups, taker fees paid, and funding received (negative when paid), USDT.
    initial_equity : float
        The wallet before opening, USDT.
    forfeited : numpy.ndarray
        Equity left behind the position when it was liquidated (the maintenance margin less the
        taker fee), taken by the liquidation engine, which closes at the bankruptcy price; 0 on
        paths not liquidated, USDT. As
        ``backtest``'s ``BacktestRecord.total_forfeited``.
    """

    final_equity: np.ndarray
    equity: np.ndarray
    max_drawdown: np.ndarray
    liquidated: np.ndarray
    stopped: np.ndarray
    took_profit: np.ndarray
    margin_added: np.ndarray
    fees: np.ndarray
    funding: np.ndarray
    initial_equity: float
    forfeited: np.ndarray
    summary: dict = field(init=False)

    def __post_init__(self):
        equity = self.final_equity
        object.__setattr__(self, "summary", {
            "median_final_equity": float(np.median(equity)),
            "liquidation_probability": float(np.mean(self.liquidated)),
            "worst_5_percent": float(np.quantile(equity, 0.05)),
            "loss_probability": float(np.mean(equity < self.initial_equity)),
            "median_max_drawdown": float(np.median(self.max_drawdown)),
        })

    def __len__(self) -> int:
        return self.final_equity.size


def _stack(candles) -> tuple:
    """(open, high, low, close) arrays of shape (paths, candles) and open times in seconds."""
    candles = list(candles)
    if not candles or not all(isinstance(c, Candles) for c in candles):
        raise ValueError("candles must be a non-empty sequence of Candles")
    n, interval = len(candles[0]), candles[0].interval
    if any(len(c) != n or c.interval != interval for c in candles):
        raise ValueError("candles must all have the same length and interval, got lengths "
                         f"{sorted({len(c) for c in candles})}")
    prices = [np.stack([getattr(c, name) for c in candles]) for name in
              ("open", "high", "low", "close")]
    times = np.stack([c.time.astype("datetime64[s]").astype(np.int64) for c in candles])
    return (*prices, times, int(interval.astype("timedelta64[s]").astype(np.int64)))


def funding_counts(times: np.ndarray, interval_seconds: int) -> np.ndarray:
    """How many 8-hourly funding times fall in each candle ``[t, t + interval)`` after the
    opening instant (the first candle's open), as in ``backtest``. ``times`` in seconds since
    1970, shape (paths, candles)."""
    period = int(FUNDING_INTERVAL.astype("timedelta64[s]").astype(np.int64))
    low = np.maximum(times, times[:, :1] + 1)
    first = -(-low // period)
    last = (times + interval_seconds - 1) // period
    return np.maximum(last - first + 1, 0)


def backtest_paths(candles, rules: StrategyRules, *, wallet_balance,
                   mmr=BINANCE_BTCUSDT_FIRST_MMR, maintenance_amount=0.0) -> PathOutcomes:
    """Run one rule set over many candle paths; the outcome of each path as numpy arrays.

    Parameters
    ----------
    candles : sequence of Candles
        One per path, all of the same length and interval (e.g. ``candles_from_path`` of each
        row of ``gbm_paths``, or windows of ``load_btc_daily()``). Each path opens its position
        at its first open.
    rules : StrategyRules
        E.g. ``CONSERVATIVE`` or ``AGGRESSIVE``.
    wallet_balance : float
        Futures wallet before opening, USDT, > 0; must cover the margin and the opening fee.
    mmr, maintenance_amount : float
        One flat maintenance rule (default: Binance BTCUSDT's first bracket, right while the
        notional stays under 50,000 USDT).

    Returns
    -------
    PathOutcomes

    Notes
    -----
    Same arithmetic and intrabar assumption as ``backtest`` (open -> nearer extreme -> farther
    extreme -> close; at one price liquidation, then stop, take-profit, top-up), whose docstring
    gives the sources. A liquidation costs the whole isolated margin, top-ups included: the
    engine closes the position at the bankruptcy price, so what is left of the margin at the
    liquidation price goes to the clearance fee / insurance fund (Binance,
    "Liquidation Protocols", "What is the Insurance Fund"; ``PathOutcomes.forfeited``), and a
    gap through the bankruptcy price costs no more than the margin. Other sources: Binance's
    liquidation formula ``LP = (WB + cum - s*Q*EP) / (Q*MMR - s*Q)`` ("How to Calculate
    Liquidation Price of USDⓈ-M Contracts"), funding = notional x rate every 8 h settled against
    the isolated margin ("Introduction to Binance Futures Funding Rates"), taker fee = notional
    x rate ("Trading Fees"). With a flat rate the margin ratio
    ``MM / equity`` reaches a threshold ``r`` at the price
    ``(r*(M - s*Q*EP) + cum) / (Q*(MMR - r*s))`` (``M`` the isolated margin), so each trigger is
    a price level: between two events the state changes only by funding, which is summed with a
    cumulative sum, and the first candle that reaches any level is found for all paths at once.
    """
    wallet_balance, mmr, cum = _check_run(rules, wallet_balance, mmr, maintenance_amount)
    o, h, lo, c, times, interval = _stack(candles)
    return _Simulation(o, h, lo, c, funding_counts(times, interval), rules, wallet_balance,
                       mmr, cum).run()


def _check_run(rules, wallet_balance, mmr, maintenance_amount) -> tuple[float, float, float]:
    if not isinstance(rules, StrategyRules):
        raise ValueError(f"rules must be a StrategyRules, got {type(rules).__name__}")
    wallet_balance = _checks.positive("wallet_balance", wallet_balance)
    mmr = _checks.in_range("mmr", mmr, 0, 1, high_open=True)
    cum = _checks.non_negative("maintenance_amount", maintenance_amount)
    if rules.add_margin_at_ratio is not None and not rules.add_margin_at_ratio > mmr:
        raise ValueError(f"rules.add_margin_at_ratio must be > mmr = {mmr:g} (the margin ratio "
                         f"never falls below it), got {rules.add_margin_at_ratio:g}")
    return wallet_balance, mmr, cum


# ---- lesson 10's path sets: the strategies over hundreds of months -----------------------------

STRATEGY_MODELS = ("GBM", "fat tails", "bootstrap", "BTC 2018-2025")
"""Path models of ``strategy_paths``: geometric Brownian motion, Student-t returns (3 degrees
of freedom), daily BTC returns resampled in 5-day blocks, and the real daily BTC history (a new
entry every 7 days)."""
STRATEGY_WALLET = 10_000.0   # USDT: the account behind each path (the seed's 10,000 USDT)
STRATEGY_START_PRICE = 60_000.0
STRATEGY_HORIZON_DAYS = 30
STRATEGY_PATHS = 500
STRATEGY_SEED = 2024
ENTRY_EVERY_DAYS = 7


@functools.cache
def strategy_paths(model: str, volatility_percent: int = 60,
                   horizon_days: int = STRATEGY_HORIZON_DAYS, paths: int = STRATEGY_PATHS,
                   seed: int = STRATEGY_SEED) -> tuple:
    """Candles of one path set, stacked for the simulation (cached: built once per set).

    Parameters
    ----------
    model : str
        One of ``STRATEGY_MODELS``.
    volatility_percent : int
        Annual volatility, %, used by "GBM" and "fat tails" only.
    horizon_days, paths, seed : int
        Days per path, number of simulated paths, random seed.

    Returns
    -------
    tuple
        ``(open, high, low, close, funding_counts)``, arrays of shape (paths, days). Simulated
        paths are hourly, grouped into daily candles (so the candles keep the intraday highs
        and lows); "bootstrap" resamples daily returns, so its candles have no intraday range;
        "BTC 2018-2025" is the real daily history, one window every ``ENTRY_EVERY_DAYS`` days.
    """
    if model in ("GBM", "fat tails"):
        generate = gbm_paths if model == "GBM" else functools.partial(student_t_paths,
                                                                      degrees_of_freedom=3.0)
        rows = generate(STRATEGY_START_PRICE, volatility=volatility_percent / 100,
                        steps=horizon_days * 24, step_days=1 / 24, paths=paths, seed=seed)
        return _daily_candles(rows, 24)
    if model == "bootstrap":
        returns = log_returns(load_btc_daily().close)
        rows = bootstrap_paths(STRATEGY_START_PRICE, returns, steps=horizon_days, paths=paths,
                               block_length=5, seed=seed)
        return _daily_candles(rows, 1)
    if model != "BTC 2018-2025":
        raise ValueError(f"model must be one of {', '.join(map(repr, STRATEGY_MODELS))}; got "
                         f"{model!r}")
    o, h, lo, c, times, interval = _stack(history_windows(horizon_days))
    return o, h, lo, c, funding_counts(times, interval)


def _daily_candles(rows, steps_per_day):
    """What ``candles_from_path(row, steps_per_day, step_days=1 / steps_per_day)`` gives for
    each row, stacked (open, high, low, close, funding counts), in one vectorised step."""
    n_paths, days = rows.shape[0], (rows.shape[1] - 1) // steps_per_day
    body = rows[:, :-1].reshape(n_paths, days, steps_per_day)
    close = rows[:, steps_per_day::steps_per_day]
    times = np.arange(days, dtype=np.int64) * 86_400 + np.zeros((n_paths, 1), np.int64)
    return (body[:, :, 0].copy(), np.maximum(body.max(axis=2), close),
            np.minimum(body.min(axis=2), close), close.copy(), funding_counts(times, 86_400))


@functools.cache
def history_windows(horizon_days: int = STRATEGY_HORIZON_DAYS,
                    every_days: int = ENTRY_EVERY_DAYS) -> tuple:
    """Windows of ``horizon_days`` daily candles of ``load_btc_daily()``, one starting every
    ``every_days`` days (rolling entries over the whole history); a tuple of Candles."""
    daily = load_btc_daily()
    starts = range(0, len(daily) - horizon_days + 1, every_days)
    return tuple(Candles(daily.time[s:s + horizon_days], daily.open[s:s + horizon_days],
                         daily.high[s:s + horizon_days], daily.low[s:s + horizon_days],
                         daily.close[s:s + horizon_days], daily.interval) for s in starts)


def strategy_outcomes(rules: StrategyRules, model: str,
                      volatility_percent: int = 60) -> PathOutcomes:
    """``rules`` over lesson 10's path set ``strategy_paths(model, volatility_percent)``.

    The same numbers as ``backtest_paths`` (and so as ``backtest``, path by path) with a
    ``STRATEGY_WALLET`` = 10,000 USDT wallet and Binance BTCUSDT's first bracket; cached per
    (rules, model, volatility): do not modify the result.

    Parameters
    ----------
    rules : StrategyRules
        E.g. ``CONSERVATIVE`` or ``AGGRESSIVE``.
    model : str
        One of ``STRATEGY_MODELS``.
    volatility_percent : int
        Annual volatility, %, for "GBM" and "fat tails".

    Returns
    -------
    PathOutcomes
    """
    _check_run(rules, STRATEGY_WALLET, BINANCE_BTCUSDT_FIRST_MMR, 0.0)
    return _strategy_outcomes(rules, model, int(volatility_percent))


@functools.lru_cache(maxsize=256)
def _strategy_outcomes(rules, model, volatility_percent):
    o, h, lo, c, counts = strategy_paths(model, volatility_percent)
    return _Simulation(o, h, lo, c, counts, rules, STRATEGY_WALLET, BINANCE_BTCUSDT_FIRST_MMR,
                       0.0).run()


class _Simulation:
    """State arrays of all paths; ``run`` jumps from event to event."""

    def __init__(self, o, h, lo, c, counts, rules, wallet_balance, mmr, cum):
        self.o, self.h, self.lo, self.c = o, h, lo, c
        self.rules, self.mmr, self.cum, self.s = rules, mmr, cum, rules.sign
        self.initial = wallet_balance
        n_paths, n = o.shape
        self.entry = o[:, 0].copy()
        self.q = rules.quantity(1.0) / self.entry
        open_fee = rules.taker_fee * self.q * self.entry
        if rules.margin + open_fee.max() > wallet_balance:
            raise ValueError(f"wallet_balance must cover the margin plus the opening fee "
                             f"({rules.margin + open_fee.max():,.8g}), got {wallet_balance:,.8g}")
        self.margin = np.full(n_paths, float(rules.margin))
        self.wallet = wallet_balance - rules.margin - open_fee
        self.budget = np.full(n_paths, float(rules.add_margin_budget))
        self.fees, self.funding = open_fee, np.zeros(n_paths)
        self.added = np.zeros(n_paths)
        self.forfeited = np.zeros(n_paths)
        self.is_open = np.ones(n_paths, bool)
        self.ended = {kind: np.zeros(n_paths, bool) for kind in _KINDS[:3]}
        s = self.s
        self.stop = np.full(n_paths, np.nan) if rules.stop_percent is None else \
            self.entry * (1 - s * rules.stop_percent / 100)
        self.take = np.full(n_paths, np.nan) if rules.take_profit_percent is None else \
            self.entry * (1 + s * rules.take_profit_percent / 100)
        # Funding received per unit of quantity in each candle, and its running sum.
        self.f = -s * rules.funding_rate * o * counts
        self.g_after = np.cumsum(self.f, axis=1)
        self.g_before = self.g_after - self.f
        self.next = np.zeros(n_paths, int)  # next candle to replay
        self.equity = np.empty((n_paths, n))

    # ---- trigger levels (closed forms for a flat maintenance rate) ----------------------------
    def _ratio_level(self, ratio, base, q, entry):
        """Price at which MM / (base + PnL) = ratio; ratio 1 is the liquidation price."""
        return (ratio * (base - self.s * q * entry) + self.cum) / (q * (self.mmr - ratio * self.s))

    def _tops_up(self, rows):
        if self.rules.add_margin_at_ratio is None:
            return np.zeros(rows.size, bool)
        return (self.budget[rows] > 0) & (self.wallet[rows] > 0)

    def _danger(self, rows, base):
        """The level nearest the entry at which a losing-side trigger fires (NaN when none)."""
        q, entry = self.q[rows, None], self.entry[rows, None]
        levels = [self._ratio_level(1.0, base, q, entry), self.stop[rows, None] + 0 * base]
        if self.rules.add_margin_at_ratio is not None:
            top = self._ratio_level(self.rules.add_margin_at_ratio, base, q, entry)
            levels.append(np.where(self._tops_up(rows)[:, None], top, np.nan))
        stacked = np.stack(levels)
        return np.nanmax(stacked, axis=0) if self.s > 0 else np.nanmin(stacked, axis=0)

    # ---- the jump: find each path's next candle with a possible event -------------------------
    def run(self) -> PathOutcomes:
        n = self.o.shape[1]
        columns = np.arange(n)
        while True:
            rows = np.flatnonzero(self.is_open & (self.next < n))
            if rows.size == 0:
                break
            k = self.next[rows]
            start = self.g_before[rows, k][:, None]
            q = self.q[rows, None]
            before = self.margin[rows, None] + q * (self.g_before[rows] - start)
            after = self.margin[rows, None] + q * (self.g_after[rows] - start)
            with np.errstate(invalid="ignore", all="ignore"):
                danger = np.stack([self._danger(rows, before), self._danger(rows, after)])
                danger = np.nanmax(danger, 0) if self.s > 0 else np.nanmin(danger, 0)
                take = self.take[rows, None]
                if self.s > 0:
                    hit = (self.lo[rows] <= danger) | (self.h[rows] >= take)
                else:
                    hit = (self.h[rows] >= danger) | (self.lo[rows] <= take)
            hit &= columns >= k[:, None]
            first = np.where(hit.any(axis=1), hit.argmax(axis=1), n)
            # Candles k .. first-1: only funding happens; equity at each close.
            quiet = (columns >= k[:, None]) & (columns < first[:, None])
            marked = self.wallet[rows, None] + after + \
                self.s * q * (self.c[rows] - self.entry[rows, None])
            self.equity[rows] = np.where(quiet, marked, self.equity[rows])
            paid = q[:, 0] * (self.g_before[rows, np.minimum(first, n - 1)] - start[:, 0])
            paid = np.where(first == n, q[:, 0] * (self.g_after[rows, n - 1] - start[:, 0]), paid)
            self.margin[rows] += paid
            self.funding[rows] += paid
            self.next[rows] = first
            busy = rows[first < n]
            if busy.size:
                self._replay_candle(busy, self.next[busy])
                self.next[busy] += 1
        closed = ~self.is_open
        after_close = closed[:, None] & (columns >= self.next[:, None])
        self.equity[after_close] = np.broadcast_to(self.wallet[:, None], self.equity.shape)[
            after_close]
        peak = np.maximum.accumulate(np.column_stack([np.full(len(self.q), self.initial),
                                                      self.equity]), axis=1)[:, 1:]
        drawdown = np.max(1 - self.equity / peak, axis=1).clip(0, 1)
        return PathOutcomes(self.equity[:, -1].copy(), self.equity, drawdown,
                            self.ended["liquidated"], self.ended["stop"],
                            self.ended["take_profit"], self.added, self.fees, self.funding,
                            self.initial, self.forfeited)

    # ---- one candle in full detail, as ``backtest`` replays it --------------------------------
    def _replay_candle(self, rows, j):
        o, h, lo, c = self.o[rows, j], self.h[rows, j], self.lo[rows, j], self.c[rows, j]
        self._walk(rows, o, o)
        pay = self.q[rows] * self.f[rows, j] * self.is_open[rows]
        self.margin[rows] += pay
        self.funding[rows] += pay
        self._walk(rows, o, o)
        high_first = h - o < o - lo
        near, far = np.where(high_first, h, lo), np.where(high_first, lo, h)
        for start, end in ((o, near), (near, far), (far, c)):
            self._walk(rows, start, end)
        self.equity[rows, j] = np.where(
            self.is_open[rows],
            self.wallet[rows] + self.margin[rows] + self.s * self.q[rows] * (c - self.entry[rows]),
            self.wallet[rows])

    @staticmethod
    def _touch(price, end, level, below):
        """First price on price -> end that reaches ``level`` (NaN when none)."""
        with np.errstate(invalid="ignore"):
            if below:
                return np.where(price <= level, price, np.where(end <= level, level, np.nan))
            return np.where(price >= level, price, np.where(end >= level, level, np.nan))

    def _walk(self, rows, start, end):
        price = start.astype(float).copy()
        active = self.is_open[rows].copy()
        long = self.s > 0
        while active.any():
            r, p, e = rows[active], price[active], end[active]
            q, entry = self.q[r], self.entry[r]
            touches = [
                self._touch(p, e, self._ratio_level(1.0, self.margin[r], q, entry), long),
                self._touch(p, e, self.stop[r], long),
                self._touch(p, e, self.take[r], not long),
            ]
            if self.rules.add_margin_at_ratio is not None:
                level = self._ratio_level(self.rules.add_margin_at_ratio, self.margin[r], q,
                                          entry)
                touches.append(np.where(self._tops_up(r),
                                        self._touch(p, e, level, long), np.nan))
            touches = np.stack(touches)
            distance = np.where(np.isnan(touches), np.inf, np.abs(touches - p))
            kind = np.argmin(distance, axis=0)  # first minimum: the priority order
            fired = np.isfinite(distance[kind, np.arange(r.size)])
            where = np.flatnonzero(active)
            active[where[~fired]] = False
            if not fired.any():
                break
            r, kind = r[fired], kind[fired]
            at = touches[kind, np.flatnonzero(fired)]
            price[where[fired]] = at
            for index, name in enumerate(_KINDS):
                chosen = kind == index
                if chosen.any():
                    getattr(self, f"_{name}")(r[chosen], at[chosen])
            active &= self.is_open[rows]

    def _close(self, rows, price, kind):
        backing = self.margin[rows]
        pnl = np.maximum(backing + self.s * self.q[rows] * (price - self.entry[rows]), 0.0) \
            - backing
        self.margin[rows] = 0.0
        fee_due = self.rules.taker_fee * self.q[rows] * price
        if kind == "liquidated":
            # As ``backtest``: the taker fee, then all the rest left behind the position, go to
            # the liquidation engine; the free wallet is untouched.
            left = backing + pnl
            fee = np.minimum(fee_due, np.maximum(left, 0.0))
            self.forfeited[rows] += np.maximum(left - fee, 0.0)
        else:
            self.wallet[rows] += backing + pnl
            fee = np.minimum(fee_due, np.maximum(self.wallet[rows], 0.0))
            self.wallet[rows] -= fee
        self.fees[rows] += fee
        self.is_open[rows] = False
        self.ended[kind][rows] = True

    def _liquidated(self, rows, price):
        self._close(rows, price, "liquidated")

    def _stop(self, rows, price):
        self._close(rows, price, "stop")

    def _take_profit(self, rows, price):
        self._close(rows, price, "take_profit")

    def _margin_added(self, rows, price):
        amount = np.minimum(np.minimum(self.rules.add_margin_amount, self.budget[rows]),
                            self.wallet[rows])
        self.budget[rows] -= amount
        self.wallet[rows] -= amount
        self.margin[rows] += amount
        self.added[rows] += amount

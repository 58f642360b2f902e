"""Lesson 07 exercises: the typical daily move at 80 % volatility; the probability of
liquidation within a week at 15x. (Why doubling the leverage more than doubles it, and what to
do when volatility doubles, are appendix A2's questions 4 and 5.) Every code line a solution
prints runs in the lesson after its import cell (tests/test_printed_code.py runs them)."""

import math

from .._contracts import Position
from .._margin import bankruptcy_price, initial_margin, liquidation_price
from .._paths import DAYS_PER_YEAR, log_step_moments
from .._risk import BGK_BETA, _normal_cdf, barrier_hit_probability, liquidation_probability
from .._tiers import BINANCE_BTCUSDT
from ._base import Mistake, NumericExercise, label_questions

ENTRY, VOLATILITY, HORIZON = 60_000, 0.6, 7


def probability(leverage, volatility=VOLATILITY, horizon=HORIZON, quantity=0.25) -> float:
    """Closed-form probability (%) that an isolated long of ``quantity`` BTC at ``ENTRY``,
    opened at ``leverage`` with Binance's BTCUSDT brackets, is liquidated within ``horizon``
    days (GBM, no drift)."""
    position = Position("long", ENTRY, quantity)
    margin = initial_margin(position, leverage, tiers=BINANCE_BTCUSDT)
    return 100 * liquidation_probability(position, margin, volatility=volatility,
                                         horizon_days=horizon, tiers=BINANCE_BTCUSDT)


# q1: the typical daily move at 80 % a year (the lesson's example uses 60 %).
Q1_ANNUAL = 0.8
q1 = NumericExercise(
    answer=100 * Q1_ANNUAL / math.sqrt(DAYS_PER_YEAR),
    unit="%",
    rtol=0.005,
    close_rtol=0.03,
    hint_text="A year has 365 trading days in crypto. The typical move grows like the square "
              "root of time, so to go from a year to one day, divide the annual volatility by "
              "the square root of 365 (not by 365).",
    solution_text="Divide the annual volatility by the square root of 365, about 19.1: "
                  "80 % / 19.1 = 4.19 %. In code: `100 * 0.8 / np.sqrt(365)`",
    mistakes=[
        Mistake(100 * Q1_ANNUAL / DAYS_PER_YEAR,
                "You divided by 365. Daily moves partly cancel out (an up day, then a down "
                "day), so they add up more slowly than the days: divide by the square root "
                "of 365 instead."),
        Mistake(100 * Q1_ANNUAL / math.sqrt(252),
                "252 is the number of trading days of a stock exchange. Crypto trades every "
                "day of the year: use 365."),
        Mistake(100 * Q1_ANNUAL * math.sqrt(7 / DAYS_PER_YEAR),
                "That is the typical move over a week (7 days). The question asks for one "
                "day."),
        Mistake(100 * Q1_ANNUAL / 12,
                "You divided by 12, as if volatility were spread evenly over the months. It "
                "grows like the square root of time: divide by the square root of 365 for "
                "one day."),
    ],
)


# q2: an isolated long of 0.25 BTC at 60,000 USDT, 15x, 50 % volatility, 7 days (the lesson's
# worked example uses 20x and 60 %, so its printed numbers do not give the answer away).
Q1_LEVERAGE, Q1_VOLATILITY = 15, 0.5
_LONG = Position("long", ENTRY, 0.25)
_MARGIN = initial_margin(_LONG, Q1_LEVERAGE, tiers=BINANCE_BTCUSDT)
_LP = liquidation_price(_LONG, _MARGIN, tiers=BINANCE_BTCUSDT)
_MEAN, _STD = log_step_moments(0.0, Q1_VOLATILITY, HORIZON)
_ENDS_BELOW = 100 * _normal_cdf((math.log(_LP / ENTRY) - _MEAN) / _STD)
_BANKRUPT = 100 * barrier_hit_probability(ENTRY, bankruptcy_price(_LONG, _MARGIN),
                                          volatility=Q1_VOLATILITY, horizon_days=HORIZON)
# What a simulation checked once an hour gives on average: the continuous-barrier formula with
# the barrier moved away by beta * sigma * sqrt(1 hour) (Broadie, Glasserman & Kou, 1997).
_HOURLY = 100 * barrier_hit_probability(
    ENTRY, _LP * math.exp(-BGK_BETA * Q1_VOLATILITY * math.sqrt(1 / (365 * 24))),
    volatility=Q1_VOLATILITY, horizon_days=HORIZON)
_A_LITTLE_LOW = (
    "A little low. If you simulated with a check every hour, the simulation misses the "
    "touches between two checks (appendix A2 shows how to correct for that): use the "
    "explorer's curve or the library's liquidation probability. If you used the bankruptcy "
    "price as the barrier: the exchange liquidates earlier, at the liquidation price, where "
    "the maintenance margin is still left.")

q2 = NumericExercise(
    answer=probability(Q1_LEVERAGE, volatility=Q1_VOLATILITY),
    unit="%",
    rtol=0.055,  # about 2 points: two standard errors of a 2,000-path simulation count as right
    close_rtol=0.08,
    hint_text="Set the explorer above to 15x, 50 % and 7 days and read the probability in its "
              "readout. Or do what the worked example does, at 15x instead of 20x: build the "
              "position, its margin at 15x, and ask the library's liquidation probability (the "
              "volatility as a fraction, 0.5).",
    solution_text="The position is 0.25 BTC at 60,000 USDT; at 15x its margin is 1,000 USDT. "
                  "An estimate from a simulation (appendix A2) within about 2 percentage "
                  "points counts as right too. In code: "
                  "`100 * liquidation_probability(Position('long', 60_000, 0.25), "
                  "initial_margin(Position('long', 60_000, 0.25), 15, tiers=BINANCE_BTCUSDT), "
                  "volatility=0.5, horizon_days=7, tiers=BINANCE_BTCUSDT)`",
    mistakes=[
        Mistake(_ENDS_BELOW,
                "That is the probability that the price ENDS the week below the liquidation "
                "price. But the position is liquidated the first time the price touches it, "
                "even if the price comes back later: the touch probability is about twice as "
                "large (appendix A2 shows why)."),
        Mistake(_BANKRUPT, _A_LITTLE_LOW),
        Mistake(_HOURLY, _A_LITTLE_LOW),
    ],
)

label_questions(globals())

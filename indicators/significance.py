"""When may a briefing note say "rose", "fell" or "surged"? The test of two counts, and its wording.

The Methods page prints METHOD (this module's rule, with the constants below filled in), so the
text and the code cannot drift apart.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

ALPHA = 0.05  # two-sided significance level
SURGE_RATIO = 2  # a significant rise to at least twice the earlier count is a surge
PERCENT_BASE = 20  # percentages only when the earlier count is at least this; below, counts only

METHOD = f"""**Words of change in the briefing note.** Two counts of events (or attacks) in periods of
the same length, *n* now and *m* before, are compared with the exact conditional test for two
Poisson counts: if both periods had the same underlying rate, then given the total *n + m* the
count *n* would be binomial with *n + m* trials and probability 1/2. The two-sided p-value is
twice the smaller binomial tail, capped at 1. The note says **rose** or **fell** only when
p < {ALPHA:g}, and **surged** for a significant rise to at least {SURGE_RATIO} times the earlier
count; otherwise it says **about the same as**, whatever the difference. Example: 3 attacks
against 1 gives p = 0.625, so "about the same"; 6 against 0 gives p = 0.031, a significant rise.
Counts are always given as counts; a percentage change is added only when the earlier count is at
least {PERCENT_BASE} (never "+200%" for 3 against 1). Deaths are given as counts without a word
of change: one attack can kill dozens, so deaths are not Poisson counts and this test does not
apply to them. A comparison is withheld when the datasets covering the two periods differ: each
dataset covers the days from its first to its last event (with the filters' datasets, countries
and categories), and two periods are compared only when every dataset covers both in full or
neither at all."""


@dataclass(frozen=True)
class Change:
    now: int
    before: int
    p_value: float
    word: str  # "surged", "rose", "fell" or "about the same as"

    @property
    def significant(self) -> bool:
        return self.word != "about the same as"

    @property
    def percent(self) -> str | None:
        """'+50%' when the earlier count is at least PERCENT_BASE, else None (counts only)."""
        if self.before < PERCENT_BASE:
            return None
        return f"{(self.now - self.before) / self.before:+.0%}"


def binomial_upper_tail(k: int, n: int) -> float:
    """P(X >= k) for X ~ Binomial(n, 1/2), summed in log space (exact enough for any n)."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    i = np.arange(k, n + 1)
    logs = (math.lgamma(n + 1) - np.array([math.lgamma(j + 1) + math.lgamma(n - j + 1) for j in i])
            - n * math.log(2))
    return float(min(1.0, np.exp(logs).sum()))


def two_count_p_value(now: int, before: int) -> float:
    """Two-sided p-value of the conditional test of two Poisson counts with equal exposure."""
    if now == before:
        return 1.0
    return min(1.0, 2 * binomial_upper_tail(max(now, before), now + before))


def compare_counts(now: int, before: int) -> Change:
    """The change from `before` to `now` in the words the test allows (see METHOD)."""
    now, before = int(now), int(before)
    p = two_count_p_value(now, before)
    if p >= ALPHA:
        word = "about the same as"
    elif now > before:
        word = "surged" if now >= SURGE_RATIO * before else "rose"
    else:
        word = "fell"
    return Change(now, before, p, word)

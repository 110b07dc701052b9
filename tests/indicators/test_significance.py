"""The test behind the note's words of change, against binomial tails summed exactly by hand."""
from fractions import Fraction
from math import comb

import pytest

from indicators import significance
from indicators.significance import compare_counts


def exact_p(now: int, before: int) -> float:
    """Two-sided conditional test, with exact fractions: 2 x P(X >= max) for X ~ Bin(n, 1/2)."""
    n, k = now + before, max(now, before)
    if now == before:
        return 1.0
    return float(min(Fraction(1), 2 * Fraction(sum(comb(n, i) for i in range(k, n + 1)), 2 ** n)))


@pytest.mark.parametrize("now, before, p, word", [
    (3, 1, 2 * 5 / 16, "about the same as"),  # 2 x (4 + 1) / 16 = 0.625
    (6, 0, 2 / 64, "surged"),  # 0.031
    (5, 0, 2 / 32, "about the same as"),  # 0.0625: five against none is not enough
    (0, 6, 2 / 64, "fell"),
    (15, 5, 2 * 21700 / 2**20, "surged"),  # 2 x (15504 + 4845 + 1140 + 190 + 20 + 1) / 2^20 = 0.041
    (4, 4, 1.0, "about the same as"),
])
def test_words_follow_the_two_sided_test(now, before, p, word):
    change = compare_counts(now, before)
    assert change.word == word
    assert change.p_value == pytest.approx(p, rel=1e-9) == exact_p(now, before)


def test_a_significant_rise_below_twice_is_rose_and_percentages_need_a_base():
    change = compare_counts(45, 25)
    assert change.p_value == pytest.approx(exact_p(45, 25), rel=1e-9) and change.p_value < 0.05 and change.word == "rose"
    assert change.percent == "+80%"
    assert compare_counts(3, 1).percent is None  # "3, up from 1", never "+200%"
    assert significance.PERCENT_BASE == 20


@pytest.mark.parametrize("now, before", [(0, 0), (1, 0), (120, 80), (400, 460), (2000, 1890)])
def test_the_log_space_tail_matches_the_exact_sum(now, before):
    assert significance.two_count_p_value(now, before) == pytest.approx(exact_p(now, before), rel=1e-9, abs=1e-12)


def test_the_methods_text_states_the_rule_with_the_constants():
    words = " ".join(significance.METHOD.split())
    assert "p < 0.05" in words and "at least 2 times" in words and "at least 20" in words

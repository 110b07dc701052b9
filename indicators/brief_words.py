"""The briefing note's wording: counts with their nouns, lists in words, and a count set against
an earlier one in the words indicators.significance allows ("about the same" when the change is
not significant). Plain strings in, plain strings out; the numbers come from indicators/brief_draft.py."""
from __future__ import annotations

from indicators.periods import Period
from indicators.significance import Change, compare_counts

WITHHELD = "the datasets covering the two periods differ"


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def joined(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    if len(items) > 4:
        return f"{', '.join(items[:3])} and {len(items) - 3} more"
    return f"{', '.join(items[:-1])} and {items[-1]}"


def versus(subject: str, n: int, n0: int, p: Period, p0: Period, floor: str = "",
            detail: str = "") -> tuple[str, Change]:
    """`subject` now against before; `floor` ('at least ') and `detail` (' events (2 attacks, ...)')
    are written around the current count."""
    c = compare_counts(n, n0)
    now = f"{floor}{n:,}{detail.replace('{p}', p.label)}" if detail else f"{floor}{n:,} in {p.label}"
    if not c.significant:
        return f"{subject}: {now}, about the same as in {p0.label} ({n0:,})", c
    pct = f" ({c.percent})" if c.percent else ""
    return f"{subject} {c.word} to {now} from {n0:,} in {p0.label}{pct}", c


def against(n1: int, n: int, py: Period) -> str:
    c = compare_counts(n, n1)
    if not c.significant:
        return f"against {py.label} ({n1:,}), about the same"
    return f"against {py.label} ({n1:,}) they {c.word}" + (f" ({c.percent})" if c.percent else "")


def restricted(n: int, n0: int, p: Period, p0: Period) -> str:
    """A count against an earlier one, after 'compared on <datasets>, ...': 'they were 4 in 2014,
    about the same as in 2013 (3)' or 'they surged to 9 in 2014 from 1 in 2013 (+800%)'."""
    c = compare_counts(n, n0)
    if not c.significant:
        return f"they were {n:,} in {p.label}, about the same as in {p0.label} ({n0:,})"
    pct = f" ({c.percent})" if c.percent else ""
    return f"they {c.word} to {n:,} in {p.label} from {n0:,} in {p0.label}{pct}"


def scope_words(records: str) -> str:
    """What a dataset records, as a noun: 'only the Islamic State network (attacks and weak
    signals)' -> 'the Islamic State network'."""
    words = records.split(" (")[0].strip()
    return words[5:] if words.startswith("only ") else words

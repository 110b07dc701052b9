"""Table `yardsticks` as its readers see it: yearly totals published by independent monitors
(PIPS, PICSS, CRSS, IEP's Global Terrorism Index, UNAMA, SATP, the US State Department), each with
its publisher's definition, to set beside the counts of these data. Declared once here: etl/yardsticks.py
creates the table from these columns, indicators/yardsticks.py reads it, a test compares the
built table with them.
"""
from __future__ import annotations

from contract.schema import Column

# What a published figure can be set beside (data/reference/yardstick_measures.csv, compares_with):
# attacks (events of category attack), militant_violence (attacks and armed clashes with a
# non-state side: every filtered event), deaths (the filtered events' deaths), none (not comparable
# with an event count: injured, civilians killed, GTI score and rank, ...).
COMPARES_WITH = ("attacks", "militant_violence", "deaths", "none")
MEASURES = ("attacks", "deaths", "injured", "incidents", "fatalities_all", "civilians_killed",
            "security_forces_killed", "militants_killed", "gti_score", "gti_rank")

COLUMNS: tuple[Column, ...] = (
    Column("country", "VARCHAR", "Where the figure counts, as published: `Pakistan`, "
           "`Afghanistan`, or `Pakistan/<province>` for a provincial figure (with the publisher's "
           "own wording of the area, for example `Pakistan/Khyber Pakhtunkhwa (incl. ex-FATA)`).", True),
    Column("year", "INTEGER", "The year the figure counts (a GTI edition is one year later than "
           "its data year).", True),
    Column("publisher", "VARCHAR", "Who published the figure.", True),
    Column("measure", "VARCHAR", "What the figure counts.", True, MEASURES),
    Column("value", "DOUBLE", "The figure as published.", True),
    Column("scope", "VARCHAR", "What the publisher counts, as the source states it."),
    Column("url", "VARCHAR", "Where the figure was read.", True),
    Column("reported_on", "VARCHAR", "Date of the report or article as written in the file "
           "(`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `YYYY-MM/MM`, with `(approx)` where estimated); null "
           "when not given."),
    Column("reported_from", "DATE", "The earliest day `reported_on` can mean (null when not "
           "given): orders figures none of which is later."),
    Column("compares_with", "VARCHAR", "What of these data the figure can be set beside "
           "(data/reference/yardstick_measures.csv).", True, COMPARES_WITH),
    Column("preference", "INTEGER", "Among the figures set beside one count, 1 = the closest "
           "definition; null when `compares_with` is none."),
    Column("definition", "VARCHAR", "The publisher's definition of the measure "
           "(data/reference/yardstick_measures.csv).", True),
    Column("superseded", "BOOLEAN", "True when the same publisher gives another figure for the "
           "same country, year and measure in a report that is certainly later (its earliest "
           "possible day after this one's last): the later one wins.", True),
    Column("others", "VARCHAR", "The other figures of the same publisher, country, year and "
           "measure, in words ('earlier release 2023-12-25: 623'); null when there are none."),
    Column("source_line", "INTEGER", "Line of data/yardsticks/published_totals_pak_afg.csv "
           "(1 = header).", True),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
KEY = ("source_line",)

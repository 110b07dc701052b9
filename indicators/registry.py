"""Every indicator's definition, formula and unit, shown on the Methods page and in the README."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    question: str
    definition: str
    formula: str
    unit: str
    higher_is_worse: bool = True


INDICATORS: tuple[Indicator, ...] = (
    Indicator("events", "Events", "How much activity was recorded?",
              "Events matching the filters whose event_date falls in the selected years. By default "
              "only extremist activity (attack, propaganda, allegiance, recruitment); counter-terrorism "
              "and drone strikes count only when selected.",
              "count(events)", "events"),
    Indicator("fatalities", "Fatalities", "How many people were killed?",
              "Sum of the known death tolls of the filtered events (each source's maximum figure). "
              "Events with an unknown toll add nothing, so this is a lower bound.",
              "sum(fatalities) over events with a known toll", "people killed"),
    Indicator("districts_affected", "Districts affected", "How widespread is the activity?",
              "Distinct districts with at least one filtered event. Events known only to a province "
              "or the country are not counted here.",
              "count(distinct district_id)", "districts"),
    Indicator("change", "Change against the previous period", "Is it growing?",
              "Each KPI compared with the same filters over the period of equal length just before "
              "(2014-2017 is compared with 2010-2013).",
              "(current - previous) / previous x 100; shown as 'new' when previous = 0", "%"),
    Indicator("trend", "Events by period and category", "When did each kind of activity rise?",
              "Filtered events per month, quarter or year, stacked by category. An event dated only "
              "to a month or year counts in its first month.",
              "count(events) group by date_trunc(period, event_date), category", "events per period"),
    Indicator("district_events", "Events per district", "Where is the activity concentrated?",
              "Filtered events per district of the boundary layer (Pakistan 2015 layout, Afghanistan "
              "geoBoundaries ADM2), placed by coordinates or by the district the source names.",
              "count(events) group by district_id", "events"),
    Indicator("signals", "Signal events", "Are the weak signals building up here?",
              "Filtered events whose category is propaganda, allegiance or recruitment: the public "
              "signs of a group building support, before or beside its attacks. Counted among the "
              "selected categories only.",
              "count(events where category in (propaganda, allegiance, recruitment))", "events"),
    Indicator("province_events", "Events per province", "Which provinces carry the activity?",
              "Filtered events per province: districts dissolved into provinces when the warehouse is "
              "built (or a province layer loaded with `python -m etl boundaries`). An event known only "
              "to its province counts here; one known only to the country is listed under the map. "
              "Afghanistan is one country-wide unit until a layer with Afghan provinces is loaded.",
              "count(events) group by country, admin1", "events"),
    Indicator("spread", "Spread", "Is the activity reaching new places?",
              "Districts (or provinces) with at least one filtered event, per year of the selected "
              "range; years without events count 0.",
              "count(distinct district_id) group by year(event_date)", "districts per year"),
)

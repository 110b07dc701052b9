"""Hypothesis: every input row of every bundled format ends in events, rejects or duplicates."""
import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import schema
from etl.sources import curated, pk_drone_strikes, pk_suicide_attacks
from tests.conftest import TODAY

text = st.one_of(st.just(""), st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",),
                                                         exclude_characters="\x00"),
                                      max_size=12))
numbers = st.one_of(st.just(""), st.integers(-5, 500).map(str), text)
dates_mdy = st.one_of(st.dates().map(lambda d: f"{d.month}/{d.day}/{d.year}"), text)
dates_long = st.one_of(st.dates().map(lambda d: d.strftime("%A, %B %d, %Y")), text)
dates_iso = st.one_of(st.dates().map(str), text)
lat = st.one_of(st.just(""), st.floats(-100, 100, allow_nan=False).map(lambda x: f"{x:.4f}"), text)
lon = st.one_of(st.just(""), st.floats(-200, 200, allow_nan=False).map(lambda x: f"{x:.4f}"), text)

FORMATS = {
    "curated": (curated, lambda: st.fixed_dictionaries({
        "event_date": dates_iso, "date_precision": st.sampled_from(["day", "month", "year", "", "week"]),
        "country": st.sampled_from(["PAK", "AFG", "IND", ""]), "admin1": text, "admin2": text,
        "location": text, "category": st.sampled_from(list(schema.CATEGORIES) + ["riot", ""]),
        "actor": text, "killed": numbers, "injured": numbers, "source_publisher": text,
        "source_date": dates_iso})),
    "pk_suicide_attacks": (pk_suicide_attacks, lambda: st.fixed_dictionaries({
        "S#": st.integers(1, 30).map(str), "Date": dates_mdy, "City": text, "Province": text,
        "Latitude": lat, "Longitude": lon, "Killed Min": numbers, "Killed Max": numbers,
        "Injured Min": numbers, "Injured Max": numbers})),
    "pk_drone_strikes": (pk_drone_strikes, lambda: st.fixed_dictionaries({
        "S#": st.one_of(st.just(""), st.integers(1, 30).map(str)), "Date": dates_long, "City": text,
        "Province": text, "Latitude": lat, "Longitude": lon, "Total Died Min": numbers,
        "Total Died Mix": numbers, "Injured Min": numbers, "Injured Max": numbers})),
}


def write(tmp_path, module, rows):
    header = list(module.COLUMNS) + [c for c in rows[0] if c not in module.COLUMNS] if rows else list(module.COLUMNS)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\r\n")  # quotes cells with \r or \n
    writer.writeheader()
    for row in rows:
        writer.writerow({h: row.get(h, "") for h in header})
    path = tmp_path / "input.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def check(tmp_path, name, rows):
    module, _ = FORMATS[name]
    path = write(tmp_path, module, rows)
    events, rejects = module.load(path, "input.csv")
    physical = sum(1 for r in rows if any(str(v).strip() for v in r.values()))
    assert len(events) + rejects["source_line"].nunique() == physical
    if len(events):
        events = events.assign(geo_precision=events.get("geo_precision", "country")).fillna(
            {"geo_precision": "country"})
        good, invalid = schema.validate(events, today=TODAY)
        bad_lines = set(invalid["source_line"])
        assert len(good) + len(bad_lines) == len(events)
        duplicates = good["event_id"].duplicated().sum()
        assert good["event_id"].nunique() + duplicates == len(good)


for _name, (_module, _rows) in FORMATS.items():
    def _make(name=_name, rows=_rows):
        @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
        @given(data=st.lists(rows(), min_size=1, max_size=10))
        def test(tmp_path, data):
            check(tmp_path, name, data)
        test.__name__ = f"test_every_row_is_accounted_for_{name}"
        return test
    globals()[f"test_every_row_is_accounted_for_{_name}"] = _make()

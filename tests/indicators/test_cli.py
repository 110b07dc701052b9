"""`python -m indicators` gives the same numbers as the functions the dashboard calls."""
import json
import subprocess
import sys

import pytest

from indicators import overview, spread
from indicators.filters import SHOWN_VALID, Filters
from indicators.registry import INDICATORS
from tests.helpers import ROOT


def run(*args, warehouse):
    return subprocess.run([sys.executable, "-m", "indicators", *args, "--warehouse", str(warehouse)]
                          if args[0] == "show" else [sys.executable, "-m", "indicators", *args],
                          capture_output=True, text=True, cwd=ROOT)


def test_list_prints_every_definition(built):
    out = run("list", warehouse=built.warehouse)
    assert out.returncode == 0
    for ind in INDICATORS:
        assert f"{ind.id}: {ind.name}" in out.stdout and ind.formula in out.stdout


def test_new_districts_of_the_islamic_state_as_json_match_the_function(built, con):
    out = run("show", "new_districts", "--years", "2014-2019", "--actor-group", "Islamic State",
              "--format", "json", warehouse=built.warehouse)
    assert out.returncode == 0, out.stderr
    expected = spread.new_district_counts(con, Filters(2014, 2019, actor_groups=("Islamic State",)))
    assert json.loads(out.stdout) == json.loads(expected.to_json(orient="records"))
    assert json.loads(out.stdout)[0]["districts"] == "Karachi, Khanewal, Lahore, Larkana, Peshawar"


def test_csv_by_province_and_a_district_by_name(built):
    out = run("show", "attacks_per_100k", "--by", "district", "--district", "Quetta", "--years", "2014-2017",
              "--format", "csv", warehouse=built.warehouse)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("district_id,admin2") and len(lines) == 2 and ",Quetta," in lines[1]


@pytest.mark.slow
def test_mistakes_get_a_message_not_a_traceback(built):
    bad = run("show", "gti_score", "--by", "month", warehouse=built.warehouse)
    assert bad.returncode == 1 and "cannot be shown by month" in bad.stderr and "Traceback" not in bad.stderr
    bad = run("show", "events", "--years", "2017-2014", warehouse=built.warehouse)
    assert bad.returncode == 1 and "first year is after the last" in bad.stderr
    bad = run("show", "nonsense", warehouse=built.warehouse)
    assert bad.returncode == 1 and "unknown indicator 'nonsense'" in bad.stderr
    bad = run("show", "events", "--district", "Atlantis", warehouse=built.warehouse)
    assert bad.returncode == 1 and "Unknown district 'Atlantis'." in bad.stderr


@pytest.mark.slow
def test_unknown_filter_values_fail_with_the_valid_ones(built, con):
    """sqlite-utils' habit: name the wrong value, the closest right one and every valid one."""
    bad = run("show", "events", "--province", "Sindhh", warehouse=built.warehouse)
    provinces = overview.filter_options(con)["provinces"]  # Pakistan's and Afghanistan's
    assert bad.returncode == 1 and bad.stdout == ""
    assert f"Unknown province 'Sindhh'. Did you mean 'Sindh'? Valid: {', '.join(provinces[:SHOWN_VALID])}" \
           f" and {len(provinces) - SHOWN_VALID} more." in " ".join(bad.stderr.split())
    bad = run("show", "events", "--category", "attacks", warehouse=built.warehouse)
    assert bad.returncode == 1
    assert "Unknown category 'attacks'. Did you mean 'attack'? Valid: attack, propaganda, allegiance, " \
           "recruitment, organisation, counter_terrorism, state_strike, armed_clash" in " ".join(bad.stderr.split())
    bad = run("show", "events", "--actor-group", "ISIS", "--dataset", "acled", warehouse=built.warehouse)
    assert "Unknown actor group 'ISIS'." in bad.stderr and "Unknown dataset 'acled'." in bad.stderr
    ok = run("show", "events", "--province", "sindh", "--country", "Pakistan", "--format", "csv",
             warehouse=built.warehouse)  # case and country names are forgiven
    assert ok.returncode == 0, ok.stderr

"""settings.py decides every path and reads every environment variable; the stages take its
defaults (the README's Deployment section lists the variables)."""
import os
import re
import subprocess
import sys

import settings
from tests.helpers import ROOT

OUTSIDE = ("tests/", "bench/", "deploy/")  # scripts and checks around the project, not its stages


def _settings_in(env: dict) -> dict:
    """settings' paths as a fresh process with `env` sees them."""
    code = ("import settings as s; print(repr({k: str(getattr(s, k)) for k in ('DATA_DIR', "
            "'REFERENCE_DIR', 'WAREHOUSE_FILE', 'FETCH_CONFIG')}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env={k: v for k, v in {**os.environ, **env}.items() if v is not None})
    assert out.returncode == 0, out.stderr
    return eval(out.stdout)


def test_the_data_folder_carries_its_reference_tables_and_the_default_warehouse(tmp_path):
    unset = {"DASHBOARD_DATA_DIR": None, "DASHBOARD_WAREHOUSE": None, "ETL_FETCH_CONFIG": None}
    assert _settings_in(unset) == {"DATA_DIR": str(ROOT / "data"),
                                   "REFERENCE_DIR": str(ROOT / "data" / "reference"),
                                   "WAREHOUSE_FILE": str(ROOT / "data" / "warehouse.duckdb"),
                                   "FETCH_CONFIG": str(ROOT / "etl" / "fetch.toml")}
    moved = _settings_in({**unset, "DASHBOARD_DATA_DIR": str(tmp_path / "d"),
                          "ETL_FETCH_CONFIG": str(tmp_path / "f.toml")})
    assert moved == {"DATA_DIR": str(tmp_path / "d"), "REFERENCE_DIR": str(tmp_path / "d" / "reference"),
                     "WAREHOUSE_FILE": str(tmp_path / "d" / "warehouse.duckdb"),
                     "FETCH_CONFIG": str(tmp_path / "f.toml")}
    own = _settings_in({**unset, "DASHBOARD_WAREHOUSE": str(tmp_path / "w.duckdb")})
    assert own["WAREHOUSE_FILE"] == str(tmp_path / "w.duckdb") and own["DATA_DIR"] == str(ROOT / "data")


def test_the_etl_command_line_reads_the_warehouse_of_the_settings(tmp_path):
    """No --out: `python -m etl changes` reads DASHBOARD_WAREHOUSE (here a file that is not there)."""
    missing = tmp_path / "elsewhere.duckdb"
    out = subprocess.run([sys.executable, "-m", "etl", "changes"], cwd=ROOT, capture_output=True,
                         text=True, env={**os.environ, "DASHBOARD_WAREHOUSE": str(missing)})
    assert out.returncode == 1 and str(missing) in out.stderr.replace("\n", "")


def test_a_credential_comes_from_the_environment_else_the_secrets_file(tmp_path, monkeypatch):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('TOKEN_X = "from-file"\n')
    monkeypatch.delenv("TOKEN_X", raising=False)
    assert settings.credential("TOKEN_X") == ""  # no secrets file named: the environment only
    assert settings.credential("TOKEN_X", secrets) == "from-file"
    assert settings.credential("TOKEN_X", tmp_path / "none.toml") == ""
    monkeypatch.setenv("TOKEN_X", "from-env")
    assert settings.credential("TOKEN_X", secrets) == "from-env"


def test_no_other_module_decides_a_path_or_reads_the_environment():
    """Path(__file__) and os.environ only in settings.py (docs/screenshots.py, a script, puts the
    repository on sys.path from its own location)."""
    tracked = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    found = [f"{name}:{n}" for name in tracked if not name.startswith(OUTSIDE)
             and name not in ("settings.py", "docs/screenshots.py")
             for n, line in enumerate((ROOT / name).read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"Path\(__file__\)|os\.environ|os\.getenv", line)]
    assert found == []


def test_a_count_setting_that_is_not_a_whole_number_stops_with_its_name():
    for value in ("abc", "0", "-5", "2.5"):
        out = subprocess.run([sys.executable, "-c", "import settings"], cwd=ROOT, capture_output=True,
                             text=True, env={**os.environ, "ETL_PART_ROWS": value})
        assert out.returncode == 1
        assert (f"ETL_PART_ROWS={value!r} is not a whole number of at least 1; set it to one "
                f"(default 250000) or unset it.") in out.stderr
    assert _settings_in({"ETL_PART_ROWS": " 1000 ", "DASHBOARD_KEEP_VERSIONS": "1"})  # accepted

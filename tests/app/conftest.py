"""The AppTest fixture and the readers the page tests share."""
from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import dashboard.data
from tests.conftest import ROOT


def app_test(timeout: int = 60) -> AppTest:
    """app.py under AppTest (not yet run), reading dashboard.data.WAREHOUSE."""
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)


@pytest.fixture()
def app(built, monkeypatch) -> AppTest:
    """app.py on the session's warehouse built from the bundled data, not yet run, opened on
    1995-2019 (the years the page tests count in; the dashboard itself opens on the last ten
    years with data)."""
    monkeypatch.setattr(dashboard.data, "WAREHOUSE", built.warehouse)
    at = app_test()
    at.query_params["years"] = "1995-2019"
    return at


HEADLINE = "Militant violence"  # the Overview's first KPI (indicators.overview.scope_counts)


def metrics(at) -> dict[str, str]:
    """The page's metrics as shown: label -> value ('1,234')."""
    return {m.label: m.value for m in at.metric}


def metric_number(at, label: str) -> int:
    return int(metrics(at)[label].replace(",", ""))


def open_page(at, page: str):
    """Switch a run app to app_pages/<page>.py and run it; it must not raise."""
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception
    return at


def figures(at) -> list[dict]:
    """Every plotly figure of the page, as the browser receives it."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def array(value) -> list:
    """A figure array as a list (plotly writes numeric arrays as base64 typed arrays)."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value)

"""The AppTest fixtures of the page tests (their readers are in tests/helpers.py)."""
from __future__ import annotations

import pytest

import dashboard.data
from tests.helpers import app_test

YEARS = "1995-2019"  # the years the page tests count in (the dashboard opens on the last ten with data)


@pytest.fixture()
def app(built, monkeypatch):
    """app.py under AppTest on the session's warehouse built from the bundled data, not yet run,
    opened on YEARS."""
    monkeypatch.setattr(dashboard.data, "WAREHOUSE", built.warehouse)
    at = app_test()
    at.query_params["years"] = YEARS
    return at


@pytest.fixture(scope="session")
def shown(built):
    """shown('app_pages/<page>.py'): app.py on the session's warehouse, opened on YEARS, run and
    switched to that page once for the whole run. Read-only: for the tests that only read what a
    page shows first; a test that sets a widget or reruns takes `app`."""
    runs = {}

    def show(path: str):
        if path not in runs:
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(dashboard.data, "WAREHOUSE", built.warehouse)
                at = app_test()
                at.query_params["years"] = YEARS
                at.run()
                runs[path] = at.switch_page(path).run()
        return runs[path]
    return show

"""`make screenshots`: the README's pictures, docs/overview.png and docs/map.png, taken from a real
server on the warehouse (settings.WAREHOUSE_FILE: data/warehouse.duckdb) with Debian's Chromium.
Tests never write them (a test must not change tracked files); run this after a change that shows
on those pages, and commit the result."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # run as a script: the repository onto sys.path
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

import settings  # noqa: E402
from tests.support.app import StreamlitApp  # noqa: E402
from tests.support.chromium import CHROMIUM_ARGS, chromium  # noqa: E402
from tests.support.page_state import DONE, MAPS_DRAWN  # noqa: E402
from tests.support.server import streamlit  # noqa: E402

WAREHOUSE = settings.WAREHOUSE_FILE


def settle(page: Page) -> None:
    """Once the script run is drawn: wait until the maps have painted (no fixed delay)."""
    page.wait_for_function(MAPS_DRAWN, timeout=120_000)
    page.wait_for_function(DONE, timeout=120_000)  # two frames after the last paint


def main() -> None:
    if not WAREHOUSE.exists():
        sys.exit(f"No warehouse at {WAREHOUSE}: build it with `make build` first.")
    with streamlit(WAREHOUSE) as (url, _), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1500})
        app = StreamlitApp(page, url, timeout=120_000)
        app.open()  # the default view: the last ten years with data
        settle(page)
        page.screenshot(path=str(ROOT / "docs" / "overview.png"), full_page=True)

        page.set_viewport_size({"width": 1600, "height": 3000})
        app.open("map")
        page.get_by_test_id("stSelectbox").filter(has_text="Open a district").click()
        page.keyboard.type("Mastung")
        with app.rerun():
            page.keyboard.press("Enter")
        settle(page)
        page.screenshot(path=str(ROOT / "docs" / "map.png"), full_page=True)
        browser.close()
    print("wrote docs/overview.png and docs/map.png")


if __name__ == "__main__":
    main()

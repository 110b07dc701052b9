"""`make screenshots`: the README's pictures, docs/overview.png and docs/map.png, taken from a real
server on data/warehouse.duckdb with Debian's Chromium. Tests never write them (a test must not
change tracked files); run this after a change that shows on those pages, and commit the result."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from bench.server import CHROMIUM_ARGS, DONE, chromium, streamlit  # noqa: E402

WAREHOUSE = ROOT / "data" / "warehouse.duckdb"
# every figure drawn and every tile map done painting its outlines
MAPS_LOADED = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(chart => {
  const gd = chart.querySelector('.js-plotly-plot');
  const map = gd && gd._fullLayout && gd._fullLayout.map;
  return !!(gd && gd._fullLayout) && (!map || (map._subplot.map.loaded() && !map._subplot.map.isMoving()));
})"""


def settle(page: Page) -> None:
    """Wait until the script run is drawn and the maps have painted (no fixed delay)."""
    page.wait_for_function(DONE, timeout=120_000)
    page.wait_for_function(MAPS_LOADED, timeout=120_000)
    page.wait_for_function(DONE, timeout=120_000)  # two frames after the last paint


def main() -> None:
    if not WAREHOUSE.exists():
        sys.exit(f"No warehouse at {WAREHOUSE}: build it with `make build` first.")
    with streamlit(WAREHOUSE) as (url, _), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1500})
        page.goto(f"{url}/?years=2014-2019")
        settle(page)
        page.screenshot(path=str(ROOT / "docs" / "overview.png"), full_page=True)

        page.set_viewport_size({"width": 1600, "height": 3000})
        page.goto(f"{url}/map")
        settle(page)
        page.get_by_test_id("stSelectbox").filter(has_text="Open a district").click()
        page.keyboard.type("Mastung")
        page.keyboard.press("Enter")
        page.get_by_role("heading", name="Mastung (Balochistan)").wait_for(timeout=60_000)
        settle(page)
        page.screenshot(path=str(ROOT / "docs" / "map.png"), full_page=True)
        browser.close()
    print("wrote docs/overview.png and docs/map.png")


if __name__ == "__main__":
    main()

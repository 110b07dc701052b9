"""The pages of the dashboard, in navigation order: app.py draws them, the tests open every one.

Icons are emoji: Streamlit draws an emoji favicon locally (an inline SVG), while a `:material/...:`
page icon makes every browser fetch its favicon from fonts.gstatic.com, which an offline
deployment must not need.
"""
from __future__ import annotations

from typing import NamedTuple


class Page(NamedTuple):
    path: str  # the script, relative to app.py
    title: str
    icon: str
    url_path: str  # where Streamlit serves it ("" = the root)


PAGES = (
    Page("app_pages/overview.py", "Overview", "📊", ""),
    Page("app_pages/trends.py", "Trends", "📈", "trends"),
    Page("app_pages/timeline.py", "Timeline", "🕰️", "timeline"),
    Page("app_pages/map.py", "Map", "🗺️", "map"),
    Page("app_pages/events.py", "Events", "📋", "events"),
    Page("app_pages/methods.py", "Sources & methods", "📚", "methods"),
    Page("app_pages/data.py", "Data", "📥", "data"),
)
APP_ICON = PAGES[0].icon

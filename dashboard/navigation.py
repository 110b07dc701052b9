"""The pages of the dashboard, in navigation order: app.py draws them, the tests open every one.

The favicon is a file of the project (static/favicon.png, served by the dashboard itself) and the
pages have no icon of their own: a `:material/...:` icon made every browser fetch the favicon from
fonts.gstatic.com, which an offline deployment must not need (and an emoji icon shows as an empty
box where no emoji font is installed).
"""
from __future__ import annotations

from typing import NamedTuple

import settings

FAVICON = settings.STATIC_DIR / "favicon.png"


class Page(NamedTuple):
    path: str  # the script, relative to app.py
    title: str
    url_path: str  # where Streamlit serves it ("" = the root)


PAGES = (
    Page("app_pages/overview.py", "Overview", ""),
    Page("app_pages/trends.py", "Trends", "trends"),
    Page("app_pages/timeline.py", "Timeline", "timeline"),
    Page("app_pages/map.py", "Map", "map"),
    Page("app_pages/outlook.py", "Outlook", "outlook"),
    Page("app_pages/brief.py", "Brief", "brief"),
    Page("app_pages/events.py", "Events", "events"),
    Page("app_pages/methods.py", "Sources & methods", "methods"),
    Page("app_pages/data.py", "Data", "data"),
)

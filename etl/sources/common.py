"""Stable ids for rows that have none of their own."""
from __future__ import annotations

import hashlib


def short_hash(*parts: object) -> str:
    key = "|".join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]

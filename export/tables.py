"""Data files that are safe to open: CSV and XLSX with formula-looking cells neutralised, GeoJSON."""
from __future__ import annotations

import io

import pandas as pd

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that begin with =, +, -, @, tab or carriage return get a leading ' so that a
    spreadsheet shows them as text instead of running them as formulas."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(DANGEROUS) else v)
    return out


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_localize(None)
    out.columns = [str(c) for c in out.columns]
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return neutralise(_plain(frame)).to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "data", note: str | None = None) -> bytes:
    """One sheet of data; `note` (filters, sources, data version) goes on a second sheet."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        neutralise(_plain(frame)).to_excel(writer, sheet_name=sheet[:31], index=False)
        if note:
            pd.DataFrame({"about this file": [note]}).to_excel(writer, sheet_name="about", index=False)
    return buffer.getvalue()


def geojson_bytes(events: pd.DataFrame) -> bytes:
    """Events with coordinates as a GeoJSON FeatureCollection (EPSG:4326); events without a point
    are left out (their count is in the `excluded_without_point` member)."""
    import geopandas as gpd

    located = events[events["latitude"].notna() & events["longitude"].notna()]
    frame = _plain(located.drop(columns=["latitude", "longitude"]))
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].dt.strftime("%Y-%m-%d")
        elif frame[column].dtype == object:
            frame[column] = frame[column].map(lambda v: v.isoformat() if hasattr(v, "isoformat") else v)
    layer = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(located["longitude"], located["latitude"]),
                             crs="EPSG:4326")
    text = layer.to_json(drop_id=True)
    return (text[:-1] + f', "excluded_without_point": {len(events) - len(located)}}}').encode("utf-8")

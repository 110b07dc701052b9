"""Boundaries in, plotly map figures out."""

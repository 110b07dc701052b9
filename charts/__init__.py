"""House-styled plotly figures."""

"""Streamlit glue shared by app.py and the pages: the warehouse connection and the sidebar filters."""

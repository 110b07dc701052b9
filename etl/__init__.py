"""ETL: raw files -> canonical events -> DuckDB warehouse (`python -m etl --help`)."""

"""The reader layer: raw file -> data rows as text cells, before any adapter sees them.

sniff.py finds what a file is (kind, encoding, header, HXL tag row, lines); then one reader reads
it: plan.py, DuckDB's own CSV scan (a `CsvPlan`: its connection and `read_csv` source, a
relation over the rows by `CsvPlan.query`), or files.py, the csv module, JSON and XLSX readers,
both handing the adapters pandas parts (part.py `Part`: the cells with their lines).

Where a mapping in SQL would go (one pass from the file to the staged rows): an adapter would
declare its mapping as a SELECT over the plan's relation (its columns are the header's); its
format's entry (etl/sources/registry.py) would hand the `CsvPlan` itself, not its parts, to
etl/stage.py, which owns the SQL that writes staged rows and would run that SELECT, with the
contract's checks, as the query that writes them. Files only the csv module reads keep the pandas
parts and the adapters' Cells.
"""

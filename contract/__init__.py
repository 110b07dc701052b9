"""The contract between the writer (etl/) and every reader (indicators/ and the floors above it):
the event schema and its controlled vocabularies (schema.py), a declaration of every warehouse
table and the layout derived from them (tables.py), and the published folder's protocol
(published.py). It imports nothing from the project but itself, so both sides can read it and
neither depends on the other."""

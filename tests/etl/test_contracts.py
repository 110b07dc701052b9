"""Every table of a built warehouse is its contract (contract/tables.py), as a dbt project's
schema.yml tests hold: the columns and DuckDB types of `DESCRIBE`, no table without a declaration,
no duplicate key, no required value missing, no value outside an allowed list; and the layout
the dashboard checks changes with any column.

Two warehouses: the bundled data's (the session's), and one grown by imports (etl/append.py) that
fills the tables the bundled data leave empty: duplicate ids, rows out of scope, revisions."""
import csv
import dataclasses
import re
import shutil

import duckdb
import pytest

from contract import tables
from contract.schema import Column
from contract.tables import BY_NAME, TABLES, WAREHOUSE_LAYOUT, Table, layout
from etl.build import build_warehouse
from etl.imports import import_file
from tests.helpers import DATA, FIXTURES, ROOT, TODAY


def problems(con: duckdb.DuckDBPyConnection, table: Table) -> list[str]:
    """What in `table` of the warehouse of `con` breaks its contract, one line each, naming the
    table and the column."""
    found = []
    described = [(name, kind, null) for name, kind, null, *_ in
                 con.execute(f'DESCRIBE "{table.name}"').fetchall()]
    names = [name for name, _, _ in described]
    for c in table.columns:
        if c.name not in names:
            found.append(f"{table.name}.{c.name}: declared ({c.sql_type}) but not in the table")
    for position, (name, kind, null) in enumerate(described):
        if name not in table.column_names:
            found.append(f"{table.name}.{name}: {kind} in the table but not declared")
            continue
        c = table.column(name)
        if kind != c.sql_type:
            found.append(f"{table.name}.{name}: {kind} in the table, {c.sql_type} declared")
        if null == "NO" and not c.required:
            found.append(f"{table.name}.{name}: NOT NULL in the table, not required in the contract")
        if table.column_names.index(name) != position:
            found.append(f"{table.name}.{name}: column {position + 1} in the table, "
                         f"{table.column_names.index(name) + 1} declared")
    if found:
        return found  # the values are checked against the columns declared
    for c in table.columns:
        if c.required:
            n = con.execute(f'SELECT count(*) FROM "{table.name}" WHERE "{c.name}" IS NULL').fetchone()[0]
            if n:
                found.append(f"{table.name}.{c.name}: required, null in {n} rows")
        if c.allowed:
            other = con.execute(f'SELECT DISTINCT "{c.name}" FROM "{table.name}" WHERE "{c.name}" '
                                f'NOT IN (SELECT unnest(?)) ORDER BY 1', [list(c.allowed)]).fetchall()
            if other:
                found.append(f"{table.name}.{c.name}: {[v for v, in other]} not one of {list(c.allowed)}")
    for keys in (table.key, *table.unique):
        if not keys:
            continue
        columns = ", ".join(f'"{k}"' for k in keys)
        twice = con.execute(f'SELECT {columns}, count(*) FROM "{table.name}" GROUP BY ALL '
                            f'HAVING count(*) > 1 ORDER BY ALL LIMIT 3').fetchall()
        if twice:
            found.append(f"{table.name}: key ({', '.join(keys)}) repeated: {twice}")
    return found


def objects(con: duckdb.DuckDBPyConnection) -> dict[str, bool]:
    """Every table and view of the warehouse: name -> is a view."""
    return dict(con.execute("SELECT table_name, table_type = 'VIEW' FROM information_schema.tables "
                            "WHERE table_catalog = current_database() ORDER BY 1").fetchall())


@pytest.fixture(scope="module")
def grown(tmp_path_factory):
    """A warehouse of the bundled data grown by two imports: ACLED rows of the region (some out of
    scope), and a newer copy of bundled UCDP rows with one figure revised (duplicate ids, a
    revision)."""
    root = tmp_path_factory.mktemp("grown")
    data = root / "data"
    for folder in ("raw", "reference"):
        shutil.copytree(DATA / folder, data / folder)
    warehouse = data / "warehouse.duckdb"
    build_warehouse(data, warehouse, today=TODAY)
    with open(DATA / "raw" / "ucdp_ged_pak_1989_2021_hdx.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, newer = rows[0], rows[2:7]
    best = header.index("best")
    newer[0][best] = str(int(float(newer[0][best])) + 3)
    with open(root / "ucdp_newer.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *newer])
    for path in (FIXTURES / "imports" / "acled_south_asia.csv", root / "ucdp_newer.csv"):
        import_file(path, data, warehouse, today=TODAY)
    return warehouse


def _open(path):
    return duckdb.connect(str(path), read_only=True)


@pytest.mark.parametrize("table", [t.name for t in TABLES])
def test_each_table_of_the_bundled_warehouse_is_its_contract(built, table):
    con = _open(built.warehouse)
    try:
        assert problems(con, BY_NAME[table]) == []
    finally:
        con.close()


@pytest.mark.slow
def test_each_table_of_a_warehouse_grown_by_imports_is_its_contract(grown):
    con = _open(grown)
    try:
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("duplicates", "out_of_scope", "revisions", "quality_flags")}
        assert all(counts.values()), counts  # the tables the bundled build leaves empty have rows
        assert [p for t in TABLES for p in problems(con, t)] == []
    finally:
        con.close()


@pytest.mark.parametrize("path", ["built", "grown"])
def test_no_table_or_view_without_a_contract(path, request):
    warehouse = request.getfixturevalue(path)
    con = _open(getattr(warehouse, "warehouse", warehouse))
    try:
        assert objects(con) == {t.name: t.view for t in TABLES}
        assert con.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0] == WAREHOUSE_LAYOUT
    finally:
        con.close()


def test_a_table_that_differs_from_its_contract_is_named_with_its_column(built, tmp_path):
    """The check can fail: a changed type, a missing and an extra column, a duplicate key, a value
    outside the list and a missing required value are each named."""
    copy = tmp_path / "changed.duckdb"
    shutil.copyfile(built.warehouse, copy)
    con = duckdb.connect(str(copy))
    try:
        con.execute("ALTER TABLE coverage ALTER events TYPE INTEGER")
        con.execute("ALTER TABLE actor_kinds DROP COLUMN reason")
        con.execute("ALTER TABLE actor_kinds ADD COLUMN note VARCHAR")
        assert problems(con, BY_NAME["coverage"]) == [
            "coverage.events: INTEGER in the table, BIGINT declared"]
        assert problems(con, BY_NAME["actor_kinds"]) == [
            "actor_kinds.reason: declared (VARCHAR) but not in the table",
            "actor_kinds.note: VARCHAR in the table but not declared"]
        con.execute("INSERT INTO categories VALUES ('riot', 'made up', false)")
        con.execute("INSERT INTO yardsticks SELECT * FROM yardsticks LIMIT 1")
        con.execute("UPDATE population SET source = NULL WHERE district_id = 'PAK-quetta'")
        assert problems(con, BY_NAME["categories"]) == [
            f"categories.category: ['riot'] not one of {list(tables.CATEGORIES)}"]
        assert problems(con, BY_NAME["yardsticks"]) == ["yardsticks: key (source_line) repeated: [(2, 2)]"]
        assert problems(con, BY_NAME["population"]) == ["population.source: required, null in 1 rows"]
        con.execute("CREATE TABLE scratch (x INTEGER)")
        assert objects(con)["scratch"] is False and "scratch" not in BY_NAME
    finally:
        con.close()


def test_the_layout_changes_with_any_column_and_not_with_words():
    cube = BY_NAME["event_cube"]
    changed_type = dataclasses.replace(cube, columns=tuple(
        dataclasses.replace(c, sql_type="INTEGER") if c.name == "events" else c for c in cube.columns))
    added = dataclasses.replace(cube, columns=(*cube.columns, Column("share", "DOUBLE", "new")))
    reworded = dataclasses.replace(cube, meaning="Other words.", columns=tuple(
        dataclasses.replace(c, description="other words") for c in cube.columns))
    others = tuple(t for t in TABLES if t.name != "event_cube")
    assert layout() == WAREHOUSE_LAYOUT
    assert layout((*others, changed_type)) != WAREHOUSE_LAYOUT
    assert layout((*others, added)) != WAREHOUSE_LAYOUT
    assert layout(others) != WAREHOUSE_LAYOUT  # a table gone
    assert layout((reworded, *others)) == WAREHOUSE_LAYOUT  # words and order do not count


def test_a_key_must_name_columns_of_its_table():
    with pytest.raises(ValueError, match="table t: key columns \\['b'\\]"):
        Table("t", "", "", (Column("a", "VARCHAR", ""),), key=("b",))


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_the_writer_a_contract_names_writes_its_table(table):
    """The module a contract names as the writer creates the table (or view) of that name."""
    source = (ROOT / table.writer).read_text(encoding="utf-8")
    assert re.search(rf"(TABLE|VIEW)( IF NOT EXISTS)? {table.name}\b|\"{table.name}\"", source), table.writer


def test_a_required_value_left_empty_in_a_file_names_its_line_not_a_constraint(tmp_path):
    """The tables created from their contracts refuse a null in a required column; the files
    behind them are checked first, so a person reads the line and the column, not DuckDB's NOT
    NULL error."""
    from etl import kinds, reference, yardsticks

    target = tmp_path / yardsticks.FILE
    target.parent.mkdir(parents=True)
    lines = (DATA / yardsticks.FILE).read_text(encoding="utf-8").splitlines(keepends=True)
    header, first = lines[0], lines[1].split(",")
    first[header.split(",").index("url")] = ""
    target.write_text(header + ",".join(first) + "".join(lines[2:]), encoding="utf-8")
    with reference.using(DATA / "reference"), pytest.raises(yardsticks.YardstickError) as err:
        yardsticks.load(tmp_path)
    assert str(err.value) == (f"{yardsticks.FILE} line 2: url is empty; fill it in (every row needs "
                              "country, year, publisher, measure, value, url).")

    folder = tmp_path / "reference"
    shutil.copytree(DATA / "reference", folder)
    table = folder / kinds.REFERENCE
    table.write_text(table.read_text(encoding="utf-8") + ",jihadist,no group named\n", encoding="utf-8")
    rows = len(table.read_text(encoding="utf-8").splitlines())
    with reference.using(folder), pytest.raises(kinds.KindProblem) as err:
        kinds.read()
    assert str(err.value) == f"{table} line {rows}: actor_group is empty; name the group or remove the line."


def test_the_tables_described_in_markdown_are_the_contracts():
    """tables_markdown() (for the docs' reference) has a section per table and a row per column."""
    text = tables.tables_markdown()
    assert [line[len("### `"):].split("`")[0] for line in text.splitlines() if line.startswith("### ")] \
        == [t.name for t in TABLES]
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert len(rows) == sum(len(t.columns) for t in TABLES)
    assert "| `kind` | VARCHAR | yes | Its kind. One of: " + ", ".join(tables.ACTOR_KINDS) + ". |" in rows

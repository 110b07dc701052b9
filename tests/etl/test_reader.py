"""The one reader (etl/read/): a CSV streamed from DuckDB in parts gives, row for row and
line for line, what Python's csv module reads from the same file, cells with line breaks included."""
import csv
import random

import pandas as pd
import pytest

from etl.read import files, plan, sniff


def write(path, rows, encoding="utf-8"):
    with open(path, "w", newline="", encoding=encoding) as handle:
        csv.writer(handle).writerows(rows)


def by_csv_module(path) -> pd.DataFrame:
    frame = files._tidy(files._read_csv_rows(sniff.decode(path.read_bytes(), path.name), path.name))
    return frame.drop(columns="_extra")


def test_parts_equal_the_csv_module_line_for_line(tmp_path):
    rng = random.Random(3)
    texts = ["plain", "two\nlines", "crlf\r\ninside", 'a "quoted" word', "comma, inside", " padded ",
             "Ça va, Peshawar — ضلع", ""]
    rows = [["id", "summary", "deaths"]]
    rows += [[f"e{i}", rng.choice(texts) + rng.choice(["", "\n" * rng.randint(1, 3)]), str(i % 7)]
             for i in range(6000)]
    path = tmp_path / "gtd_like.csv"
    write(path, rows)
    parts = list(files.read_chunks(path, path.name, rows=1000))
    assert len(parts) > 1  # streamed, not read whole
    streamed = pd.concat(parts, ignore_index=True)
    expected = by_csv_module(path)
    assert streamed["_line"].tolist() == expected["_line"].tolist()
    for column in ("id", "summary", "deaths"):
        assert streamed[column].tolist() == expected[column].tolist()
    assert files.count_records(path, path.name) == len(streamed) == 6000


def test_what_duckdb_refuses_is_read_whole_by_the_csv_module(tmp_path):
    latin = tmp_path / "latin1.csv"
    write(latin, [["id", "city"], ["1", "Café"], ["2", "Quetta"]], encoding="cp1252")
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("id,city\n1,Karachi\n2\n\n3,Quetta,extra\n", encoding="utf-8")
    for path in (latin, ragged):
        parts = list(files.read_chunks(path, path.name, rows=1))
        assert len(parts) == 1
        assert parts[0]["_line"].tolist() == by_csv_module(path)["_line"].tolist()
    assert list(files.read_chunks(latin, "latin1.csv"))[0]["city"].tolist() == ["Café", "Quetta"]


def test_line_breaks_first_seen_after_the_sample_rows_keep_the_lines_exact(tmp_path, monkeypatch):
    # breaks in `summary` from the first rows, in `notes` only far below the rows sampled for them
    monkeypatch.setattr(plan, "SAMPLE_ROWS", 20)
    rows = [["id", "summary", "notes"]]
    rows += [[f"e{i}", "two\nlines" if i % 3 == 0 else "one", "a\nb\nc" if i in (150, 151, 170) else "x"]
             for i in range(200)]
    path = tmp_path / "late_breaks.csv"
    write(path, rows)
    streamed = pd.concat(files.read_chunks(path, path.name, rows=50), ignore_index=True)
    expected = by_csv_module(path)
    assert streamed["_line"].tolist() == expected["_line"].tolist()
    assert streamed["notes"].tolist() == expected["notes"].tolist()


def test_a_streamed_read_whose_rows_do_not_add_up_asks_to_be_read_again(tmp_path, monkeypatch):
    """how="streamed" counts nothing before it reads: after the last part it raises Reread when
    the rows' lines fall short of the file's (a break first seen after the rows sampled) or a row
    is blank in every column read; the checked read gives the exact lines."""
    monkeypatch.setattr(plan, "SAMPLE_ROWS", 20)
    rows = [["id", "notes"]] + [[f"e{i}", "a\nb" if i == 150 else "x"] for i in range(200)]
    late = tmp_path / "late.csv"
    write(late, rows)
    with pytest.raises(plan.Reread, match="201 lines counted in its rows, the file has 202"):
        list(files.read_chunks(late, late.name, rows=50, how="streamed"))
    checked = pd.concat(files.read_chunks(late, late.name, rows=50, how="checked"), ignore_index=True)
    assert checked["_line"].tolist() == by_csv_module(late)["_line"].tolist()

    blank = tmp_path / "blank.csv"
    write(blank, [["id", "city"], ["1", "Karachi"], ["", " "], ["3", "Quetta"]])
    with pytest.raises(plan.Reread, match="a blank row"):
        list(files.read_chunks(blank, blank.name, how="streamed"))
    assert [p["_line"].tolist() for p in files.read_chunks(blank, blank.name)] == [[2, 4]]

    plain = tmp_path / "plain.csv"
    write(plain, [["id", "notes"]] + [[f"e{i}", "two\nlines" if i % 4 == 0 else "one"] for i in range(120)])
    streamed = pd.concat(files.read_chunks(plain, plain.name, rows=50, how="streamed"), ignore_index=True)
    assert streamed.equals(pd.concat(files.read_chunks(plain, plain.name, rows=50), ignore_index=True))
    assert streamed["_line"].tolist() == by_csv_module(plain)["_line"].tolist()


@pytest.mark.slow
def test_a_streamed_read_checks_the_text_of_the_columns_it_reads(tmp_path, monkeypatch):
    """how="streamed" counts the file's lines without decoding it: a byte that is not UTF-8 in a
    column not read changes nothing; one in a column read asks to be read again (the checked read
    then gives the file to the csv module, which reads it as Windows-1252). The byte lies in the
    last row of a 40 MB file, beyond what DuckDB reads to sample the first rows."""
    monkeypatch.setattr(plan, "SAMPLE_ROWS", 20)
    n = 100_000
    rows = [["id", "city", "notes"]] + [[f"e{i}", "Quetta", ("Café " if i == n - 1 else "x ") + "-" * 400]
                                        for i in range(n)]
    path = tmp_path / "latin_notes.csv"
    write(path, rows, encoding="cp1252")
    streamed = pd.concat(files.read_chunks(path, path.name, ("id", "city"), how="streamed"),
                         ignore_index=True)
    assert "notes" not in streamed and "_extra" not in streamed  # read by DuckDB
    assert streamed["_line"].tolist() == list(range(2, n + 2))

    with pytest.raises(plan.Reread):
        list(files.read_chunks(path, path.name, how="streamed"))
    whole = pd.concat(files.read_chunks(path, path.name, how="checked"), ignore_index=True)
    assert whole["notes"].iloc[-1].startswith("Café ") and len(whole) == n
    # read by the csv module, a file keeps the same columns as when DuckDB reads it
    csv_read = pd.concat(files.read_chunks(path, path.name, ("id", "city"), how="csv"), ignore_index=True)
    assert "notes" not in csv_read and csv_read["_line"].tolist() == streamed["_line"].tolist()

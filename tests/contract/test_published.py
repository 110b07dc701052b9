"""contract/published.py, the published folder's protocol as both sides use it: which version a
reader opens, which a publish removes, and that a publish refuses a warehouse its replicas would
refuse."""
import datetime as dt
import shutil

import duckdb
import pytest

from contract.published import (POINTER, NotPublished, current, current_version, to_prune,
                                version_name, versions)
from contract.tables import WAREHOUSE_LAYOUT
from etl.publish import PublishError, publish


def _folder(tmp_path, minutes, pointed):
    """A published folder with empty versions published at these minutes, the pointer naming the
    one at minute `pointed`."""
    names = [version_name(dt.datetime(2026, 12, 1, 3, m, tzinfo=dt.timezone.utc), "abc") for m in minutes]
    for name in names:
        (tmp_path / name).write_bytes(b"")
    (tmp_path / POINTER).write_text(names[minutes.index(pointed)] + "\n")
    return [tmp_path / n for n in names]


def test_names_sort_in_publishing_order_and_the_current_one_is_never_pruned(tmp_path):
    made = _folder(tmp_path, [5, 10, 59, 7], pointed=7)
    assert versions(tmp_path) == [made[0], made[3], made[1], made[2]]
    assert current_version(tmp_path) == made[3]
    # the newest two stay, and the current one (an older one the pointer went back to)
    assert to_prune(tmp_path, 2) == [made[0]]
    assert to_prune(tmp_path, 1) == [made[0], made[1]]


def test_a_pointer_to_anything_but_a_version_of_the_folder_is_refused(tmp_path):
    assert current(tmp_path) is None
    with pytest.raises(NotPublished, match="etl publish --to"):
        current_version(tmp_path)
    for name in ("", "../warehouse-1.duckdb", ".CURRENT.tmp", "notes.txt"):
        (tmp_path / POINTER).write_text(name + "\n")
        with pytest.raises(NotPublished, match="not a warehouse file of the folder"):
            current_version(tmp_path)


def test_a_warehouse_of_another_layout_is_not_published(built, tmp_path):
    old = tmp_path / "old.duckdb"
    shutil.copyfile(built.warehouse, old)
    con = duckdb.connect(str(old))
    con.execute("UPDATE meta SET value = 'events-v3' WHERE key = 'schema'")
    con.close()
    with pytest.raises(PublishError) as err:
        publish(old, tmp_path / "published")
    assert str(err.value) == (f"{old} has the layout events-v3, not {WAREHOUSE_LAYOUT} that this code "
                              "writes and its replicas read: they would refuse it. Build it again with "
                              "`.venv/bin/python -m etl build`, then publish.")
    assert not (tmp_path / "published" / POINTER).exists()  # must NOT happen: a pointer to it

"""Fixtures the ETL tests share."""
import shutil

import pytest

from tests.conftest import DATA


@pytest.fixture()
def data_dir(tmp_path):
    """A data/ folder with the bundled raw files, boundaries and references (no imports yet)."""
    data = tmp_path / "data"
    shutil.copytree(DATA / "raw", data / "raw")
    shutil.copytree(DATA / "reference", data / "reference")
    return data

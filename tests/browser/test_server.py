"""The test server itself: its output is written to a file, never to a pipe nobody reads (a
chatty server would fill the pipe and block)."""
import os

from tests.support.server import streamlit
from tests.helpers import SERVER_OPTIONS


def test_the_server_writes_its_output_to_a_file(built, tmp_path):
    log = tmp_path / "streamlit.log"
    with streamlit(built.warehouse, SERVER_OPTIONS, log=log) as (_, process):
        for fd in (1, 2):
            assert os.readlink(f"/proc/{process.pid}/fd/{fd}") == str(log)
    assert "URL: http://127.0.0.1:" in log.read_text()

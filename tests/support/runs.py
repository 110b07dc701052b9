"""Script runs as the server reports them (Streamlit's `script_finished` message on the app's
websocket) and as the page shows them, for timing a rerun until its frame is painted: the
benchmarks' way (bench/measure_browser.py), which polls so that the time ends at the paint.
Tests wait with `tests.support.app.StreamlitApp` instead."""
from __future__ import annotations

import time

from tests.support.page_state import DONE


def script_finished(payload) -> bool:
    """A websocket frame that is Streamlit's script_finished message."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    if not isinstance(payload, bytes):
        return False
    try:
        return ForwardMsg.FromString(payload).WhichOneof("type") == "script_finished"
    except Exception:  # noqa: BLE001 - not a ForwardMsg
        return False


class Socket:
    """What the server sends a page over its websocket: bytes, and the script runs it reports
    finished (Streamlit's script_finished messages)."""

    def __init__(self, page):
        self.bytes, self.finished = 0, 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload) -> None:
        data = payload if isinstance(payload, bytes) else payload.encode()
        self.bytes += len(data)
        self.finished += script_finished(data)


def runs(page, socket: Socket | None = None) -> tuple[int, int]:
    """Script runs finished so far: as the page saw them (page_state.COUNT_RUNS, added with
    page.add_init_script) and as the server announced them (the page's attribute can skip a very
    short run when React draws both changes at once)."""
    return page.evaluate("window.__runs") or 0, socket.finished if socket else 0


def wait_until_done(page, after: tuple[int, int] = (-1, -1), timeout: float = 120,
                    socket: Socket | None = None) -> None:
    """Block until a script run has finished since `after` (a runs() reading) and the page's
    elements are drawn."""
    deadline = time.monotonic() + timeout
    while True:
        seen, announced = runs(page, socket)
        if (seen > after[0] or (socket and announced > after[1])) and page.evaluate(DONE):
            return
        if time.monotonic() > deadline:
            raise TimeoutError("the page did not finish its rerun")
        time.sleep(0.01)

"""`StreamlitApp`: a Playwright page on the dashboard that knows when Streamlit has finished
running, the one way browser tests (and `make screenshots`) wait for the app."""
from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from tests.support.page_state import IDLE
from tests.support.runs import script_finished

if TYPE_CHECKING:
    from playwright.sync_api import Page


class StreamlitApp:
    """A Playwright page on the dashboard that knows when Streamlit has finished running, the
    way Streamlit's e2e suite does: from the server's script_finished messages on the app's
    websocket and the app's script-run state, never from sleeps or network idleness. (The
    page's state attribute alone is not enough: it reads 'notRunning' before the first run.)"""

    def __init__(self, page: Page, base_url: str, timeout: float = 60_000):
        self.page, self.base_url, self.timeout = page, base_url, timeout
        self._socket = None
        self._finished = 0  # script runs the server has reported finished on the current socket
        page.on("websocket", self._watch)

    def _watch(self, socket) -> None:
        if socket.url.endswith("/_stcore/stream"):  # counted from its first frame on
            self._socket, self._finished = socket, 0
            socket.on("framereceived", lambda payload: self._count(socket, payload))

    def _count(self, socket, payload) -> None:
        if socket is self._socket and script_finished(payload):
            self._finished += 1

    def _wait_for_run(self, before: int) -> None:
        """Until more than `before` runs have finished, then until the page has drawn them.
        Playwright hands events over only inside its calls, so nothing slips between the check
        and the wait."""
        if self._socket is None:
            self.page.wait_for_event("websocket", lambda ws: ws.url.endswith("/_stcore/stream"),
                                     timeout=self.timeout)
        if self._finished <= before:
            self._socket.wait_for_event("framereceived", script_finished, timeout=self.timeout)
        self.page.wait_for_function(IDLE, timeout=self.timeout)

    def open(self, path: str = "") -> Page:
        """Go to base_url/path; return the page once its first script run is finished and drawn."""
        self._socket = None
        self.page.goto(f"{self.base_url}/{path.lstrip('/')}")
        self._wait_for_run(0)
        return self.page

    @contextlib.contextmanager
    def rerun(self):
        """`with app.rerun(): <click, type...>` returns once the script run the block caused has
        finished and is drawn."""
        assert self._socket is not None, "open() the app first"
        before = self._finished
        yield
        self._wait_for_run(before)

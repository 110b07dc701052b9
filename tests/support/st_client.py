"""A minimal Streamlit client: one browser-like session on `/_stcore/stream`, speaking the protocol
with the protobufs shipped in streamlit. Used by bench/load.py to put many sessions on a server
without a browser per session, and by the cluster tests (tests/browser/test_cluster.py).

The exchange, as the frontend does it:
- connect with the subprotocol `streamlit` (the frontend adds an XSRF token and a session id for
  reconnects; neither is needed for a new session without auth);
- the server creates a session but runs nothing until the client sends a BackMsg `rerun_script`
  whose ClientState carries the URL's query string, the widget states, the page's script hash
  ('' for the default page) and the hashes of the messages the client has cached;
- the server answers with ForwardMsgs: `new_session` (page hashes, config), `delta`s (elements,
  each with a delta path; widgets carry their widget id in the element proto), `page_info_changed`
  (the query string the app wrote) and finally `script_finished`.
- A widget change is another `rerun_script` with the widget's new state (WidgetState by id); the
  server keeps the states of widgets that are not sent.
- Forward-message cache: a `new_element` delta of at least `global.minCachedMessageSize` (10 kB)
  has `metadata.cacheable`; the client keeps it by hash and lists the hashes in the next rerun's
  ClientState, and the server then sends only `ref_hash` for an unchanged element. Entries not
  used for more than `config.max_cached_message_age` runs are dropped (as the frontend does).
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect


class ProtocolError(RuntimeError):
    """The server sent something a browser could not have used (an unknown ref_hash, ...)."""


@dataclass
class Run:
    """One script run as the client saw it, from sending the rerun to `script_finished`."""

    seconds: float
    status: int  # ForwardMsg.ScriptFinishedStatus
    messages: int = 0  # ForwardMsgs received
    bytes: int = 0  # their serialized size (after websocket decompression)
    refs: int = 0  # of them, ref_hash messages resolved from the client's cache
    elements: list[Element] = field(default_factory=list)

    def errors(self) -> list[str]:
        """Exception elements and st.error boxes of this run, as short texts."""
        found = []
        for el in self.elements:
            kind = el.WhichOneof("type")
            if kind == "exception":
                found.append(f"exception {el.exception.type}: {el.exception.message[:160]}")
            elif kind == "alert" and el.alert.format == el.alert.ERROR:
                found.append(f"st.error: {el.alert.body[:160]}")
        if self.status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
            found.append("script finished with a compile error")
        return found

    def metric(self, label: str) -> str | None:
        """The body of the st.metric with this label, or None."""
        return next((el.metric.body for el in self.elements
                     if el.WhichOneof("type") == "metric" and el.metric.label == label), None)

    def widget_id(self, kind: str, label: str) -> str | None:
        """The widget id of the element of this type (e.g. 'slider') and label, or None."""
        return next((getattr(el, kind).id for el in self.elements
                     if el.WhichOneof("type") == kind and getattr(el, kind).label == label), None)


class Session:
    """One session. `await Session.open(url)`, then `await s.rerun(...)` and `await s.close()`."""

    def __init__(self, ws):
        self._ws = ws
        self.query_string = ""
        self.page_script_hash = ""
        self.max_cache_age = 2
        self._cache: dict[str, tuple[ForwardMsg, int]] = {}  # hash -> (message, run it was last used)
        self._runs = 0

    @classmethod
    async def open(cls, url: str, timeout: float = 30) -> Session:
        """Connect to the server at http://host:port/ (its /_stcore/stream endpoint)."""
        ws_url = url.replace("http://", "ws://", 1).rstrip("/") + "/_stcore/stream"
        ws = await asyncio.wait_for(connect(ws_url, subprotocols=["streamlit"], max_size=None),
                                    timeout)
        return cls(ws)

    async def close(self) -> None:
        await self._ws.close()

    async def rerun(self, widgets: list[WidgetState] = (), timeout: float = 60) -> Run:
        """Send a rerun with these widget states and read until the run's `script_finished`."""
        back = BackMsg()
        state = back.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = self.page_script_hash
        state.widget_states.widgets.extend(widgets)
        state.cached_message_hashes.extend(self._cache)
        state.context_info.timezone = "UTC"
        state.context_info.locale = "en-GB"
        start = time.monotonic()
        await self._ws.send(back.SerializeToString())
        run = Run(seconds=float("nan"), status=-1)
        async with asyncio.timeout(timeout):
            while True:
                payload = await self._ws.recv(decode=False)
                run.messages += 1
                run.bytes += len(payload)
                msg = ForwardMsg()
                msg.ParseFromString(payload)
                msg = self._resolve(msg, run)
                kind = msg.WhichOneof("type")
                if kind == "new_session":
                    self.page_script_hash = msg.new_session.page_script_hash
                    self.max_cache_age = msg.new_session.config.max_cached_message_age or 2
                elif kind == "page_info_changed":
                    self.query_string = msg.page_info_changed.query_string
                elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                    run.elements.append(msg.delta.new_element)
                elif kind == "script_finished":
                    if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        continue  # an earlier run cut short; ours follows
                    run.seconds = time.monotonic() - start
                    run.status = msg.script_finished
                    self._end_run()
                    return run

    def _resolve(self, msg: ForwardMsg, run: Run) -> ForwardMsg:
        """Keep cacheable messages; replace a ref_hash by the cached message (as the frontend)."""
        if msg.WhichOneof("type") == "ref_hash":
            if msg.ref_hash not in self._cache:
                raise ProtocolError(f"ref_hash {msg.ref_hash} is not in the client's cache")
            run.refs += 1
            cached, _ = self._cache[msg.ref_hash]
            self._cache[msg.ref_hash] = (cached, self._runs)
            return cached
        if msg.metadata.cacheable and msg.hash:
            self._cache[msg.hash] = (msg, self._runs)
        return msg

    def _end_run(self) -> None:
        self._runs += 1
        for key, (_, used) in list(self._cache.items()):
            if self._runs - used > self.max_cache_age:
                del self._cache[key]


def slider_state(widget_id: str, values: tuple[float, ...]) -> WidgetState:
    """The WidgetState a browser sends for a slider (st.slider sends its values as doubles)."""
    state = WidgetState(id=widget_id)
    state.double_array_value.data.extend(values)
    return state

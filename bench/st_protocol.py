"""A Streamlit client that speaks the browser's protocol, not a browser: one WebSocket to /_stcore/stream,
the same `BackMsg` protobufs the browser sends (`rerun_script` with the page, the query string and widget
states), and the `ForwardMsg`s back until `script_finished`.

One `Session` is one student's tab. It is what the load generator (bench/load.py, Locust) and the memory and
fairness tests drive; tests/test_protocol_client.py checks that it sees what Chromium sees.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
import websocket   # websocket-client: plain blocking sockets, which Locust's gevent patches cooperatively

MESSAGE_AGE = 2   # Streamlit's global.maxCachedMessageAge: script runs an unused cached element is kept
TEXT_ELEMENTS = ("markdown", "alert", "heading", "metric", "code", "text")


@dataclass
class Page:
    """What one script run drew: its elements by kind, widget ids by key, texts, and the server's time."""

    seconds: float
    elements: list = field(default_factory=list)          # (kind, proto) in arrival order
    widgets: dict = field(default_factory=dict)           # user key -> widget id
    status: str = ""
    favicon: str = ""                                     # the tab icon's URL, from page_config_changed
    bytes: int = 0                                        # bytes the server sent for this run

    def count(self, kind: str | None = None) -> int:
        return sum(1 for k, _ in self.elements if kind is None or k == kind)

    def texts(self) -> list[str]:
        out = []
        for kind, proto in self.elements:
            if kind == "markdown":
                out.append(proto.body)
            elif kind == "alert":
                out.append(proto.body)
            elif kind == "heading":
                out.append(proto.body)
            elif kind == "metric":
                out.append(f"{proto.label}: {proto.body}")
        return out

    def metrics(self) -> dict[str, str]:
        return {proto.label: proto.body for kind, proto in self.elements if kind == "metric"}


def widget_key(widget_id: str) -> str | None:
    """The user key at the end of a keyed widget's id ("$$ID-<hash>-<key>")."""
    parts = widget_id.split("-", 2)
    return parts[2] if widget_id.startswith("$$ID-") and len(parts) == 3 and parts[2] != "None" else None


class Session:
    """One simulated student: a WebSocket session on a running app."""

    def __init__(self, base_url: str, timeout: float = 120.0, headers: dict | None = None, remember: bool = False):
        self.url = base_url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        self.timeout = timeout
        self.socket = websocket.create_connection(
            self.url, subprotocols=["streamlit"], timeout=timeout,
            header=[f"{name}: {value}" for name, value in (headers or {}).items()])
        self.page_name = ""
        self.query = ""
        self.widgets: dict[str, str] = {}
        self.page_hash = ""
        # remember=True: every rerun sends every widget state set so far, as a browser does (a control moved
        # once keeps its value when another one moves); False sends only the control being moved
        self.remember = remember
        self.states: dict[str, dict] = {}   # key -> value, sent under the widget's current id
        # remember=True also keeps the browser's message cache: large elements (Streamlit's
        # global.minCachedMessageSize, 10 kB) are kept by hash, their hashes sent with every rerun, and the server
        # sends a reference instead of an element the browser already has; like the browser, an element unused
        # for more than MESSAGE_AGE runs is dropped (global.maxCachedMessageAge)
        self.messages: dict[str, list] = {}   # hash -> [ForwardMsg, the run that last used it]
        self.runs = 0

    def close(self) -> None:
        self.socket.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def open(self, page: str = "", query: str = "") -> Page:
        """Load a page as a link would (`page` is the URL path, "" for Home)."""
        self.page_name, self.query = page, query
        self.page_hash = ""
        return self._rerun([])

    def set(self, key: str, **value) -> Page:
        """Move one control, e.g. set("dyn_K", int_value=20), set("dyn_logx", bool_value=False)."""
        if not self.remember:
            return self._rerun([WidgetState(id=self.widgets[key], **value)])
        self.states[key] = value   # a widget's id can change (its label does, with the language): look it up now
        return self._rerun([WidgetState(id=self.widgets[k], **v) for k, v in self.states.items() if k in self.widgets])

    def _rerun(self, states: list[WidgetState]) -> Page:
        message = BackMsg()
        client = message.rerun_script
        client.query_string = self.query
        client.page_name = self.page_name
        client.page_script_hash = self.page_hash
        client.widget_states.widgets.extend(states)
        if self.remember:
            client.cached_message_hashes.extend(self.messages)
        started = time.perf_counter()
        self.socket.send_binary(message.SerializeToString())
        page = Page(seconds=0.0)
        deadline = started + self.timeout
        while True:
            self.socket.settimeout(max(0.1, deadline - time.perf_counter()))
            raw = self.socket.recv()
            page.bytes += len(raw)
            forward = ForwardMsg()
            forward.ParseFromString(raw)
            kind = forward.WhichOneof("type")
            if kind == "ref_hash" and forward.ref_hash in self.messages:   # an element this browser already has
                entry = self.messages[forward.ref_hash]
                entry[1] = self.runs
                delta_path = list(forward.metadata.delta_path)
                forward = ForwardMsg()
                forward.CopyFrom(entry[0])
                forward.metadata.ClearField("delta_path")
                forward.metadata.delta_path.extend(delta_path)
                kind = forward.WhichOneof("type")
            elif self.remember and forward.metadata.cacheable and forward.hash:
                self.messages[forward.hash] = [forward, self.runs]
            if kind == "navigation":   # st.navigation says which page ran: later reruns address it by hash
                self.page_hash = forward.navigation.page_script_hash or self.page_hash
            elif kind == "page_config_changed":
                page.favicon = forward.page_config_changed.favicon or page.favicon
            elif kind == "page_info_changed":
                self.query = forward.page_info_changed.query_string
            elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                element_kind = element.WhichOneof("type")
                proto = getattr(element, element_kind)
                page.elements.append((element_kind, proto))
                widget_id = getattr(proto, "id", "") if hasattr(proto, "id") else ""
                key = widget_key(widget_id) if widget_id else None
                if key:
                    page.widgets[key] = widget_id
                    self.widgets[key] = widget_id
            elif kind == "script_finished":
                self.runs += 1
                self.messages = {h: e for h, e in self.messages.items() if self.runs - e[1] <= MESSAGE_AGE}
                status = forward.script_finished
                page.status = ForwardMsg.ScriptFinishedStatus.Name(status)
                if status in (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
                              ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
                    break
                # FINISHED_EARLY_FOR_RERUN: the app called st.rerun(); its next run follows on this socket
        page.seconds = time.perf_counter() - started
        return page

"""Locust user class for a class of students on one Label Smoothing Lab server (issue 15).

Each simulated student speaks Streamlit's own protocol (bench/st_protocol.py: one WebSocket to
/_stcore/stream, `rerun_script` BackMsgs with the page, query string and widget states), not a browser:
it opens a page, moves controls, opens Dynamics with a new scene or trains on the training page, and reads the
result (waits for `script_finished`). Each interaction is reported to Locust with the server's time as the
client sees it, under the names "open", "slider", "run" and "train".

    locust -f bench/locustfile.py --headless -u 30 -r 3 -t 60s --host http://127.0.0.1:8501

bench/capacity.py runs it at several class sizes and writes the README's capacity table.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

from locust import User, between, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent))

from st_protocol import Session  # noqa: E402
from streamlit.proto.Common_pb2 import DoubleArray  # noqa: E402

THINK = (float(os.environ.get("LSR_THINK_MIN", "5")), float(os.environ.get("LSR_THINK_MAX", "15")))
SLIDER_PAGES = [("", "home_eps"), ("dynamics", "dyn_eps"), ("landscape", "land_eps"), ("gap_explorer", "gap_eps"),
                ("regulariser", "reg_eps")]


class Student(User):
    """One student's tab: most of the time reading and moving a slider, sometimes Run or Train."""

    wait_time = between(*THINK)

    def on_start(self) -> None:
        self.rng = random.Random()
        self.session = None
        self.page, self.key = self.rng.choice(SLIDER_PAGES)
        self._timed("open", lambda: self._connect(self.page, ""))

    def on_stop(self) -> None:
        if self.session is not None:
            self.session.close()

    def _connect(self, page: str, query: str):
        if self.session is not None:
            self.session.close()
        self.session = Session(self.host, timeout=180)
        return self.session.open(page, query)

    def _timed(self, name: str, action) -> None:
        started = time.perf_counter()
        try:
            page = action()
            problem = None
            if page.status != "FINISHED_SUCCESSFULLY":
                problem = RuntimeError(page.status)
            elif page.count("exception"):
                problem = RuntimeError("exception on the page")
            events.request.fire(request_type="ws", name=name, response_time=1000 * page.seconds,
                                response_length=page.count(), exception=problem, context={})
        except Exception as error:  # noqa: BLE001 - reported to Locust as a failure
            events.request.fire(request_type="ws", name=name, response_time=1000 * (time.perf_counter() - started),
                                response_length=0, exception=error, context={})
            self.session = None
            self._connect(self.page, "")

    @task(8)
    def move_slider(self) -> None:
        eps = self.rng.randrange(1, 100) / 100
        self._timed("slider", lambda: self.session.set(self.key, double_array_value=DoubleArray(data=[eps])))

    @task(1)
    def new_scene(self) -> None:
        """Watch the logits with a new K: a new scene to compute. (Run itself plays in the browser and costs
        the server nothing; the task keeps the name "run" the capacity tables use.)"""
        num_classes = self.rng.randrange(2, 200)
        self.page, self.key = "dynamics", "dyn_eps"
        self._timed("run", lambda: self._connect("dynamics", f"K={num_classes}"))

    @task(1)
    def train(self) -> None:
        seed = self.rng.randrange(10_000)
        self.page, self.key = "training", None

        def train_now():
            return self._connect("training", f"seed={seed}")
        self._timed("train", train_now)
        self.page, self.key = self.rng.choice(SLIDER_PAGES)
        self._timed("open", lambda: self._connect(self.page, ""))

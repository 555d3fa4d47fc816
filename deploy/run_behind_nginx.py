"""Run N app processes behind nginx with sticky sessions (deploy/nginx.conf.template), in the foreground.

    python deploy/run_behind_nginx.py [processes=2] [port=8080]

Each process is a plain `streamlit run app.py` on 127.0.0.1 (ports port+1 … port+N); nginx listens on
`port` (all interfaces only if LSR_LISTEN=0.0.0.0). Each process's output and nginx's errors go to
LSR_LOG_DIR (default: a temporary folder, removed on exit). Where Docker is available, the same layout is the
Dockerfile's image run N times behind this nginx configuration.

The runner supervises what it starts: an app process that dies is started again on its own port (after
RESTART_DELAYS, at most MAX_RESTARTS_PER_MINUTE times a minute, each logged), so a crash costs its students a
short "Connecting" in the browser instead of a silently halved class. Ctrl+C (SIGINT) or SIGTERM stops
everything within a bound (nginx closes open WebSockets after `worker_shutdown_timeout`), without a traceback.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
RESTART_DELAYS = (0.5, 1, 2, 4, 8)   # seconds before the 1st, 2nd, … restart in a row (then 8 s each)
MAX_RESTARTS_PER_MINUTE = 5          # per process; beyond that it stays down (logged) rather than crash-loop
STABLE_SECONDS = 30                  # a process that ran this long resets its backoff
STOP_SECONDS = 5                     # each process's grace on shutdown before it is killed


def _die_with_parent() -> None:
    """In a child, before it runs: on Linux, get SIGTERM when the runner dies (even by SIGKILL), so no app process
    or nginx outlives it on its port; elsewhere nothing."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def log(message: str) -> None:
    print(f"[run_behind_nginx {time.strftime('%H:%M:%S')}] {message}", flush=True)


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)


def render(listen: str, upstream_ports: list[int], prefix: str) -> str:
    upstreams = "\n".join(f"        server 127.0.0.1:{port} max_fails=0;" for port in upstream_ports)
    return (TEMPLATE.read_text().replace("@LISTEN@", listen).replace("@UPSTREAMS@", upstreams)
            .replace("@PREFIX@", prefix))


def wait_healthy(url: str, seconds: float = 60.0, stop: threading.Event | None = None) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if stop is not None and stop.is_set():
            return
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not become healthy")


class App:
    """One supervised `streamlit run app.py` on 127.0.0.1:`port`."""

    def __init__(self, port: int, log_dir: Path):
        self.port, self.log_path = port, log_dir / f"app-{port}.log"
        self.log_path.write_text("")   # this run's output only; a restart appends
        self.process: subprocess.Popen | None = None
        self.restarts: list[float] = []   # when it was restarted, for the per-minute bound
        self.in_a_row = 0
        self.started = 0.0

    def start(self) -> None:
        with open(self.log_path, "a") as out:
            # its own process group: a terminal's Ctrl+C reaches the runner only, which stops everything in order
            self.process = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(self.port),
                 "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_die_with_parent)
        self.started = time.monotonic()
        log(f"app on 127.0.0.1:{self.port} started (pid {self.process.pid})")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()

    def wait_stopped(self, deadline: float) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def supervise(apps: list[App], stop: threading.Event) -> None:
    """Restart any app process that exits while the runner is not stopping: after a growing delay, at most
    MAX_RESTARTS_PER_MINUTE times a minute per process; every exit and restart is logged."""
    due: dict[int, float] = {}   # port -> when to restart it
    given_up: set[int] = set()
    while not stop.wait(0.2):
        now = time.monotonic()
        for app in apps:
            if app.port in given_up or app.process is None or app.process.poll() is None:
                continue
            if app.port not in due:
                if now - app.started >= STABLE_SECONDS:
                    app.in_a_row = 0
                app.restarts = [t for t in app.restarts if now - t < 60]
                if len(app.restarts) >= MAX_RESTARTS_PER_MINUTE:
                    given_up.add(app.port)
                    log(f"app on 127.0.0.1:{app.port} exited (code {app.process.returncode}) "
                        f"{MAX_RESTARTS_PER_MINUTE} times within a minute: not restarting it; see {app.log_path}")
                    continue
                delay = RESTART_DELAYS[min(app.in_a_row, len(RESTART_DELAYS) - 1)]
                due[app.port] = now + delay
                log(f"app on 127.0.0.1:{app.port} exited (code {app.process.returncode}); restarting in {delay:g} s")
            elif now >= due[app.port]:
                del due[app.port]
                app.in_a_row += 1
                app.restarts.append(now)
                app.start()


@contextmanager
def cluster(processes: int, port: int, listen_host: str = "127.0.0.1", log_dir: Path | None = None,
            stop: threading.Event | None = None):
    """Start `processes` supervised app servers and nginx in front; yield nginx's URL; stop everything afterwards
    (nginx first, so no request reaches an app that is stopping). `stop`, when set, cuts the start-up short."""
    nginx = nginx_binary()
    if nginx is None:
        raise RuntimeError("nginx is not installed (Debian: apt-get install nginx-light)")
    stop = stop or threading.Event()
    prefix = tempfile.mkdtemp(prefix="lsr-nginx-")
    log_dir = Path(log_dir or prefix)
    apps = [App(port + 1 + i, log_dir) for i in range(processes)]
    supervisor_stop = threading.Event()
    supervisor = threading.Thread(target=supervise, args=(apps, supervisor_stop), name="supervisor", daemon=True)
    proxy = None
    try:
        for app in apps:
            app.start()
        for app in apps:
            wait_healthy(f"http://127.0.0.1:{app.port}", stop=stop)
        supervisor.start()
        config = Path(prefix) / "nginx.conf"
        config.write_text(render(f"{listen_host}:{port}", [app.port for app in apps], prefix))
        with open(log_dir / "nginx.log", "w") as errors:
            proxy = subprocess.Popen([nginx, "-p", prefix, "-c", str(config), "-g", "daemon off;"],
                                     stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True,
                                     preexec_fn=_die_with_parent)
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, stop=stop)
        yield url
    finally:
        supervisor_stop.set()
        if supervisor.is_alive():
            supervisor.join()
        if proxy is not None and proxy.poll() is None:
            proxy.send_signal(signal.SIGQUIT)   # graceful: bounded by worker_shutdown_timeout in the template
            try:
                proxy.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                proxy.kill()
                proxy.wait()
        for app in apps:
            app.stop()
        deadline = time.monotonic() + STOP_SECONDS
        for app in apps:
            app.wait_stopped(deadline)
        shutil.rmtree(prefix, ignore_errors=True)


def main() -> None:
    processes = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 8080
    stop = threading.Event()

    def on_signal(number, frame):   # no KeyboardInterrupt in the middle of start-up or clean-up
        if stop.is_set():
            return
        log(f"{signal.Signals(number).name}: stopping nginx and the app processes")
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    started = None
    try:
        with cluster(processes, port, os.environ.get("LSR_LISTEN", "127.0.0.1"), log_dir=os.environ.get("LSR_LOG_DIR"),
                     stop=stop) as url:
            if not stop.is_set():
                log(f"Label Smoothing Lab: {processes} processes behind nginx at {url} (Ctrl+C stops)")
            while not stop.wait(3600):
                pass
            started = time.monotonic()
    except RuntimeError as error:   # nginx missing, a process that never became healthy
        log(f"error: {error}")
        sys.exit(1)
    if started is not None:
        log(f"stopped in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()

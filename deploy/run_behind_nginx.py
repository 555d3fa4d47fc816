"""Run N app processes behind nginx with sticky sessions (deploy/nginx.conf.template), in the foreground.

    python deploy/run_behind_nginx.py [processes=2] [port=8080]

Each process is a plain `streamlit run app.py` on 127.0.0.1 (ports port+1 … port+N); nginx listens on
`port` (all interfaces only if LSR_LISTEN=0.0.0.0). Where Docker is available, the same layout is the
Dockerfile's image run N times behind this nginx configuration.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).with_name("nginx.conf.template")


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)


def render(listen: str, upstream_ports: list[int], prefix: str) -> str:
    upstreams = "\n".join(f"        server 127.0.0.1:{port};" for port in upstream_ports)
    return (TEMPLATE.read_text().replace("@LISTEN@", listen).replace("@UPSTREAMS@", upstreams)
            .replace("@PREFIX@", prefix))


def wait_healthy(url: str, seconds: float = 60.0) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not become healthy")


@contextmanager
def cluster(processes: int, port: int, listen_host: str = "127.0.0.1", log_dir: Path | None = None):
    """Start `processes` app servers and nginx in front; yield nginx's URL; stop everything afterwards."""
    nginx = nginx_binary()
    if nginx is None:
        raise RuntimeError("nginx is not installed (Debian: apt-get install nginx-light)")
    prefix = tempfile.mkdtemp(prefix="lsr-nginx-")
    log_dir = log_dir or Path(prefix)
    ports = [port + 1 + i for i in range(processes)]
    apps = []
    try:
        for app_port in ports:
            log = open(log_dir / f"app-{app_port}.log", "w")
            apps.append(subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(app_port),
                 "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                cwd=ROOT, stdout=log, stderr=subprocess.STDOUT))
        for app_port in ports:
            wait_healthy(f"http://127.0.0.1:{app_port}")
        config = Path(prefix) / "nginx.conf"
        config.write_text(render(f"{listen_host}:{port}", ports, prefix))
        proxy = subprocess.Popen([nginx, "-p", prefix, "-c", str(config), "-g", "daemon off;"],
                                 stdout=subprocess.DEVNULL, stderr=open(log_dir / "nginx.log", "w"))
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url)
        try:
            yield url
        finally:
            proxy.send_signal(signal.SIGQUIT)
            proxy.wait(timeout=10)
    finally:
        for app in apps:
            app.terminate()
        for app in apps:
            try:
                app.wait(timeout=10)
            except subprocess.TimeoutExpired:
                app.kill()
        shutil.rmtree(prefix, ignore_errors=True)


def main() -> None:
    processes = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 8080
    with cluster(processes, port, os.environ.get("LSR_LISTEN", "127.0.0.1")) as url:
        print(f"Label Smoothing Lab: {processes} processes behind nginx at {url} (Ctrl+C stops)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()

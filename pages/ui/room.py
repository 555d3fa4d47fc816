"""The link students open (issue 25): an address the room can reach, and the same link as a QR code.

The browser's own address is no use to a class: on the teacher's laptop it is 127.0.0.1. The app listens where
`server.address` says; `make run ADDRESS=0.0.0.0` opens it to the network and also tells the app the address
the room reaches it at (`LSR_ROOM_ADDRESS`, this computer's first network address, or the teacher's choice:
`make run ADDRESS=0.0.0.0 ROOM_ADDRESS=192.168.1.20`). Pure functions, except `qr_png`, which draws the code.

QR codes are drawn by segno (pure Python, no dependencies, maintained since 2016; see README, Runtime
dependencies): a QR encoder is a few thousand lines of Reed-Solomon and mask scoring that are not worth
writing again.
"""

from __future__ import annotations

import io
import ipaddress
from dataclasses import dataclass
from urllib.parse import urlencode

ROOM_ADDRESS_VARIABLE = "LSR_ROOM_ADDRESS"
EVERY_INTERFACE = ("0.0.0.0", "::", "")


@dataclass(frozen=True)
class RoomAddress:
    """Where students reach this server: `base` ("http://host:port") or None, and why (`case`):
    "room" (an address the room can reach), "local" (the server listens on this computer only) or "unknown"
    (it listens on every interface, but nobody said which address the room uses)."""

    base: str | None
    case: str


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def room_address(listen_address: str | None, room: str | None, port: int) -> RoomAddress:
    """The base URL students open, from the address the server listens on, the room address it was given, and
    its port.

    >>> room_address("0.0.0.0", "192.168.1.20", 8501)
    RoomAddress(base='http://192.168.1.20:8501', case='room')
    >>> room_address("127.0.0.1", None, 8501).case, room_address("0.0.0.0", None, 8501).case
    ('local', 'unknown')
    >>> room_address("10.0.0.5", None, 80).base
    'http://10.0.0.5:80'
    """
    listen = (listen_address or "").strip()
    if _is_loopback(listen):
        return RoomAddress(None, "local")     # whatever it was told, nobody else can reach it
    host = (room or "").strip() or (listen if listen not in EVERY_INTERFACE else "")
    if not host or _is_loopback(host):
        return RoomAddress(None, "unknown")
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"                    # an IPv6 address in a URL
    return RoomAddress(f"http://{host}:{int(port)}", "room")


def student_link(base: str, path: str, query: dict[str, str]) -> str:
    """The link for one page: `base` + `/path` + the query (commas kept readable, as the lesson link writes them).

    >>> student_link("http://10.0.0.5:8501", "/dynamics", {"eps": "0.1", "hide": "K,conv", "lang": "zh"})
    'http://10.0.0.5:8501/dynamics?eps=0.1&hide=K,conv&lang=zh'
    >>> student_link("http://10.0.0.5:8501", "", {})
    'http://10.0.0.5:8501/'
    """
    path = "/" + path.lstrip("/")
    return base.rstrip("/") + path + ("?" + urlencode(query, safe=",") if query else "")


def qr_png(text: str, scale: int = 8) -> bytes:
    """`text` as a QR code (medium error correction, the standard 4-module quiet zone), a PNG."""
    import segno

    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(out, kind="png", scale=scale, border=4, dark="#000000", light="#ffffff")
    return out.getvalue()


def qr_matrix(text: str) -> list[list[int]]:
    """The QR code's modules (1 dark), without the quiet zone: what a test compares with the PNG."""
    import segno

    return [list(row) for row in segno.make(text, error="m", micro=False).matrix]

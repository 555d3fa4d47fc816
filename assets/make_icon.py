"""Draw the tab icon (assets/icon.png) with the standard library only: two bars, one-hot against smoothed,
in the app's colours. Served by the app itself, so the page asks no font CDN for an icon."""

import struct
import zlib
from pathlib import Path

SIZE = 64
BLUE, ORANGE = (0, 114, 178, 255), (230, 159, 0, 255)


def pixel(x: int, y: int) -> tuple[int, int, int, int]:
    # a rounded tile; left bar tall (one-hot), right bars short (the smoothed mass)
    if not (6 <= x < 58 and 6 <= y < 58):
        return (0, 0, 0, 0)
    if 12 <= x < 26 and 12 <= y < 52:
        return BLUE
    if 30 <= x < 40 and 40 <= y < 52 or 44 <= x < 54 and 40 <= y < 52:
        return ORANGE
    return (242, 245, 249, 255)


def png(width: int, height: int) -> bytes:
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    Path(__file__).with_name("icon.png").write_bytes(png(SIZE, SIZE))

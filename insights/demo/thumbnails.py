"""Small generated pictures for the demo's ad creatives: a PNG each (a few KB), drawn
deterministically with the standard library, so `insights demo-data` writes them byte for
byte and the demo API serves them as Meta's CDN serves a creative's `thumbnail_url`."""

from __future__ import annotations

import hashlib
import struct
import zlib

SIZE = 64  # Meta's default creative thumbnail is 64 x 64 (AdCreative, thumbnail_width)


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def _palette(seed: str) -> tuple[tuple[int, int, int], tuple[int, int, int], int, int]:
    digest = hashlib.sha256(seed.encode()).digest()
    sky = (90 + digest[0] % 120, 120 + digest[1] % 100, 170 + digest[2] % 80)
    ground = (40 + digest[3] % 90, 70 + digest[4] % 110, 40 + digest[5] % 70)
    peak = 8 + digest[6] % (SIZE // 2)  # where the mountain's top is
    left = 8 + digest[7] % (SIZE - 16)
    return sky, ground, peak, left


def thumbnail_png(seed: str) -> bytes:
    """A 64 x 64 picture (sky, a mountain, a sun) whose colours and shape follow `seed`."""
    sky, ground, peak, left = _palette(seed)
    sun_x, sun_y = (left + SIZE // 2) % SIZE, 10
    rows = []
    for y in range(SIZE):
        line = bytearray([0])  # filter type 0 for each scanline
        for x in range(SIZE):
            height = peak + abs(x - left)  # the mountain's edge at this column
            if y >= height:
                shade = min(40, (y - height) // 2)
                pixel = tuple(max(0, c - shade) for c in ground)
            elif (x - sun_x) ** 2 + (y - sun_y) ** 2 <= 25:
                pixel = (250, 220, 120)
            else:
                pixel = tuple(min(255, c + y // 2) for c in sky)
            line.extend(pixel)
        rows.append(bytes(line))
    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )

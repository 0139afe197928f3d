"""Small, valid audio files of each allowed container, built byte by byte for the tests
(real encoders for WAV and MP3 are used where the machine has them)."""

from __future__ import annotations

import struct


def ogg_opus(seconds: float) -> bytes:
    """An Ogg Opus stream: the head page, then one page whose granule ends at `seconds`."""

    def page(sequence: int, granule: int, body: bytes, kind: int) -> bytes:
        return (b"OggS" + bytes([0, kind]) + struct.pack("<qII", granule, 7, sequence)
                + b"\0\0\0\0" + bytes([1, len(body)]) + body)

    head = b"OpusHead" + bytes([1, 1]) + struct.pack("<HIhB", 312, 48000, 0, 0)
    return (page(0, 0, head, 2) + page(1, 0, b"OpusTags" + b"\0" * 8, 0)
            + page(2, int(seconds * 48000), b"\xfc" * 60, 4))


def wav(seconds: float, rate: int = 8000) -> bytes:
    samples = b"\0\0" * int(seconds * rate)
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + \
        struct.pack("<I", len(samples)) + samples
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _ebml(ident: int, body: bytes, unknown: bool = False) -> bytes:
    raw = ident.to_bytes((ident.bit_length() + 7) // 8, "big")
    size = b"\x01\xff\xff\xff\xff\xff\xff\xff" if unknown else \
        (0x1000_0000 | len(body)).to_bytes(4, "big")
    return raw + size + body


def webm(seconds: float, track_type: int = 2) -> bytes:
    """As Chromium's MediaRecorder writes it: segment and clusters of unknown size, no
    duration in the info; one block per second."""
    header = _ebml(0x1A45DFA3, _ebml(0x4282, b"webm"))
    info = _ebml(0x1549A966, _ebml(0x2AD7B1, (1_000_000).to_bytes(3, "big")))
    tracks = _ebml(0x1654AE6B, _ebml(0xAE, _ebml(0xD7, b"\x01") + _ebml(0x83, bytes([track_type]))))
    clusters = b""
    for second in range(int(seconds) + 1):
        block = _ebml(0xA3, b"\x81" + struct.pack(">h", 0) + b"\x80" + b"\xfc" * 20)
        clusters += _ebml(0x1F43B675, _ebml(0xE7, (second * 1000).to_bytes(4, "big")) + block,
                          unknown=True)
    return header + _ebml(0x18538067, info + tracks + clusters, unknown=True)


def _box(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", 8 + len(body)) + kind + body


def mp4(seconds: float, handler: bytes = b"soun") -> bytes:
    mvhd = _box(b"mvhd", b"\0" * 12 + struct.pack(">II", 1000, int(seconds * 1000)) + b"\0" * 80)
    hdlr = _box(b"hdlr", b"\0" * 8 + handler + b"\0" * 13)
    trak = _box(b"trak", _box(b"mdia", hdlr))
    return _box(b"ftyp", b"M4A \0\0\0\0") + _box(b"moov", mvhd + trak) + _box(b"mdat", b"\0" * 50)


def adts(seconds: float) -> bytes:
    """AAC frames at 16 kHz (1024 samples each)."""
    frame = bytearray(b"\xff\xf1\x60\x40\x00\x1f\xfc" + b"\0" * 9)  # 16-byte frames
    size = len(frame)
    frame[3] = (frame[3] & 0xFC) | (size >> 11 & 3)
    frame[4] = size >> 3 & 0xFF
    frame[5] = (size & 7) << 5 | 0x1F
    return bytes(frame) * max(1, round(seconds * 16000 / 1024))

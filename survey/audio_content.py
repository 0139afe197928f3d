"""Is an upload the audio it claims to be? A strict check of the bytes, and their length.

A recording is stored and later served to participants, so its declared type is not
trusted: the bytes must be a whole file of that type's container, walked from the first
byte to the last (nothing before, after or between its units), holding audio only, and
no longer than MAX_SECONDS. No decoder runs: each container is parsed as far as needed
to know it is one, and to read its duration:

- WAV: RIFF chunks; the data size over the byte rate.
- Ogg (Opus or Vorbis): every page; the last granule position over the sample rate.
- MP3: an optional ID3v2 tag, MPEG audio frames, an optional ID3v1 tag; frames counted.
- AAC (ADTS): frames counted.
- MP4/M4A: the boxes, every track a sound track; the movie header's duration (a
  fragmented file, as Safari records, may leave it 0: then only the size bounds it).
- WebM (Matroska): the EBML header and the segment's elements (the sizes the browser
  leaves unknown are followed), every track audio; the info's duration, else the last
  block's time (Chromium's MediaRecorder writes no duration).

No library here: mutagen, the usual one, cannot read WebM, which is what Chromium and
Edge record.
"""

from __future__ import annotations

import struct

# The longest a screen's reading may be: the welcome text read slowly fits in 3 minutes.
MAX_SECONDS = 180


class NotAudio(ValueError):
    """The bytes are not a whole file of the claimed type, or hold something else."""


def duration(audio: bytes, mimetype: str) -> float:
    """The recording's length in seconds (0.0 when the container does not say); raises
    NotAudio when the bytes are not what `mimetype` claims."""
    check = _CHECKS.get(mimetype)
    if check is None:
        raise NotAudio(mimetype)
    try:
        seconds = check(audio)
    except (struct.error, IndexError, ZeroDivisionError) as error:
        raise NotAudio(mimetype) from error
    if seconds < 0 or seconds != seconds:  # negative or NaN
        raise NotAudio(mimetype)
    return seconds


def _require(condition: bool) -> None:
    if not condition:
        raise NotAudio("structure")


# ---- WAV ------------------------------------------------------------------------------


def _wav(data: bytes) -> float:
    _require(data[:4] == b"RIFF" and data[8:12] == b"WAVE")
    at, byte_rate, samples = 12, 0, None
    while at < len(data):
        _require(at + 8 <= len(data))
        chunk, size = data[at:at + 4], struct.unpack_from("<I", data, at + 4)[0]
        _require(at + 8 + size <= len(data))
        if chunk == b"fmt ":
            byte_rate = struct.unpack_from("<I", data, at + 16)[0]
        elif chunk == b"data":
            samples = size
        at += 8 + size + (size & 1)
    _require(at <= len(data) + 1 and byte_rate > 0 and samples is not None)
    return samples / byte_rate  # type: ignore[operator]


# ---- Ogg ------------------------------------------------------------------------------


def _ogg(data: bytes) -> float:
    at, rate, granule = 0, 0, 0
    while at < len(data):
        _require(data[at:at + 4] == b"OggS" and data[at + 4] == 0)
        count = data[at + 26]
        body = at + 27 + count
        size = sum(data[at + 27:body])
        _require(len(data[at + 27:body]) == count and body + size <= len(data))
        if at == 0:
            packet = data[body:body + size]
            if packet.startswith(b"OpusHead"):
                rate = 48000  # Opus granules always count 48 kHz samples
            elif packet.startswith(b"\x01vorbis"):
                rate = struct.unpack_from("<I", packet, 12)[0]
            else:
                raise NotAudio("ogg without opus or vorbis")
        position = struct.unpack_from("<q", data, at + 6)[0]
        granule = max(granule, position)
        at = body + size
    _require(rate > 0)
    return granule / rate


# ---- MP3 and AAC ------------------------------------------------------------------------

_MP3_BITRATES = {  # kbit/s by (MPEG-1?, layer)
    (True, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_MP3_BITRATES[(False, 3)] = _MP3_BITRATES[(False, 2)]
_MP3_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
_ADTS_RATES = (96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025,
               8000, 7350)


def _skip_id3v2(data: bytes) -> int:
    if data[:3] != b"ID3":
        return 0
    size = 0
    for byte in data[6:10]:
        _require(byte < 0x80)
        size = size << 7 | byte
    return 10 + size + (10 if data[5] & 0x10 else 0)


def _end_without_id3v1(data: bytes) -> int:
    return len(data) - 128 if len(data) >= 128 and data[-128:-125] == b"TAG" else len(data)


def _mp3(data: bytes) -> float:
    at, end, seconds, frames = _skip_id3v2(data), _end_without_id3v1(data), 0.0, 0
    while at < end:
        _require(at + 4 <= end)
        header = struct.unpack_from(">I", data, at)[0]
        _require(header >> 21 == 0x7FF)
        version, layer_bits = header >> 19 & 3, header >> 17 & 3
        bitrate_index, rate_index, padding = header >> 12 & 15, header >> 10 & 3, header >> 9 & 1
        _require(version != 1 and layer_bits != 0 and 0 < bitrate_index < 15 and rate_index < 3)
        layer, mpeg1 = 4 - layer_bits, version == 3
        bitrate = _MP3_BITRATES[(mpeg1, layer)][bitrate_index] * 1000
        rate = _MP3_RATES[version][rate_index]
        if layer == 1:
            size, samples = (12 * bitrate // rate + padding) * 4, 384
        else:
            per = 144 if layer == 2 or mpeg1 else 72
            size, samples = per * bitrate // rate + padding, 1152 if per == 144 else 576
        _require(at + size <= end)
        at += size
        seconds += samples / rate
        frames += 1
    _require(frames > 0)
    return seconds


def _aac(data: bytes) -> float:
    at, seconds, frames = _skip_id3v2(data), 0.0, 0
    while at < len(data):
        _require(at + 7 <= len(data) and data[at] == 0xFF and data[at + 1] & 0xF6 == 0xF0)
        rate_index = data[at + 2] >> 2 & 15
        size = (data[at + 3] & 3) << 11 | data[at + 4] << 3 | data[at + 5] >> 5
        _require(rate_index < len(_ADTS_RATES) and size >= 7 and at + size <= len(data))
        at += size
        seconds += 1024 * ((data[at - size + 6] & 3) + 1) / _ADTS_RATES[rate_index]
        frames += 1
    _require(frames > 0)
    return seconds


# ---- MP4 ------------------------------------------------------------------------------


def _boxes(data: bytes, start: int, end: int) -> dict[bytes, list[tuple[int, int]]]:
    """Box type -> [(body start, body end)]; the boxes must fill start..end exactly."""
    found: dict[bytes, list[tuple[int, int]]] = {}
    at = start
    while at < end:
        _require(at + 8 <= end)
        size, kind = struct.unpack_from(">I4s", data, at)
        header = 8
        if size == 1:
            size, header = struct.unpack_from(">Q", data, at + 8)[0], 16
        elif size == 0:
            size = end - at
        _require(size >= header and at + size <= end)
        found.setdefault(kind, []).append((at + header, at + size))
        at += size
    return found


def _mp4(data: bytes) -> float:
    top = _boxes(data, 0, len(data))
    _require(data[4:8] == b"ftyp" and b"moov" in top)
    moov = _boxes(data, *top[b"moov"][0])
    _require(b"mvhd" in moov and b"trak" in moov)
    for trak in moov[b"trak"]:
        mdia = _boxes(data, *_boxes(data, *trak)[b"mdia"][0])
        handler_start = mdia[b"hdlr"][0][0]
        _require(data[handler_start + 8:handler_start + 12] == b"soun")
    start = moov[b"mvhd"][0][0]
    if data[start] == 1:
        scale, length = struct.unpack_from(">IQ", data, start + 20)
    else:
        scale, length = struct.unpack_from(">II", data, start + 12)
    return length / scale


# ---- WebM -----------------------------------------------------------------------------

_EBML, _SEGMENT, _CLUSTER, _INFO, _TRACKS = 0x1A45DFA3, 0x18538067, 0x1F43B675, 0x1549A966, \
    0x1654AE6B
_TRACK_ENTRY, _TRACK_TYPE, _DOC_TYPE = 0xAE, 0x83, 0x4282
_SCALE, _DURATION, _TIMECODE, _SIMPLE_BLOCK, _BLOCK_GROUP, _BLOCK = 0x2AD7B1, 0x4489, 0xE7, \
    0xA3, 0xA0, 0xA1
# Elements a segment may hold at its top level (one of them ends a cluster of unknown size).
_SEGMENT_CHILDREN = {0x114D9B74, _INFO, _TRACKS, _CLUSTER, 0x1C53BB6B, 0x1254C367, 0xEC,
                     0xBF, 0x1043A770, 0x1941A469}
_UNKNOWN = -1


def _vint(data: bytes, at: int, keep_marker: bool) -> tuple[int, int]:
    first = data[at]
    _require(first != 0)
    length = 9 - first.bit_length()
    value = first if keep_marker else first & (0xFF >> length)
    for byte in data[at + 1:at + length]:
        value = value << 8 | byte
    _require(at + length <= len(data))
    if not keep_marker and value == (1 << (7 * length)) - 1:
        value = _UNKNOWN
    return value, at + length


def _element(data: bytes, at: int) -> tuple[int, int, int]:
    """(id, body start, body end or _UNKNOWN)."""
    ident, at = _vint(data, at, keep_marker=True)
    size, at = _vint(data, at, keep_marker=False)
    _require(size == _UNKNOWN or at + size <= len(data))
    return ident, at, _UNKNOWN if size == _UNKNOWN else at + size


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    found, at = [], start
    while at < end:
        ident, body, stop = _element(data, at)
        _require(stop != _UNKNOWN)
        found.append((ident, body, stop))
        at = stop
    _require(at == end)
    return found


def _uint(data: bytes, start: int, end: int) -> int:
    return int.from_bytes(data[start:end], "big")


def _webm(data: bytes) -> float:
    ident, body, end = _element(data, 0)
    _require(ident == _EBML and end != _UNKNOWN)
    doc = [data[b:e] for i, b, e in _children(data, body, end) if i == _DOC_TYPE]
    _require(doc in ([b"webm"], [b"matroska"]))
    ident, at, segment_end = _element(data, end)
    _require(ident == _SEGMENT)
    segment_end = len(data) if segment_end == _UNKNOWN else segment_end
    _require(segment_end == len(data))
    scale, stated, last, tracks = 1_000_000, 0.0, 0, 0
    while at < segment_end:
        ident, body, stop = _element(data, at)
        _require(ident in _SEGMENT_CHILDREN)
        if ident == _CLUSTER:
            at, last = _cluster(data, body, segment_end if stop == _UNKNOWN else stop, last)
            continue
        _require(stop != _UNKNOWN)
        if ident == _INFO:
            for child, b, e in _children(data, body, stop):
                if child == _SCALE:
                    scale = _uint(data, b, e)
                elif child == _DURATION:
                    stated = struct.unpack(">f" if e - b == 4 else ">d", data[b:e])[0]
        elif ident == _TRACKS:
            for entry, b, e in _children(data, body, stop):
                _require(entry == _TRACK_ENTRY)
                kinds = [_uint(data, cb, ce) for c, cb, ce in _children(data, b, e)
                         if c == _TRACK_TYPE]
                _require(kinds == [2])  # audio, and nothing else
                tracks += 1
        at = stop
    _require(tracks > 0)
    return max(stated, last) * scale / 1e9


def _cluster(data: bytes, at: int, end: int, last: int) -> tuple[int, int]:
    """Walk a cluster (its end may be unknown: then up to the next top-level element).
    Returns where it ends and the latest block time seen, in timecode units."""
    base = 0
    while at < end:
        ident, body, stop = _element(data, at)
        if ident in _SEGMENT_CHILDREN:
            return at, last  # the next cluster (or cues...) begins: this one is over
        _require(stop != _UNKNOWN)
        if ident == _TIMECODE:
            base = _uint(data, body, stop)
        elif ident in (_SIMPLE_BLOCK, _BLOCK_GROUP):
            block = body
            if ident == _BLOCK_GROUP:
                blocks = [b for c, b, _e in _children(data, body, stop) if c == _BLOCK]
                _require(len(blocks) == 1)
                block = blocks[0]
            _track, after = _vint(data, block, keep_marker=False)
            last = max(last, base + struct.unpack_from(">h", data, after)[0])
        at = stop
    _require(at == end)
    return at, last


_CHECKS = {
    "audio/wav": _wav, "audio/x-wav": _wav, "audio/ogg": _ogg, "audio/mpeg": _mp3,
    "audio/aac": _aac, "audio/mp4": _mp4, "audio/webm": _webm,
}

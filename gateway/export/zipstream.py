"""A ZIP archive written front to back as byte chunks, in memory that does not grow.

zipfile.ZipFile keeps a ZipInfo per entry until it writes the central directory (about
400 bytes each: 40 MB for 100 000 records). Here each entry's central directory record is
packed as soon as the entry is written and parked in a spooled temporary file, which moves
to disk past a megabyte, and is streamed back at the end.

Entries are whole byte strings, so CRC and sizes are known before the local header is
written and no data descriptors are needed. ZIP64 records are added when the archive holds
more than 65 535 entries or grows past 4 GiB; any unzip of the last twenty years reads them.
"""
from __future__ import annotations

import struct
import tempfile
import zlib
from datetime import datetime
from typing import Iterator

_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_ZIP64_END = struct.Struct("<IQHHIIQQQQ")
_ZIP64_LOCATOR = struct.Struct("<IIQI")
_END = struct.Struct("<IHHHHIIH")
_ZIP64_OFFSET = struct.Struct("<HHQ")

_UTF8_NAMES = 0x0800
_DEFLATED = 8
_VERSION = 20
_VERSION_ZIP64 = 45
_MADE_BY_UNIX = 3 << 8
_FILE_MODE = 0o100644 << 16
_MAX_16 = 0xFFFF
_MAX_32 = 0xFFFFFFFF            # also the "see the ZIP64 record" marker in 32-bit fields
_ZIP64_FROM = _MAX_32           # offsets and sizes from here on need ZIP64 records
_SPOOL_IN_MEMORY = 1 << 20
_CHUNK = 1 << 16


def dos_time(moment: datetime) -> tuple[int, int]:
    """(time, date) as ZIP stores them: two-second steps, no earlier than 1980."""
    if moment.year < 1980:
        return 0, (1 << 5) | 1
    time = (moment.hour << 11) | (moment.minute << 5) | (moment.second // 2)
    date = ((moment.year - 1980) << 9) | (moment.month << 5) | moment.day
    return time, date


def _field32(value: int) -> int:
    return value if value < _ZIP64_FROM else _MAX_32


class ZipStream:
    """``add`` returns the bytes of one entry; ``finish`` yields the closing directory."""

    def __init__(self, level: int = 6):
        self._level = level
        self._offset = 0
        self._count = 0
        self._directory = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)
        self._directory_size = 0

    def __enter__(self) -> "ZipStream":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._directory.close()

    def add(self, name: str, data: bytes, modified: datetime) -> bytes:
        packer = zlib.compressobj(self._level, zlib.DEFLATED, -15)  # raw deflate, as ZIP wants
        compressed = packer.compress(data) + packer.flush()
        encoded_name = name.encode("utf-8")
        crc = zlib.crc32(data)
        time, date = dos_time(modified)
        local = _LOCAL.pack(0x04034B50, _VERSION, _UTF8_NAMES, _DEFLATED, time, date, crc,
                            len(compressed), len(data), len(encoded_name), 0)
        self._remember(encoded_name, crc, len(compressed), len(data), time, date)
        entry = local + encoded_name + compressed
        self._offset += len(entry)
        self._count += 1
        return entry

    def _remember(self, name: bytes, crc: int, size: int, raw_size: int, time: int, date: int) -> None:
        offset, extra, version = self._offset, b"", _VERSION
        if offset >= _ZIP64_FROM:
            offset, version = _MAX_32, _VERSION_ZIP64
            extra = _ZIP64_OFFSET.pack(0x0001, 8, self._offset)
        record = _CENTRAL.pack(0x02014B50, _MADE_BY_UNIX | version, version, _UTF8_NAMES,
                               _DEFLATED, time, date, crc, size, raw_size, len(name),
                               len(extra), 0, 0, 0, _FILE_MODE, offset)
        record += name + extra
        self._directory.write(record)
        self._directory_size += len(record)

    def finish(self) -> Iterator[bytes]:
        start = self._offset
        self._directory.seek(0)
        while chunk := self._directory.read(_CHUNK):
            yield chunk
        yield self._end(start)

    def _end(self, start: int) -> bytes:
        size, count = self._directory_size, self._count
        if count < _MAX_16 and start < _ZIP64_FROM and size < _ZIP64_FROM:
            return _END.pack(0x06054B50, 0, 0, count, count, size, start, 0)
        zip64_end_at = start + size
        zip64_end = _ZIP64_END.pack(0x06064B50, _ZIP64_END.size - 12, _MADE_BY_UNIX | _VERSION_ZIP64,
                                    _VERSION_ZIP64, 0, 0, count, count, size, start)
        locator = _ZIP64_LOCATOR.pack(0x07064B50, 0, zip64_end_at, 1)
        count16 = min(count, _MAX_16)
        end = _END.pack(0x06054B50, 0, 0, count16, count16, _field32(size), _field32(start), 0)
        return zip64_end + locator + end

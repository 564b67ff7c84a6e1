"""The streaming ZIP writer: archives zipfile and unzip read, ZIP64 past the 16/32-bit limits,
and a central directory kept out of memory."""
from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from datetime import datetime, timezone

import pytest

from gateway.export import zipstream
from gateway.export.zipstream import ZipStream, dos_time

WHEN = datetime(2031, 7, 8, 9, 10, 11, tzinfo=timezone.utc)


def build(entries: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with ZipStream() as archive:
        for name, data in entries:
            out.write(archive.add(name, data, WHEN))
        for chunk in archive.finish():
            out.write(chunk)
    return out.getvalue()


def read(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    return {name: archive.read(name) for name in archive.namelist()}


def test_entries_come_back_as_written():
    entries = [("a.xml", b"<a/>" * 100), ("ünï%2F.xml", "ø".encode() * 10), ("empty.xml", b"")]
    assert read(build(entries)) == dict(entries)


def test_names_are_flagged_utf8_and_times_are_kept():
    info = zipfile.ZipFile(io.BytesIO(build([("ünï.xml", b"x")]))).getinfo("ünï.xml")
    assert info.flag_bits & 0x800 and info.date_time == (2031, 7, 8, 9, 10, 10)  # two-second steps
    assert info.compress_type == zipfile.ZIP_DEFLATED


def test_dates_before_1980_are_clamped():
    assert dos_time(datetime(1970, 1, 1, tzinfo=timezone.utc)) == (0, (1 << 5) | 1)


def test_more_than_65535_entries_use_zip64():
    entries = [(f"{i}.xml", b"<r/>") for i in range(70_000)]
    data = build(entries)
    assert b"PK\x06\x06" in data[-200:]  # ZIP64 end of central directory
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert len(archive.namelist()) == 70_000 and archive.read("69999.xml") == b"<r/>"


def test_offsets_past_the_limit_use_zip64_extra_fields(monkeypatch):
    # Lowering the threshold exercises the >4 GiB path without writing 4 GiB.
    monkeypatch.setattr(zipstream, "_ZIP64_FROM", 500)
    entries = [(f"{i}.xml", bytes(range(256)) * 4) for i in range(8)]
    data = build(entries)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.infolist()[-1].header_offset > 500
    assert read(data) == dict(entries)


@pytest.mark.skipif(shutil.which("unzip") is None, reason="no unzip on this machine")
def test_unzip_accepts_the_archive(tmp_path):
    target = tmp_path / "a.zip"
    target.write_bytes(build([(f"10.5072%2Fx.{i}.xml", b"<r/>" * i) for i in range(50)]))
    result = subprocess.run(["unzip", "-tq", str(target)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_central_directory_spills_to_disk():
    with ZipStream() as archive:
        for i in range(20_000):
            archive.add(f"10.5072%2Fbench.{i:07d}.xml", b"<r/>", WHEN)
        assert archive._directory._rolled  # past a megabyte it is a file, not memory

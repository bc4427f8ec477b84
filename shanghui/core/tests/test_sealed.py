"""Sealed files: what waits in the data directory is unreadable without the key, and tamper-evident."""

import os
import random

import pytest

from shanghui.core import sealed
from shanghui.testing import make_id_number


def _payload(size: int) -> bytes:
    rng = random.Random(size)
    line = ",".join(make_id_number(rng) for _ in range(3)).encode() + b"\n"
    return (line * (size // len(line) + 1))[:size]


@pytest.mark.parametrize("size", [0, 1, sealed.CHUNK, sealed.CHUNK + 1, 3 * sealed.CHUNK + 77])
def test_sealed_file_reads_back_exactly_and_seeks(tmp_path, size):
    data = _payload(size)
    path = tmp_path / "upload"
    with sealed.create(path) as out:
        for start in range(0, size, 5000):  # written in pieces, as uploads arrive
            out.write(data[start:start + 5000])
    raw = path.read_bytes()
    assert sealed.is_sealed(path) and sealed.plain_size(path) == size
    if size >= 18:
        assert data[:18] not in raw
    with sealed.open_plain(path) as f:
        assert f.read() == data
        for offset in (size // 2, max(size - 3, 0), 0):
            f.seek(offset)
            assert f.read(100) == data[offset:offset + 100]
        assert f.seek(0, os.SEEK_END) == size


def test_sealed_file_is_private_whatever_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        with sealed.create(tmp_path / "upload") as out:
            out.write(b"x")
    finally:
        os.umask(old)
    assert (tmp_path / "upload").stat().st_mode & 0o777 == 0o600


def test_a_cut_or_altered_sealed_file_is_refused(tmp_path):
    data = _payload(2 * sealed.CHUNK + 10)
    path = tmp_path / "upload"
    with sealed.create(path) as out:
        out.write(data)
    raw = path.read_bytes()
    cut = tmp_path / "cut"
    cut.write_bytes(raw[:sealed.HEADER + 2 * (sealed.CHUNK + sealed.TAG)])  # the last chunk dropped
    altered = tmp_path / "altered"
    altered.write_bytes(raw[:100] + bytes([raw[100] ^ 1]) + raw[101:])
    for bad in (cut, altered):
        with pytest.raises(sealed.SealedFileError), sealed.open_plain(bad) as f:
            f.read()


def test_a_plain_file_opens_as_it_is(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_bytes(b"a,b\n")
    assert not sealed.is_sealed(path) and sealed.plain_size(path) == 4
    with sealed.open_plain(path) as f:
        assert f.read() == b"a,b\n"

"""Files kept for a while in the data directory, encrypted: an import upload and its error report.

An upload waits between its check and its commit (or until it is abandoned); it holds
whole rows of ID and mobile numbers, as does the error report built from it. They are
written sealed: AES-256-GCM in chunks of 64 KiB, under a key derived from the field key
(which lives outside the data directory in a deployment), so a copy of the data
directory holds no readable number.

Each chunk is authenticated with its index and whether it is the last, so chunks cannot
be swapped, dropped or cut off. The reader is seekable (zip archives and calamine need
it); files that are not sealed (a path given to the CLI) are opened as they are.
"""

import hashlib
import io
import os
import struct
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .files import open_private

MAGIC = b"SHANGHUI-SEALED/1\n"
CHUNK = 64 * 1024
TAG = 16
NONCE_PREFIX = 8
HEADER = len(MAGIC) + NONCE_PREFIX


class SealedFileError(OSError):
    """The file is damaged or was sealed with a key that is no longer configured."""


def _keys() -> list[bytes]:
    from . import crypto

    return [hashlib.sha256(b"shanghui-sealed-file:" + key).digest() for key in crypto._keys()]


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + struct.pack(">I", index)


def _aad(index: int, last: bool) -> bytes:
    return struct.pack(">IB", index, last)


class _Writer(io.RawIOBase):
    def __init__(self, path: Path | str):
        self._out = open_private(path)
        self._aead = AESGCM(_keys()[0])
        self._prefix = os.urandom(NONCE_PREFIX)
        self._buffer = bytearray()
        self._index = 0
        self._written = 0
        self._out.write(MAGIC + self._prefix)

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK:  # keep one chunk back: only close() knows which is last
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        self._written += len(data)
        return len(data)

    def tell(self) -> int:
        return self._written  # zipfile asks, to know where each member starts

    def seekable(self) -> bool:
        return False

    def _seal(self, plain: bytes, *, last: bool) -> None:
        self._out.write(self._aead.encrypt(_nonce(self._prefix, self._index), plain, _aad(self._index, last)))
        self._index += 1

    def close(self) -> None:
        if not self.closed:
            try:
                self._seal(bytes(self._buffer), last=True)
            finally:
                self._out.close()
        super().close()


class _Reader(io.RawIOBase):
    def __init__(self, path: Path | str):
        self._in = open(path, "rb")
        head = self._in.read(HEADER)
        self._prefix = head[len(MAGIC):]
        ciphertext = os.fstat(self._in.fileno()).st_size - HEADER
        self._chunks = max(1, -(-ciphertext // (CHUNK + TAG)))
        self._size = ciphertext - self._chunks * TAG
        if not head.startswith(MAGIC) or len(self._prefix) != NONCE_PREFIX or self._size < 0:
            self._in.close()
            raise SealedFileError("加密文件已损坏。")
        self._aeads = [AESGCM(key) for key in _keys()]
        self._pos = 0
        self._cached = (-1, b"")

    @property
    def size(self) -> int:
        return self._size

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def _chunk(self, index: int) -> bytes:
        if self._cached[0] == index:
            return self._cached[1]
        self._in.seek(HEADER + index * (CHUNK + TAG))
        sealed = self._in.read(CHUNK + TAG)
        last = index == self._chunks - 1
        for aead in self._aeads:  # the newest key first; older ones during a key rotation
            try:
                plain = aead.decrypt(_nonce(self._prefix, index), sealed, _aad(index, last))
                break
            except InvalidTag:
                continue
        else:
            raise SealedFileError("加密文件已损坏，或加密它的密钥已不在配置中。")
        self._cached = (index, plain)
        return plain

    def readinto(self, buffer) -> int:
        if self._pos >= self._size:
            return 0
        index, offset = divmod(self._pos, CHUNK)
        data = self._chunk(index)[offset:offset + len(buffer)]
        buffer[:len(data)] = data
        self._pos += len(data)
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._in.close()
        super().close()


def create(path: Path | str) -> io.RawIOBase:
    """A new sealed file (mode 0600) to write plain bytes into; sealed as it is written."""
    return _Writer(path)


def is_sealed(path: Path | str) -> bool:
    with open(path, "rb") as f:
        return f.read(len(MAGIC)) == MAGIC


def open_plain(path: Path | str) -> io.BufferedReader:
    """The plain bytes of `path`, sealed or not, as a seekable binary file."""
    if is_sealed(path):
        return io.BufferedReader(_Reader(path), buffer_size=CHUNK)
    return open(path, "rb")


def plain_size(path: Path | str) -> int:
    if is_sealed(path):
        reader = _Reader(path)
        reader.close()
        return reader.size
    return os.path.getsize(path)

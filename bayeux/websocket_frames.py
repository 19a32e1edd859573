"""The websocket wire format (RFC 6455) as far as a Bayeux server needs it: the handshake's accept key,
the server's unmasked frames, and the client's masked frames read out of a buffer.

Every frame is checked before its payload is waited for: a frame over the size limit ends the connection
(1009) as soon as its header is read, whatever it claims to carry; unmasked client frames, reserved bits
(no extension is negotiated) and fragmented or oversized control frames are protocol errors (1002).
"""

from __future__ import annotations

import base64
import hashlib
import struct

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
_SHORT = struct.Struct("!BB")
_MEDIUM = struct.Struct("!BBH")
_LONG = struct.Struct("!BBQ")

CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
PROTOCOL_ERROR, TOO_BIG, NORMAL = 1002, 1009, 1000


class FrameError(Exception):
    """The peer broke the protocol or a limit: the connection is closed with `code`."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code


def accept_key(key: str) -> bytes:
    """The `Sec-WebSocket-Accept` answer to a client's `Sec-WebSocket-Key`."""
    return base64.b64encode(hashlib.sha1(key.encode() + _GUID).digest())  # noqa: S324 - the protocol's own


def frame(payload: bytes, opcode: int = TEXT) -> bytes:
    """One final, unmasked frame: what a server sends."""
    first = 0x80 | opcode
    size = len(payload)
    if size < 126:
        return _SHORT.pack(first, size) + payload
    if size < 65536:
        return _MEDIUM.pack(first, 126, size) + payload
    return _LONG.pack(first, 127, size) + payload


def close_frame(code: int, reason: str = "") -> bytes:
    return frame(struct.pack("!H", code) + reason.encode()[:120], CLOSE)


def read(buffer: bytearray, limit: int) -> tuple[bool, int, bytes] | None:
    """Take the first whole frame out of `buffer`: (final, opcode, unmasked payload), None if incomplete."""
    have = len(buffer)
    if have < 2:
        return None
    first, second = buffer[0], buffer[1]
    final, opcode, size = bool(first & 0x80), first & 0x0F, second & 0x7F
    if first & 0x70:
        raise FrameError(PROTOCOL_ERROR, "reserved bits set")
    if not second & 0x80:
        raise FrameError(PROTOCOL_ERROR, "client frames must be masked")
    start = 2
    if size == 126:
        if have < 4:
            return None
        size, start = int.from_bytes(buffer[2:4], "big"), 4
    elif size == 127:
        if have < 10:
            return None
        size, start = int.from_bytes(buffer[2:10], "big"), 10
    if opcode >= CLOSE and (size > 125 or not final):
        raise FrameError(PROTOCOL_ERROR, "control frames are short and whole")
    if size > limit:
        raise FrameError(TOO_BIG, f"frame of {size} bytes is over the limit of {limit} bytes")
    end = start + 4 + size
    if have < end:
        return None
    mask = bytes(buffer[start : start + 4])
    data = bytes(buffer[start + 4 : end])
    del buffer[:end]
    if size:
        key = int.from_bytes((mask * ((size + 3) // 4))[:size], "big")
        data = (int.from_bytes(data, "big") ^ key).to_bytes(size, "big")
    return final, opcode, data

"""TCP link to the ground relay radio that forwards emergency commands to drones in flight."""
import contextlib
import itertools
import logging
import random
import socket
import struct
import threading
import time
from functools import lru_cache

from flask import current_app

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 3.0
IO_TIMEOUT = 5.0
MAX_ATTEMPTS = 4
COMMANDS = {"return_home": 1, "land_now": 2, "hold_position": 3}


class GroundLinkError(RuntimeError):
    pass


class GroundLink:
    """One persistent connection per process, serialised by a lock.

    Every frame carries a sequence number; the relay acknowledges it and ignores a frame
    whose sequence number it has already seen, so a resend after a timeout is harmless.
    """

    def __init__(self, host: str, port: int):
        self.host = host
        self.port = port
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._seq = itertools.count(int(time.time()) << 16)

    def _connect(self) -> socket.socket:
        sock = socket.create_connection((self.host, self.port), timeout=CONNECT_TIMEOUT)
        sock.settimeout(IO_TIMEOUT)
        return sock

    def _drop(self) -> None:
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.close()
            self._sock = None

    def _recv_exact(self, n: int) -> bytes:
        buf = b""
        while len(buf) < n:
            chunk = self._sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("relay closed the connection")
            buf += chunk
        return buf

    @staticmethod
    def _encode(serial: str, command: str, seq: int) -> bytes:
        serial_bytes = serial.encode("ascii")
        return struct.pack("!IBB", seq, COMMANDS[command], len(serial_bytes)) + serial_bytes

    def send_command(self, serial: str, command: str) -> int:
        seq = next(self._seq)
        frame = self._encode(serial, command, seq)
        with self._lock:
            for attempt in range(1, MAX_ATTEMPTS + 1):  # ok: REL002
                try:
                    if self._sock is None:
                        self._sock = self._connect()
                    self._sock.sendall(frame)
                    (acked,) = struct.unpack("!I", self._recv_exact(4))
                    return acked
                except OSError as exc:
                    logger.warning("ground link %s failed (attempt %d/%d): %s", command, attempt, MAX_ATTEMPTS, exc)
                    self._drop()
                    if attempt == MAX_ATTEMPTS:
                        raise GroundLinkError(f"{command} for {serial} not acknowledged") from exc
                    time.sleep(min(0.25 * 2 ** attempt, 3.0) + random.uniform(0, 0.25))
        raise GroundLinkError("unreachable")

    def close(self) -> None:
        with self._lock:
            self._drop()


@lru_cache(maxsize=1)
def get_ground_link() -> GroundLink:
    return GroundLink(current_app.config["GROUND_RELAY_HOST"], current_app.config["GROUND_RELAY_PORT"])

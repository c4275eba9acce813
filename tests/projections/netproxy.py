"""A small TCP proxy that a test can cut and restore, to simulate an outage of
one service for one process without disturbing the shared service itself."""

import socket
import struct
import threading
from urllib.parse import urlsplit, urlunsplit


class NetProxy:
    """Forwards 127.0.0.1:<port> to a target; `cut()` resets every connection
    and refuses new ones until `restore()`."""

    def __init__(self, *, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.lock = threading.Lock()
        self.connections: set[socket.socket] = set()
        self.is_cut = False
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @classmethod
    def to(cls, url: str) -> "NetProxy":
        """A proxy in front of the service at `url` (e.g. a setting's URL)."""
        parts = urlsplit(url)
        return cls(
            target_host=parts.hostname or "127.0.0.1", target_port=parts.port or 0
        )

    def url_for(self, url: str) -> str:
        """`url` (credentials, path and all) pointed at this proxy instead."""
        parts = urlsplit(url)
        auth, _, _ = parts.netloc.rpartition("@")
        netloc = f"127.0.0.1:{self.port}"
        return urlunsplit(parts._replace(netloc=f"{auth}@{netloc}" if auth else netloc))

    def cut(self) -> None:
        with self.lock:
            self.is_cut = True
            doomed, self.connections = self.connections, set()
        for sock in doomed:
            _reset(sock)

    def restore(self) -> None:
        with self.lock:
            self.is_cut = False

    def close(self) -> None:
        self.closed = True
        self.cut()
        self.server.close()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            with self.lock:
                refused = self.is_cut
            if refused:
                _reset(client)
                continue
            threading.Thread(
                target=self._pipe_pair, args=(client,), daemon=True
            ).start()

    def _pipe_pair(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self.target, timeout=5)
        except OSError:
            _reset(client)
            return
        upstream.settimeout(None)
        with self.lock:
            if self.is_cut:
                _reset(client)
                _reset(upstream)
                return
            self.connections.update((client, upstream))
        threading.Thread(target=_pump, args=(upstream, client), daemon=True).start()
        _pump(client, upstream)


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            sink.sendall(chunk)
    except OSError:
        pass
    finally:
        _reset(source)
        _reset(sink)


def _reset(sock: socket.socket) -> None:
    """Close with RST (linger 0), as a crashed or unplugged peer would look.

    `shutdown` first: a plain `close` while the other pump thread is blocked in
    `recv` on the same socket only drops the descriptor; the kernel keeps the
    connection open until that `recv` returns, so a client waiting for an answer
    would wait forever instead of seeing the connection end.
    """
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass

"""The real OpenSearch behind HTTP basic auth, as its security plugin would put it.

The local integ-test distribution has no security plugin; this gateway refuses
a request without the right credentials with the 401 OpenSearch answers, and
forwards the others to the real node.
"""

import base64
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

REFUSED = (
    b'{"error":{"type":"security_exception","reason":"Unauthorized"},"status":401}'
)


class BasicAuthGateway:
    def __init__(self, *, target: str, username: str, password: str) -> None:
        token = base64.b64encode(f"{username}:{password}".encode()).decode()
        self.expected = f"Basic {token}"
        self.target = target.rstrip("/")
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def _relay(self) -> None:
                if self.headers.get("Authorization") != gateway.expected:
                    self._answer(401, REFUSED, "application/json")
                    return
                length = int(self.headers.get("Content-Length") or 0)
                upstream = requests.request(
                    self.command,
                    gateway.target + self.path,
                    data=self.rfile.read(length) if length else None,
                    headers={"Content-Type": self.headers.get("Content-Type", "")},
                    timeout=30,
                )
                content_type = upstream.headers.get("Content-Type", "")
                self._answer(upstream.status_code, upstream.content, content_type)

            def _answer(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _relay

            def log_message(self, format: str, *args: object) -> None:
                return None

        return Handler

"""A real HTTP server on 127.0.0.1 for the fetch tests (standard library, one thread per request).

Each path maps to a handler `(request) -> Reply`; the server records every request (method, path,
query, headers, form body) so that tests can check what the fetch code asked for. A Reply can also
hang (to trigger a timeout) or send fewer bytes than its Content-Length (a truncated body).
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict
    headers: dict
    form: dict


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (a timeout)
    truncate: int | None = None  # send only this many bytes of the body (Content-Length says all)

    @classmethod
    def json(cls, value, status: int = 200, headers: dict | None = None, **kw) -> "Reply":
        return cls(status, json.dumps(value).encode(),
                   {"Content-Type": "application/json", **(headers or {})}, **kw)


class Server:
    def __init__(self):
        self.routes: dict[str, object] = {}
        self.requests: list[Request] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def handle(self):
                try:
                    super().handle()
                except (ConnectionResetError, BrokenPipeError):
                    pass  # a client that abandoned a body (a probe) closed its connection


            def _handle(self):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                form = {k: v[0] for k, v in parse_qs(raw).items()}
                request = Request(self.command, parts.path,
                                  {k: v[0] for k, v in parse_qs(parts.query).items()},
                                  dict(self.headers), form)
                server.requests.append(request)
                route = server.routes.get(parts.path)
                reply = route(request) if callable(route) else route or Reply(404, b"not found")
                if reply.delay:
                    time.sleep(reply.delay)
                self.send_response(reply.status)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(reply.body)))
                if reply.truncate is not None:
                    self.send_header("Connection", "close")
                self.end_headers()
                try:
                    self.wfile.write(reply.body if reply.truncate is None else reply.body[:reply.truncate])
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass
                if reply.truncate is not None:
                    self.close_connection = True

            do_GET = do_POST = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "Server":
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

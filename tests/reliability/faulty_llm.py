"""A real local OpenAI-compatible endpoint that fails in the ways networks and servers really do.

`tests/backends/scripted.py` covers status codes and a plain hang; this one adds the failures that happen
*inside* a response, which a client handles differently because the request already succeeded:

* ``silent``: accepts the request and never sends a byte (until the test ends);
* ``headers_then_silence``: sends 200 and SSE headers, then nothing;
* ``trickle``: sends SSE keep-alive comments forever, so no single read ever times out;
* ``drop``: streams the start of a good answer, then closes the socket mid-stream (no ``[DONE]``);
* ``reset``: closes the connection before any response;
* ``garbage_sse``: a 200 event stream whose data lines are not JSON;
* ``wrong_schema``: well-formed JSON that is not a chat completion;
* ``binary``: random bytes labelled as JSON;
* ``ok``: a good answer (`reply`), streamed or not.

Every blocking mode waits on an event that `close()` sets, so no handler thread outlives the test.
"""

from __future__ import annotations

import json
import os
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FaultyLLM:
    def __init__(self, mode: str = "ok", reply: str = "Hello.") -> None:
        self.mode = mode
        self.reply = reply
        self.requests: list[dict] = []
        self.closed = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                server.requests.append(body)
                getattr(self, "_" + server.mode)(body)

            # -- the modes ------------------------------------------------------------------
            def _silent(self, body: dict) -> None:
                server.closed.wait(60)

            def _headers_then_silence(self, body: dict) -> None:
                self._sse_headers()
                server.closed.wait(60)

            def _trickle(self, body: dict) -> None:
                self._sse_headers()
                while not server.closed.wait(0.2):
                    try:
                        self._chunk(b": keep-alive\n\n")
                    except OSError:
                        return

            def _drop(self, body: dict) -> None:
                if not body.get("stream"):
                    self._abort()
                    return
                self._sse_headers()
                for piece in ("AI Agents appear in ", "47.3% of all ", "postings [1]. Most "):
                    self._chunk(self._sse_delta(piece))
                    time.sleep(0.05)
                self._abort()

            def _reset(self, body: dict) -> None:
                self._abort()

            def _garbage_sse(self, body: dict) -> None:
                self._sse_headers()
                self._chunk(b"data: {this is not json\n\n")
                self._chunk(b"data: \x00\x01\x02\n\n")
                self._chunk(b"")

            def _wrong_schema(self, body: dict) -> None:
                self._json({"hello": "world", "choices": "none"})

            def _binary(self, body: dict) -> None:
                self._json_bytes(os.urandom(512))

            def _ok(self, body: dict) -> None:
                text = server.reply
                if body.get("stream"):
                    self._sse_headers()
                    for i in range(0, len(text), 12):
                        self._chunk(self._sse_delta(text[i : i + 12]))
                    self._chunk(b"data: [DONE]\n\n")
                    self._chunk(b"")
                    return
                self._json({"id": "x", "object": "chat.completion", "created": 0, "model": "m",
                            "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                         "finish_reason": "stop"}],
                            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})

            # -- helpers ----------------------------------------------------------------------
            def _sse_headers(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()

            def _chunk(self, data: bytes) -> None:
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()

            @staticmethod
            def _sse_delta(text: str) -> bytes:
                chunk = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "m",
                         "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}]}
                return f"data: {json.dumps(chunk)}\n\n".encode()

            def _json(self, payload: dict) -> None:
                self._json_bytes(json.dumps(payload).encode())

            def _json_bytes(self, data: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _abort(self) -> None:
                """Close with RST (SO_LINGER 0): the client sees the connection cut, not a clean end."""
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                self.connection.close()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = int(self.httpd.server_address[1])
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def close(self) -> None:
        self.closed.set()
        self.httpd.shutdown()
        self.httpd.server_close()

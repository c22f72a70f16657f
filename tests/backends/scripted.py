"""A real local HTTP server that speaks (or breaks) the OpenAI chat API, for failure-mode tests.

It is outside our code (an HTTP endpoint), so a scripted server is the honest
stand-in: connection refused, 5xx, 429, garbage, hangs and a good streamed
answer are all real HTTP behaviour the backend must survive.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from evals.local_llm import free_port


class ScriptedOpenAI:
    """mode: ok | 500 | 429 | garbage | empty | hang; `reply` is what 'ok' streams back."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.reply = "Hello."
        self.tool_calls: list[dict] = []  # served, one per request, to requests that offer tools
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                server.requests.append(body)
                mode = server.mode
                if mode == "hang":
                    time.sleep(5)
                    return
                if mode in ("500", "429"):
                    self.send_response(int(mode))
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b'{"error": {"message": "scripted failure"}}')
                    return
                if mode == "garbage":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b"<html>not json at all")
                    return
                if body.get("tools") and server.tool_calls and not body.get("stream"):
                    call = server.tool_calls.pop(0)
                    message = {"role": "assistant", "content": None, "tool_calls": [
                        {"id": f"call_{len(server.requests)}", "type": "function",
                         "function": {"name": call["name"], "arguments": json.dumps(call["args"])}}]}
                    self._json({"id": "x", "object": "chat.completion", "created": 0, "model": "m",
                                "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls"}]})
                    return
                text = "" if mode == "empty" else server.reply
                if body.get("stream"):
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.end_headers()
                    for i in range(0, len(text), 12):
                        chunk = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "m",
                                 "choices": [{"index": 0, "delta": {"content": text[i : i + 12]},
                                              "finish_reason": None}]}
                        self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.write(b"data: [DONE]\n\n")
                    return
                self._json({"id": "x", "object": "chat.completion", "created": 0, "model": "m",
                            "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                         "finish_reason": "stop"}],
                            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})

            def _json(self, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.port = free_port()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

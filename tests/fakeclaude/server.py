"""A fake Anthropic Messages API on 127.0.0.1 for tests that drive the real ``anthropic`` SDK.

``FakeClaude`` runs a threaded HTTP/1.1 server on a free port. Tests script its replies in
order (``enqueue``), or per request (``responder(body) -> Reply | None``, for concurrent
callers) with the builders below and read back every request it received
(``requests``), so they can assert on both what the user sees and the exact wire traffic.

Wire format (see the design TECH-NOTES): ``POST /v1/messages`` with ``"stream": true`` answers
``text/event-stream`` frames ``event: <type>\\ndata: <json>\\n\\n``; errors are JSON with a
content-length; ``retry-after-ms`` keeps the SDK's (or our) retries fast. ``GET /v1/models``
serves ``models`` (or ``models_error``). Like the real API it answers a request carrying an
empty message with a 400. The reply types and the failure scripts (cut, stalled and empty
streams, invalid tool JSON) are in :mod:`fakeclaude.replies`, the frames in
:mod:`fakeclaude.frames`.

Used by tests/llm, tests/conversation and the TUI tests (through ``fakeclaude.fixtures``).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from fakeclaude.frames import empty_message_problem, frames
from fakeclaude.replies import (
    Block,
    EmptyStream,
    ErrorReply,
    HangUp,
    Reply,
    ServerToolBlock,
    StreamReply,
    TextBlock,
    ThinkingBlock,
    ToolUseBlock,
    error_reply,
    model_info,
    text_reply,
    tool_reply,
)

__all__ = [
    "Block",
    "EmptyStream",
    "ErrorReply",
    "FakeClaude",
    "HangUp",
    "RecordedRequest",
    "Reply",
    "ServerToolBlock",
    "StreamReply",
    "TextBlock",
    "ThinkingBlock",
    "ToolUseBlock",
    "error_reply",
    "model_info",
    "text_reply",
    "tool_reply",
]


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


class FakeClaude:
    """The fake server. Use as a context manager or call ``start``/``stop``."""

    def __init__(self) -> None:
        self._replies: deque[Reply] = deque()
        self._lock = threading.Condition()
        self.requests: list[RecordedRequest] = []
        self.default: Reply | None = None
        self.responder: Callable[[dict[str, Any]], Reply | None] | None = None
        self.models: list[dict[str, Any]] = []
        self.models_error: ErrorReply | None = None
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._ids = 0

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> FakeClaude:
        handler = _make_handler(self)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeClaude:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "FakeClaude is not started"
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- scripting -------------------------------------------------------------------------
    def enqueue(self, *replies: Reply) -> None:
        with self._lock:
            self._replies.extend(replies)

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._replies)

    def message_requests(self) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path.startswith("/v1/messages")]

    def wait_for_requests(self, count: int, timeout: float = 10.0) -> list[RecordedRequest]:
        """Block until ``count`` message requests arrived (for tests driving a UI)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len([r for r in self.requests if r.path.startswith("/v1/messages")]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"expected {count} message requests")
                self._lock.wait(left)
            return [r for r in self.requests if r.path.startswith("/v1/messages")]

    # -- internals -------------------------------------------------------------------------
    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)
            self._lock.notify_all()

    def _next_reply(self, body: dict[str, Any]) -> Reply | None:
        responder = self.responder
        if responder is not None:
            chosen = responder(body)
            if chosen is not None:
                return chosen
        with self._lock:
            if self._replies:
                return self._replies.popleft()
            return self.default

    def _next_id(self, prefix: str) -> str:
        with self._lock:
            self._ids += 1
            return f"{prefix}_{self._ids:04d}"


def _make_handler(fake: FakeClaude) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _body(self) -> dict[str, Any]:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                loaded = json.loads(raw) if raw else {}
            except json.JSONDecodeError:
                loaded = {"_raw": raw.decode("utf-8", "replace")}
            return loaded if isinstance(loaded, dict) else {"_body": loaded}

        def do_GET(self) -> None:
            fake._record(RecordedRequest("GET", self.path, dict(self.headers.items()), {}))
            if self.path.startswith("/v1/models"):
                if fake.models_error is not None:
                    self._json_error(fake.models_error)
                    return
                data = fake.models
                payload = {
                    "data": data,
                    "has_more": False,
                    "first_id": data[0]["id"] if data else None,
                    "last_id": data[-1]["id"] if data else None,
                }
                self._json(200, payload)
                return
            self._json_error(ErrorReply(404, "not_found_error", f"no route {self.path}", None))

        def do_POST(self) -> None:
            body = self._body()
            fake._record(RecordedRequest("POST", self.path, dict(self.headers.items()), body))
            if not self.path.startswith("/v1/messages"):
                self._json_error(ErrorReply(404, "not_found_error", f"no route {self.path}", None))
                return
            problem = empty_message_problem(body)
            if problem is not None:  # what the real API says about an empty message
                self._json_error(ErrorReply(400, "invalid_request_error", problem, None))
                return
            reply = fake._next_reply(body)
            if reply is None:
                self._json_error(
                    ErrorReply(400, "invalid_request_error", "fake claude: no scripted reply", None)
                )
            elif isinstance(reply, HangUp):
                self.close_connection = True
                self.connection.close()
            elif isinstance(reply, ErrorReply):
                self._json_error(reply)
            elif isinstance(reply, EmptyStream):
                self._stream_headers()
            else:
                self._stream(reply, str(body.get("model", reply.model)))

        def _json(
            self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
        ) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.send_header("request-id", fake._next_id("req"))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def _json_error(self, reply: ErrorReply) -> None:
            headers = dict(reply.headers)
            if reply.retry_after_ms is not None:
                headers["retry-after-ms"] = str(reply.retry_after_ms)
            headers.setdefault(
                "x-should-retry",
                "true" if reply.status in (429, 529) or reply.status >= 500 else "false",
            )
            payload = {
                "type": "error",
                "error": {"type": reply.error_type, "message": reply.message},
            }
            self._json(reply.status, payload, headers)

        def _stream_headers(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("cache-control", "no-cache")
            self.send_header("connection", "close")
            self.send_header("request-id", fake._next_id("req"))
            self.end_headers()
            self.close_connection = True

        def _stream(self, reply: StreamReply, model: str) -> None:
            self._stream_headers()
            try:
                for index, (event, data) in enumerate(frames(reply, model, fake._next_id)):
                    if reply.cut_after is not None and index == reply.cut_after:
                        return
                    if reply.stall_after is not None and index == reply.stall_after:
                        time.sleep(reply.stall_s)
                    if reply.error_after is not None and index == reply.error_after:
                        error = {
                            "type": "error",
                            "error": {"type": reply.error_type, "message": reply.error_message},
                        }
                        self._frame("error", error)
                        return
                    if reply.delay and index:
                        time.sleep(reply.delay)
                    self._frame(event, data)
            except (BrokenPipeError, ConnectionResetError):
                return

        def _frame(self, event: str, data: dict[str, Any]) -> None:
            self.wfile.write(f"event: {event}\ndata: {json.dumps(data)}\n\n".encode())
            self.wfile.flush()

    return Handler

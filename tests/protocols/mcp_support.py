"""A real MCP server for the tests, written with the MCP SDK and served over streamable HTTP on
127.0.0.1 by uvicorn in a thread: one read-only tool (``get_logs``) and one destructive tool
(``execute_sql_query``), like Tidewave's. It records every call it runs."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class RunningMcpServer:
    url: str
    calls: list[tuple[str, dict[str, object]]] = field(default_factory=list)


@contextmanager
def serve_mcp() -> Iterator[RunningMcpServer]:
    import uvicorn
    from mcp.server.mcpserver import MCPServer
    from mcp.types import ToolAnnotations

    app = MCPServer("phoenix-dev", log_level="WARNING")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    running = RunningMcpServer(f"http://127.0.0.1:{port}/mcp")

    @app.tool(annotations=ToolAnnotations(readOnlyHint=True))
    def get_logs(tail: int = 5) -> str:
        """The last lines of the application's log."""
        running.calls.append(("get_logs", {"tail": tail}))
        return "\n".join(f"[info] request {n} served" for n in range(tail))

    @app.tool(annotations=ToolAnnotations(readOnlyHint=False, destructiveHint=True))
    def execute_sql_query(query: str) -> str:
        """Run an SQL query against the application's database."""
        running.calls.append(("execute_sql_query", {"query": query}))
        return "1 row affected"

    server = uvicorn.Server(uvicorn.Config(app.streamable_http_app(), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:  # uvicorn sets it once the socket accepts
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test MCP server did not start")
        time.sleep(0.005)
    try:
        yield running
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (a server that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/mcp"

"""Fixtures for the tool tests: the sample project (see tools_support) and a toolset maker."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from tools_support import MakeToolset, Project, build_project, toolset_factory


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return build_project(tmp_path)


@pytest.fixture
def make_toolset(project: Project) -> MakeToolset:
    return toolset_factory(project)


@pytest.fixture
def fake_http() -> Iterator[str]:
    """A plain HTTP server on 127.0.0.1 (on the host's network) answering hello-from-host."""

    class Hello(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"hello-from-host"
            self.send_response(200)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()

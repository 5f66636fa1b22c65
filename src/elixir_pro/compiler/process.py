"""The companion's OS process: launching the BEAM, the line protocol's plumbing (one thread
reading its replies, one keeping the tail of its stderr) and stopping it for sure.

Used only by :mod:`elixir_pro.compiler.companion`.
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import queue
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import IO, Any

from elixir_pro.compiler.model import CompanionInfo

PREFIX = b"@ep "
_EOF: dict[str, Any] = {"event": "__eof__"}
_TAIL_LINES = 40


class CompanionError(Exception):
    """The companion could not start, answer or finish. ``boot_error`` is set when the project
    itself did not load (a broken ``mix.exs`` or config): the message is Mix's."""

    def __init__(self, message: str, *, boot_error: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.boot_error = boot_error


class BeamProcess:
    """One running companion BEAM."""

    def __init__(self, popen: subprocess.Popen[bytes]) -> None:
        self._popen = popen
        self._replies: queue.Queue[dict[str, Any]] = queue.Queue()
        self._stderr: collections.deque[str] = collections.deque(maxlen=_TAIL_LINES)
        self.info = CompanionInfo("", "", "", "", popen.pid)
        assert popen.stdout is not None and popen.stderr is not None
        name = f"elixir-pro-compiler:{popen.pid}"
        self._threads = (
            threading.Thread(
                target=self._read_replies, args=(popen.stdout,), name=name, daemon=True
            ),
            threading.Thread(
                target=self._read_stderr, args=(popen.stderr,), name=f"{name}:stderr", daemon=True
            ),
        )
        for thread in self._threads:
            thread.start()

    @classmethod
    def launch(cls, argv: list[str], cwd: Path, env: dict[str, str]) -> BeamProcess:
        try:
            popen = subprocess.Popen(
                argv,
                cwd=cwd,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,  # a Ctrl-C in the terminal is not for the BEAM
            )
        except OSError as exc:
            raise CompanionError(f"could not start the compiler: {exc.strerror or exc}") from exc
        return cls(popen)

    @property
    def pid(self) -> int:
        return self._popen.pid

    @property
    def alive(self) -> bool:
        return self._popen.poll() is None

    def stderr_tail(self, lines: int = 12) -> str:
        return "\n".join(list(self._stderr)[-lines:])

    # -- protocol --------------------------------------------------------------------------

    def wait_ready(self, timeout: float) -> CompanionInfo:
        reply = self._next(timeout, "start")
        event = reply.get("event")
        if event == "boot_error":
            raise CompanionError(str(reply.get("message", "")).strip(), boot_error=True)
        if event != "ready":
            self.kill()
            raise CompanionError(f"unexpected first reply from the compiler: {event}")
        self.info = CompanionInfo(
            elixir=str(reply.get("elixir", "")),
            otp=str(reply.get("otp", "")),
            mix_env=str(reply.get("mix_env", "")),
            build_path=str(reply.get("build_path", "")),
            pid=self._popen.pid,
        )
        return self.info

    def request(self, line: str, request_id: str, timeout: float) -> dict[str, Any]:
        """Send one request line and wait for the reply carrying ``request_id``."""
        stdin = self._popen.stdin
        assert stdin is not None
        try:
            stdin.write(line.encode() + b"\n")
            stdin.flush()
        except (BrokenPipeError, OSError, ValueError) as exc:
            raise CompanionError(self._exit_message("before the request")) from exc
        deadline = time.monotonic() + timeout
        while True:
            reply = self._next(max(deadline - time.monotonic(), 0.0), "compile", timeout)
            if reply.get("id") == request_id:
                return reply

    def _next(self, timeout: float, what: str, limit: float | None = None) -> dict[str, Any]:
        try:
            reply = self._replies.get(timeout=timeout)
        except queue.Empty:
            self.kill()
            allowed = limit if limit is not None else timeout
            raise CompanionError(f"the compiler did not {what} within {allowed:g}s") from None
        if reply is _EOF:
            self._popen.wait()
            raise CompanionError(self._exit_message(f"during {what}"))
        return reply

    def _exit_message(self, when: str) -> str:
        code = self._popen.poll()
        status = f"exit status {code}" if code is not None else "closed its output"
        tail = self.stderr_tail(6)
        return f"the compiler companion stopped {when} ({status})" + (f": {tail}" if tail else "")

    # -- threads ---------------------------------------------------------------------------

    def _read_replies(self, stream: IO[bytes]) -> None:
        try:
            for raw in stream:
                if not raw.startswith(PREFIX):
                    continue  # a logger writing to the console: noise
                try:
                    reply = json.loads(raw[len(PREFIX) :])
                except ValueError:
                    continue
                if isinstance(reply, dict):
                    self._replies.put(reply)
        finally:
            self._replies.put(_EOF)

    def _read_stderr(self, stream: IO[bytes]) -> None:
        for raw in stream:
            self._stderr.append(raw.decode("utf-8", "replace").rstrip())

    # -- stopping --------------------------------------------------------------------------

    def stop(self, timeout: float) -> None:
        """Ask the BEAM to halt, close its input, and kill its process group if it has not
        exited within ``timeout``."""
        stdin = self._popen.stdin
        if self.alive and stdin is not None:
            try:
                stdin.write(b"stop\n")
                stdin.flush()
            except (BrokenPipeError, OSError, ValueError):
                pass
        if stdin is not None:
            with contextlib.suppress(BrokenPipeError, OSError):
                stdin.close()
        try:
            self._popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return
        self._close_pipes()

    def kill(self) -> None:
        try:
            os.killpg(self._popen.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            with contextlib.suppress(ProcessLookupError):
                self._popen.kill()
        self._popen.wait()
        self._close_pipes()

    def _close_pipes(self) -> None:
        for thread in self._threads:
            thread.join(2.0)  # they end at the end of the pipes, once the VM is gone
        if any(thread.is_alive() for thread in self._threads):
            return  # something else holds the pipes open; the threads close them at the end
        for stream in (self._popen.stdout, self._popen.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

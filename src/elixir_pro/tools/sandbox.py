"""The OS sandbox Bash commands run in: bubblewrap (``bwrap``) on Linux.

Each command gets its own PID namespace with a fresh ``/proc`` (elixir-pro's own process, and
its ``/proc/PID/environ`` holding the API key, are out of sight), no network unless the user
allowed it for the session (``--unshare-net``), the filesystem read-only, a private empty HOME
and ``/tmp``, and the project writable only when the tool mode may change files (solution
mode; audit and research see it read-only, and Mix builds into a private temporary build
path there). Inside a writable project ``.git`` and ``.elixir-pro.yaml`` stay read-only, so a
command cannot plant a git hook or widen its own permissions. elixir-pro's config and state
folders are hidden, and toolchain folders under HOME (``~/.asdf``, ``~/.mix`` ...) are shown
read-only so ``mix`` still works.

Commands get a minimal environment (:func:`command_env`): PATH, locale, HOME, TERM and the
build variables Mix, Hex, Erlang and version managers read, never a variable whose name looks
like a credential, never ``ANTHROPIC_*`` or elixir-pro's own ``ELIXIR_PRO_*``. bwrap itself
is started with that environment too, so even the namespace's first process shows nothing
else.

When bwrap is missing or cannot start, :meth:`Sandbox.status` says why (probed once per bwrap
path and process) and the Bash tool asks before every command instead. Used by the Bash tool.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from elixir_pro.paths import config_dir, state_dir

_PASS_EXACT = frozenset({"PATH", "LANG", "LANGUAGE", "TZ", "USER", "LOGNAME"})
_PASS_PREFIXES = ("LC_", "MIX_", "HEX_", "ERL_", "ELIXIR_", "REBAR", "ASDF_", "MISE_", "KERL_")
_CREDENTIAL_WORDS = ("KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "AUTH")
_FIXED = {"PAGER": "cat", "GIT_PAGER": "cat", "TERM": "dumb", "TMPDIR": "/tmp"}
TOOLCHAIN_DIRS = (
    ".asdf",
    ".mix",
    ".hex",
    ".kerl",
    ".kiex",
    ".local/share/mise",
    ".cache/rebar3",
    ".cache/mix",
)
"""Folders under HOME shown read-only inside the sandbox (version managers, Mix archives)."""
MASKED_FILES = (".hex/hex.config",)
"""Files under those folders replaced by an empty file (Hex keeps its API key there)."""
PROTECTED_IN_PROJECT = (".git", ".elixir-pro.yaml")
PRIVATE_BUILD_PATH = "/tmp/elixir-pro-build"
PROBE_TIMEOUT_S = 10.0


def _passes(name: str) -> bool:
    upper = name.upper()
    if upper.startswith(("ANTHROPIC", "ELIXIR_PRO_")) or any(w in upper for w in _CREDENTIAL_WORDS):
        return False
    return name in _PASS_EXACT or name.startswith(_PASS_PREFIXES)


def command_env(
    environ: Mapping[str, str] | None = None, *, home: str | None = None
) -> dict[str, str]:
    """The environment a command runs with (sandboxed or not): see the module doc. PATH
    entries that are relative (``.``, empty) are dropped so a project file cannot pose as a
    system command."""
    source = os.environ if environ is None else environ
    env = {k: v for k, v in source.items() if _passes(k)}
    path = [p for p in env.get("PATH", os.defpath).split(os.pathsep) if os.path.isabs(p)]
    env["PATH"] = os.pathsep.join(path)
    env["HOME"] = home or source.get("HOME") or "/tmp"
    env.update(_FIXED)
    return env


@dataclass(frozen=True, slots=True)
class SandboxStatus:
    available: bool
    reason: str = ""  # why not, when unavailable (empty when available)

    def describe(self, *, writable: bool, network: bool) -> str:
        """One line for the approval modal and the docs."""
        if not self.available:
            return f"NOT sandboxed ({self.reason}): it runs with your full permissions"
        project = "project writable" if writable else "project read-only"
        net = "network allowed" if network else "no network"
        return f"sandboxed (bwrap): {project}, {net}, private HOME and /tmp"


_PROBES: dict[str, SandboxStatus] = {}
_PROBE_LOCK = threading.Lock()


class Sandbox:
    """bwrap at ``bwrap`` (default: found on PATH). ``status()`` probes it once."""

    def __init__(self, bwrap: str | None = None) -> None:
        self.bwrap = bwrap if bwrap is not None else shutil.which("bwrap")

    def status(self) -> SandboxStatus:
        """Whether commands can run sandboxed (blocking: call it off the event loop)."""
        if self.bwrap is None:
            return SandboxStatus(False, "bwrap is not installed; install bubblewrap")
        if not os.access(self.bwrap, os.X_OK):
            return SandboxStatus(False, f"bwrap is not installed at {self.bwrap}")
        with _PROBE_LOCK:
            known = _PROBES.get(self.bwrap)
            if known is None:
                known = _PROBES[self.bwrap] = self._probe(self.bwrap)
        return known

    def _probe(self, bwrap: str) -> SandboxStatus:
        argv = self.argv("true", root=Path("/"), writable=False, network=False, bwrap=bwrap)
        try:
            done = subprocess.run(
                argv,
                capture_output=True,
                timeout=PROBE_TIMEOUT_S,
                env=command_env(),
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            return SandboxStatus(False, f"bwrap cannot start: {exc}")
        if done.returncode != 0:
            first = done.stderr.decode("utf-8", "replace").strip().splitlines()
            detail = first[0] if first else f"exit status {done.returncode}"
            return SandboxStatus(False, f"bwrap cannot start: {detail}")
        return SandboxStatus(True)

    def argv(
        self,
        script: str,
        *,
        root: Path,
        writable: bool,
        network: bool,
        bwrap: str | None = None,
    ) -> list[str]:
        """The bwrap command line running ``script`` with bash in ``root``."""
        program = bwrap or self.bwrap
        if program is None:
            raise RuntimeError("bwrap is not available")
        home = _home()
        args = [program, "--die-with-parent", "--new-session", "--unshare-pid"]
        args += ["--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
        if not network:
            args.append("--unshare-net")
        args += ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
        if home is not None:
            args += ["--tmpfs", home]
            args += _toolchain_binds(Path(home))
        hidden = _hidden_dirs(home, root)
        in_project = [h for h in hidden if Path(h).is_relative_to(root)]
        for folder in hidden:
            if folder not in in_project:
                args += ["--tmpfs", folder]
        args += ["--bind" if writable else "--ro-bind", str(root), str(root)]
        for folder in in_project:
            args += ["--tmpfs", folder]
        if writable:
            for name in PROTECTED_IN_PROJECT:
                protected = root / name
                if protected.exists() and not protected.is_symlink():
                    args += ["--ro-bind", str(protected), str(protected)]
        else:
            args += ["--setenv", "MIX_BUILD_PATH", PRIVATE_BUILD_PATH]
        args += ["--chdir", str(root), "--", *shell_argv(script)]
        return args


def sandbox_notice(sandbox: Sandbox | None = None) -> str | None:
    """The one warning to show when a session starts without a working sandbox, else None
    (blocking: it may probe bwrap)."""
    status = (sandbox or Sandbox()).status()
    if status.available:
        return None
    return (
        f"The Bash sandbox is unavailable ({status.reason}): every shell command will be "
        "asked for and runs without it; headless runs refuse shell commands."
    )


def shell_argv(script: str) -> list[str]:
    """bash (the parser's dialect) without startup files; /bin/sh where bash is missing."""
    bash = shutil.which("bash") or "/bin/bash"
    if os.path.exists(bash):
        return [bash, "--noprofile", "--norc", "-c", script]
    return ["/bin/sh", "-c", script]


def _home() -> str | None:
    home = os.environ.get("HOME", "")
    if not home or not os.path.isabs(home) or os.path.realpath(home) == "/":
        return None
    return os.path.realpath(home)


def _toolchain_binds(home: Path) -> list[str]:
    args: list[str] = []
    for rel in TOOLCHAIN_DIRS:
        folder = home / rel
        if folder.is_dir():
            args += ["--ro-bind", str(folder), str(folder)]
    for rel in MASKED_FILES:
        file = home / rel
        if file.is_file():
            args += ["--ro-bind", "/dev/null", str(file)]
    for entry in dict.fromkeys(os.environ.get("PATH", "").split(os.pathsep)):
        folder = Path(entry)
        if (
            folder.is_absolute()
            and folder.is_relative_to(home)
            and folder.is_dir()
            and not any(folder.is_relative_to(home / rel) for rel in TOOLCHAIN_DIRS)
        ):
            args += ["--ro-bind", entry, entry]
    return args


def _hidden_dirs(home: str | None, root: Path) -> list[str]:
    """elixir-pro's own folders (sessions, logs, config) that the private HOME and /tmp do
    not already hide; re-hidden when they lie inside the project."""
    out: list[str] = []
    for folder in (state_dir(), config_dir()):
        if not folder.is_dir():
            continue
        real = Path(os.path.realpath(folder))
        covered = [Path("/tmp")] + ([Path(home)] if home else [])
        if not any(real.is_relative_to(c) for c in covered) or real.is_relative_to(root):
            out.append(str(real))
    return out

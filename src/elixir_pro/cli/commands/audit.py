"""``elixir-pro audit PATH``: run the offline engine over a project or one file and print the
findings as text (Audit Mode format), JSON or SARIF. Exit 1 when a finding is at or above
``--fail-on`` (default high), 0 otherwise, 2 for bad usage."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from elixir_pro.errors import UserError

NAME = "audit"
HELP = "Audit an Elixir project or file with the offline engine (text, json or sarif)."
FORMATS = ("text", "json", "sarif")
LEVELS = ("critical", "high", "medium", "low")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", help="project root or file (default: .)")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format")
    parser.add_argument(
        "--fail-on",
        choices=LEVELS,
        default="high",
        help="exit 1 when a finding is at or above this severity (default: high)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="processes to use (default: idle cores for large projects; 0 = every core)",
    )


def _project_root(start: Path) -> Path:
    """The nearest folder holding ``.elixir-pro.yaml`` or ``mix.exs`` (for a single file's
    project settings), else ``start``."""
    for folder in (start, *start.parents):
        if (folder / ".elixir-pro.yaml").is_file() or (folder / "mix.exs").is_file():
            return folder
    return start


def _progress(done: int, total: int) -> None:
    print(f"\raudit: {done}/{total} files", end="" if done < total else "\n", file=sys.stderr)


def _otp_analysis(root: Path, analyzer: object) -> str:
    try:
        from elixir_pro.engine.supervision import build_supervision_map
        from elixir_pro.engine.supervision_render import render_map
    except ImportError:
        return "Supervision map not available in this build."
    try:
        return render_map(build_supervision_map(root, getattr(analyzer, "parse_cache", None)))
    except Exception as exc:  # the audit must not fail because the map could not be built
        return f"Supervision map could not be built: {type(exc).__name__}: {exc}"


def run(args: argparse.Namespace) -> int:
    from elixir_pro.engine.analyzer import ProjectAnalyzer
    from elixir_pro.engine.findings import Severity
    from elixir_pro.engine.sources import is_source

    target = Path(args.path)
    if not target.exists():
        raise UserError("no such file or directory", path=args.path)
    if target.is_file():
        if not is_source(target.name):
            raise UserError("not an Elixir source file (.ex or .exs)", path=args.path)
        from elixir_pro.config import load_config

        config = load_config(_project_root(target.parent.resolve()))
        analyzer = ProjectAnalyzer(target.parent, config, paths=[target.name])
    elif target.is_dir():
        if args.jobs is not None and args.jobs < 0:
            raise UserError("must be 0 or more", field="--jobs")
        analyzer = ProjectAnalyzer(target, jobs=args.jobs)
    else:
        raise UserError("not a regular file or directory", path=args.path)
    interactive = sys.stderr.isatty()
    report = analyzer.analyze_all(progress=_progress if interactive else None)
    if args.format == "json":
        from elixir_pro.engine.report import render_json

        output = render_json(report)
    elif args.format == "sarif":
        from elixir_pro.engine.sarif import render_sarif

        output = render_sarif(report)
    else:
        from elixir_pro.engine.report import render_text

        otp = _otp_analysis(target if target.is_dir() else target.parent, analyzer)
        output = render_text(report, args.path, otp)
    sys.stdout.write(output)
    if args.format != "text":
        for notice in report.notices:
            print(f"elixir-pro: notice: {notice}", file=sys.stderr)
    threshold = Severity(args.fail_on)
    return 1 if any(f.severity.at_least(threshold) for f in report.findings) else 0

"""``elixir-pro audit PATH``: run the offline engine over a project or one file and print the
findings as text (Audit Mode format), JSON or SARIF. Exit 1 when a shown finding is at or
above ``--fail-on`` (default high), 0 otherwise, 2 for bad usage.

What is shown follows the project service's policy: application code only unless
``--include-tests``, confidence medium and above unless ``--min-confidence``, findings in the
baseline left out unless ``--no-baseline``, strict rules only with ``--strict``. With
``--compile`` the project is also compiled (``mix compile`` through the warm companion, in the
project's own build) and the compiler's errors and warnings join the findings as rules
``compiler:error`` and ``compiler:warning``; without ``mix`` that is one notice."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from elixir_pro.errors import UserError

if TYPE_CHECKING:
    from elixir_pro.project import ProjectService

NAME = "audit"
HELP = "Audit an Elixir project or file with the offline engine (text, json or sarif)."
FORMATS = ("text", "json", "sarif")
LEVELS = ("critical", "high", "medium", "low")
CONFIDENCES = ("high", "medium", "low")


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
        "--min-confidence",
        choices=CONFIDENCES,
        default=None,
        help="show findings of at least this confidence (default: medium, or audit.min_confidence)",
    )
    parser.add_argument(
        "--include-tests",
        action="store_true",
        help="also check test, bench, example and seed code (out of scope by default)",
    )
    parser.add_argument(
        "--strict", action="store_true", help="also run the opt-in strict rules (style checks)"
    )
    parser.add_argument(
        "--write-baseline",
        action="store_true",
        help="record every current finding in the baseline file (not reported again) and exit",
    )
    parser.add_argument(
        "--no-baseline", action="store_true", help="report findings listed in the baseline too"
    )
    parser.add_argument(
        "--compile",
        action="store_true",
        help="also compile with mix and report the compiler's errors and warnings",
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


def _otp_analysis(service: ProjectService) -> str:
    from elixir_pro.engine.supervision_render import render_map

    try:
        return render_map(service.supervision())
    except Exception as exc:  # the audit must not fail because the map could not be built
        return f"Supervision map could not be built: {type(exc).__name__}: {exc}"


def _service(args: argparse.Namespace) -> ProjectService:
    from elixir_pro.config import load_config
    from elixir_pro.engine.sources import is_source
    from elixir_pro.project import ProjectService

    target = Path(args.path)
    if not target.exists():
        raise UserError("no such file or directory", path=args.path)
    options = {
        "include_tests": args.include_tests,
        "strict": args.strict,
        "min_confidence": args.min_confidence,
        "use_baseline": not args.no_baseline,
        "compile_diagnostics": bool(getattr(args, "compile", False)),
    }
    if target.is_file():
        if not is_source(target.name):
            raise UserError("not an Elixir source file (.ex or .exs)", path=args.path)
        if args.write_baseline:
            raise UserError(
                "a baseline is written for a project folder, not a file", path=args.path
            )
        root = _project_root(target.parent.resolve())
        rel = target.resolve().relative_to(root).as_posix()
        return ProjectService(root, load_config(root), paths=[rel], **options)
    if not target.is_dir():
        raise UserError("not a regular file or directory", path=args.path)
    if args.jobs is not None and args.jobs < 0:
        raise UserError("must be 0 or more", field="--jobs")
    return ProjectService(target, jobs=args.jobs, **options)


def run(args: argparse.Namespace) -> int:
    from elixir_pro.engine.findings import Severity

    service = _service(args)
    if args.write_baseline:
        path, count = service.write_baseline()
        noun = "finding" if count == 1 else "findings"
        print(f"Wrote {count} {noun} to {path}: they are not reported again.", file=sys.stderr)
        return 0
    interactive = sys.stderr.isatty()
    try:
        report = service.audit(progress=_progress if interactive else None)
    finally:
        service.close()
    if args.format == "json":
        from elixir_pro.engine.report import render_json

        output = render_json(report)
    elif args.format == "sarif":
        from elixir_pro.engine.sarif import render_sarif

        output = render_sarif(report)
    else:
        from elixir_pro.engine.report import render_text

        otp = _otp_analysis(service)
        output = render_text(report, args.path, otp)
    sys.stdout.write(output)
    if args.format != "text":
        for notice in report.notices:
            print(f"elixir-pro: notice: {notice}", file=sys.stderr)
    threshold = Severity(args.fail_on)
    return 1 if any(f.severity.at_least(threshold) for f in report.findings) else 0

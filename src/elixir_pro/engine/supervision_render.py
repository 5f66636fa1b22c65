"""Text rendering of the supervision map: the tree the ``supervision`` command prints and the
OTP Analysis section of the audit report uses."""

from __future__ import annotations

from elixir_pro.engine.supervision_model import ProcessNode, SupervisionMap


def describe(node: ProcessNode) -> str:
    details: list[str] = [node.kind.value.replace("_", " ")]
    if node.strategy:
        details.append(f"strategy {node.strategy}")
    if node.max_restarts is not None or node.max_seconds is not None:
        restarts = node.max_restarts if node.max_restarts is not None else 3
        seconds = node.max_seconds if node.max_seconds is not None else 5
        details.append(f"max {restarts} restarts in {seconds}s")
    if node.restart:
        details.append(f"restart {node.restart}")
    if node.dynamic:
        details.append("started at run time")
    where = f"  ({node.location})" if node.location else ""
    return f"{node.label} [{', '.join(details)}]{where}"


def _lines(node: ProcessNode, prefix: str, last: bool, top: bool) -> list[str]:
    branch = "" if top else ("└── " if last else "├── ")
    out = [f"{prefix}{branch}{describe(node)}"]
    child_prefix = prefix if top else prefix + ("    " if last else "│   ")
    for index, child in enumerate(node.children):
        out.extend(_lines(child, child_prefix, index == len(node.children) - 1, False))
    return out


def render_tree(node: ProcessNode) -> str:
    return "\n".join(_lines(node, "", True, True))


def render_map(smap: SupervisionMap) -> str:
    parts: list[str] = []
    if not smap.roots:
        parts.append("No application supervision tree found (no `use Application` module).")
    parts.extend(render_tree(root) for root in smap.roots)
    if smap.unattached:
        lines = ["Not reached from any application tree:"]
        for node in smap.unattached:
            lines.extend("  " + line for line in render_tree(node).splitlines())
        parts.append("\n".join(lines))
    if smap.notices:
        parts.append("\n".join(f"notice: {n}" for n in smap.notices))
    return "\n\n".join(parts)

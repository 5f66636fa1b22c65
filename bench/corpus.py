"""A deterministic synthetic Elixir/Phoenix corpus for benchmarks: GenServers, supervisors,
Ecto contexts and schemas, LiveViews, controllers and ExUnit tests, with a few mistakes
sprinkled in (about one file in ten), shaped like a real umbrella-free Phoenix application.

    python bench/corpus.py OUT_DIR [--files 2000] [--seed 7]

``generate(root, files, seed)`` writes it; ``sources(files, seed)`` returns it in memory.
Used by bench/engine_bench.py and the watcher's benchmark.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus_templates import APP, Generator, camel

MIX_EXS = f"""defmodule {APP}.MixProject do
  use Mix.Project

  def project do
    [app: :shop, version: "0.1.0", elixir: "~> 1.14", deps: deps()]
  end

  def application do
    [mod: {{{APP}.Application, []}}, extra_applications: [:logger]]
  end

  defp deps, do: [{{:phoenix, "~> 1.7"}}, {{:ecto_sql, "~> 3.10"}}]
end
"""


def sources(files: int = 2000, seed: int = 7) -> dict[str, bytes]:
    """``{relative path: source}`` for a corpus of ``files`` files (mix.exs included)."""
    rng = random.Random(seed)
    gen = Generator(rng)
    out: dict[str, bytes] = {"mix.exs": MIX_EXS.encode()}
    servers: list[str] = []
    kinds: list[tuple[float, Callable[[int, bool], tuple[str, str]]]] = []

    def server(i: int, bad: bool) -> tuple[str, str]:
        name = f"{gen.word()}_server_{i}"
        servers.append(f"Servers.{camel(name)}")
        return f"lib/shop/servers/{name}.ex", gen.genserver(f"Servers.{camel(name)}", bad)

    def sup(i: int, bad: bool) -> tuple[str, str]:
        kids = servers[-rng.randint(1, 4) :] or ["Repo"]
        return f"lib/shop/sup_{i}.ex", gen.supervisor(f"Sup{i}", kids)

    def schema(i: int, bad: bool) -> tuple[str, str]:
        name = f"{gen.word()}{i}"
        return f"lib/shop/schemas/{name}.ex", gen.schema(name)

    def context(i: int, bad: bool) -> tuple[str, str]:
        name = f"{gen.word()}{i}"
        return f"lib/shop/{name}s.ex", gen.context(name, bad)

    def live(i: int, bad: bool) -> tuple[str, str]:
        name = f"{gen.word()}{i}"
        return f"lib/shop_web/live/{name}_live/index.ex", gen.live_view(name, bad)

    def controller(i: int, bad: bool) -> tuple[str, str]:
        name = f"{gen.word()}{i}"
        return f"lib/shop_web/controllers/{name}_controller.ex", gen.controller(name)

    def test(i: int, bad: bool) -> tuple[str, str]:
        name = f"{gen.word()}{i}"
        return f"test/shop/{name}s_test.exs", gen.test(name)

    kinds = [
        (0.20, server),
        (0.05, sup),
        (0.15, schema),
        (0.22, context),
        (0.13, live),
        (0.07, controller),
        (0.18, test),
    ]
    weights = [w for w, _ in kinds]
    makers = [m for _, m in kinds]
    i = 0
    while len(out) < files:
        maker = rng.choices(makers, weights)[0]
        path, text = maker(i, rng.random() < 0.1)
        out[path] = text.encode()
        i += 1
    return out


#: How the generated application is deployed: with Mix instead of a release (no-releases).
PROCFILE = "web: MIX_ENV=prod mix phx.server\n"


def generate(root: Path, files: int = 2000, seed: int = 7) -> list[str]:
    """Write the corpus under ``root`` (and its Procfile); returns the relative source paths
    written."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "Procfile").write_text(PROCFILE, encoding="utf-8")
    written = []
    for rel, data in sources(files, seed).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(rel)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    paths = generate(args.out, args.files, args.seed)
    print(f"wrote {len(paths)} files under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

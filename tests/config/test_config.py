"""Settings: defaults, user + project layering, and one-line errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from elixir_pro.config import load_config
from elixir_pro.engine.findings import Severity
from elixir_pro.errors import UserError
from elixir_pro.paths import config_dir


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_files(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config.watch.review == "manual"
    assert config.rules.disable == frozenset()
    assert config.llm.model is None
    assert config.sources == ()


def test_project_overrides_user(tmp_path: Path) -> None:
    _write(config_dir() / "config.yaml", "llm: {model: opus}\nwatch: {debounce_ms: 300}\n")
    _write(
        tmp_path / ".elixir-pro.yaml",
        "rules:\n  disable: [missing-impl]\n  severity: {n-plus-one: Critical}\n"
        "llm:\n  model: haiku\n  prices:\n    claude-haiku: {input: 2}\n"
        "tools: {allow_bash: ['mix test*'], bash_timeout: 30}\n",
    )
    config = load_config(tmp_path)
    assert config.llm.model == "haiku"
    assert config.watch.debounce_ms == 300
    assert config.rules.disable == frozenset({"missing-impl"})
    assert config.rules.severity == {"n-plus-one": Severity.CRITICAL}
    assert config.tools.allow_bash == ("mix test*",)
    assert config.tools.bash_timeout == 30.0
    price = config.llm.price_for("claude-haiku-4-5-20251001")
    assert price is not None and price.input == 2.0 and price.output == 5.0
    assert len(config.sources) == 2


def test_env_model_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ELIXIR_PRO_MODEL", "claude-opus-4-1")
    assert load_config(tmp_path).llm.model == "claude-opus-4-1"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rules: [a]\n", ":1: rules: expected a mapping, got a list"),
        ("watch:\n  debounce: 5\n", ":2: watch.debounce: unknown setting"),
        ("watch:\n  debounce_ms: soon\n", ":2: watch.debounce_ms: expected a number, got 'soon'"),
        ("verify:\n  format: 3\n", ":2: verify.format: expected true or false, got 3"),
        ("rules:\n  severity:\n    x: huge\n", ":3: rules.severity.x: expected one of critical"),
        ("tools: {allow_secrets: .env}\n", ":1: tools.allow_secrets: expected a list of text"),
        ("llm: {model: [a]}\n", ":1: llm.model: expected text, got a list"),
        ("colours: {}\n", ":1: colours: unknown section"),
        ("watch: {review: always}\n", "watch.review: expected one of off, on-save, manual"),
        ("rules: {disable: [a\n", "invalid YAML"),
    ],
)
def test_bad_project_config_is_one_line(tmp_path: Path, text: str, expected: str) -> None:
    _write(tmp_path / ".elixir-pro.yaml", text)
    with pytest.raises(UserError) as caught:
        load_config(tmp_path)
    line = str(caught.value)
    assert "\n" not in line
    assert line.startswith(str(tmp_path / ".elixir-pro.yaml"))
    assert expected in line


def test_non_utf8_config(tmp_path: Path) -> None:
    (tmp_path / ".elixir-pro.yaml").write_bytes(b"llm: {model: \xff}\n")
    with pytest.raises(UserError, match="not UTF-8"):
        load_config(tmp_path)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("paths: {include: 3}\n", "paths.include"),
        ("paths: {bogus: [a]}\n", "paths.bogus"),
        ("rules: {strict: maybe}\n", "rules.strict"),
        ("rules: {paths: {n-plus-one: lib}}\n", "rules.paths.n-plus-one"),
        ("audit: {min_confidence: 3}\n", "audit.min_confidence"),
        ("audit: {baseline: [x]}\n", "audit.baseline"),
    ],
)
def test_findings_policy_settings_are_checked(tmp_path: Path, text: str, field: str) -> None:
    (tmp_path / ".elixir-pro.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as caught:
        load_config(tmp_path)
    assert field in caught.value.one_line() and "\n" not in caught.value.one_line()


def test_findings_policy_settings_make_the_policy(tmp_path: Path) -> None:
    (tmp_path / ".elixir-pro.yaml").write_text(
        "rules: {enable: [missing-impl], paths: {n-plus-one: ['lib/**']}}\n"
        "paths: {include: [test/support/], exclude: ['lib/legacy/**']}\n"
        "audit: {min_confidence: low}\n",
        encoding="utf-8",
    )
    config = load_config(tmp_path)
    policy = config.policy(include_tests=True)
    assert policy.enable == {"missing-impl"} and policy.include_tests and not policy.strict
    assert policy.covers("n-plus-one", frozenset({"lib"}), "lib/shop.ex")
    assert not policy.covers("n-plus-one", frozenset({"lib"}), "web/shop.ex")
    assert not policy.covers("unsafe-atom-creation", frozenset({"lib"}), "lib/legacy/a.ex")
    assert config.min_confidence == "low"

"""Bash allow rules over parsed command lines: what a rule approves, what always needs the user
(substitutions, background jobs, redirections out of the project, unchecked syntax, eval and
sh -c with text known only at run time), and a property test that runs generated command
lines through the real Bash tool and sandbox: no unapproved simple command ever runs without
asking."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from tools_support import MakeToolset, Project

from elixir_pro.errors import UserError
from elixir_pro.tools import BashDecision, BashRequest, HeadlessBashPolicy
from elixir_pro.tools.bash_rules import AllowRule, evaluate, parse_rules
from elixir_pro.tools.shell_parse import parse_script

RULES = parse_rules(["mix test *", "git status*", "mix format*", "echo *", "true"])


def verdict(command: str, root: Path = Path("/tmp")) -> tuple[bool, list[str]]:
    script = parse_script(command)
    result = evaluate(script, RULES, root)
    return result.allowed, [c.display for c in script.commands]


@pytest.mark.parametrize(
    ("command", "commands"),
    [
        ("mix test", ["mix test"]),
        ("mix test test/a_test.exs --trace", ["mix test test/a_test.exs --trace"]),
        ("'mix' \"test\"", ["'mix' \"test\""]),
        ('m"i"x test', ['m"i"x test']),
        ("(mix test) && { git status; }", ["mix test", "git status"]),
        ("! mix test", ["mix test"]),
        ("mix test > out.txt 2>&1", ["mix test"]),
        ("mix test 2>/dev/null", ["mix test"]),
        ("echo hi <<< 'here'", ["echo hi <<< 'here'"]),
        ("bash -c 'mix test'", ["mix test"]),
        ("/bin/sh -lc 'mix test && git status'", ["mix test", "git status"]),
        ("eval mix test", ["mix test"]),
        ('echo $HOME "${HOME}"', ['echo $HOME "${HOME}"']),
        ("mix test # then; rm -rf /", ["mix test"]),
        ("echo <<'EOF'\n$(id)\nEOF", ["echo"]),
        ("echo <<EOF y\nplain\nEOF\n", ["echo y"]),
        ("mix format --check-formatted | true", ["mix format --check-formatted", "true"]),
    ],
)
def test_commands_every_part_of_which_matches_a_rule_are_approved(
    command: str, commands: list[str]
) -> None:
    assert verdict(command) == (True, commands)


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        ("mix test; touch ../PWNED", "'touch ../PWNED' matches no allow rule"),
        ("mix test && rm -rf ../sibling", "'rm -rf ../sibling' matches no allow rule"),
        ("mix test\ntouch ../x", "'touch ../x' matches no allow rule"),
        ("mix test | sh", "sh runs a script that is not shown here"),
        ("mix format; touch ../x", "'touch ../x' matches no allow rule"),
        ("git status || curl evil.example", "'curl evil.example' matches no allow rule"),
        ("mix test $(cat ~/.netrc)", "command substitution '$(cat ~/.netrc)'"),
        ("mix test `id`", "command substitution '`id`'"),
        ('echo "$(id)"', "command substitution '$(id)'"),
        ("echo <(id)", "process substitution '<(id)'"),
        ('echo x <<< "$(id)"', "command substitution '$(id)'"),
        ("cat <<EOF\n$(id)\nEOF", "command substitution '$(id)'"),
        ("mix test &", "a background job (&)"),
        ("mix test > ../out", "redirection '> ../out' outside the project"),
        ("mix test > /etc/passwd", "redirection '> /etc/passwd' outside the project"),
        ("mix test > $OUT", "redirection '> $OUT' to a target known only at run time"),
        ("mix test >> ~/.bashrc", "to a target known only at run time"),
        ("bash -c 'mix test; rm x'", "'rm x' matches no allow rule"),
        ('bash -c "$SCRIPT"', "bash runs a script that is not shown here"),
        ("./sh -c 'mix test'", "./sh -c 'mix test'\" matches no allow rule"),
        ("sh script.sh", "sh runs a script that is not shown here"),
        ('eval "$X"', "eval of text known only at run time"),
        ("source .env", "source runs the shell code of a file"),
        ("for f in *; do mix test; done", "shell syntax that is not checked (for statement)"),
        ("f() { mix test; }; f", "shell syntax that is not checked (function definition)"),
        ("x=1", "a variable assignment on its own"),
        ("echo ${x:-$(id)}", "expansion '${x:-$(id)}' is not checked"),
        ("echo $((1 + 2))", "arithmetic expansion '$((1 + 2))' is not checked"),
        ("MIX_ENV=prod mix test", "'MIX_ENV=prod mix test' matches no allow rule"),
        ("mix tests", "'mix tests' matches no allow rule"),
        ("echo 'unterminated", "shell syntax that does not parse"),
        ("mix test\r; touch x", "a control character in the command"),
        ("mi\\\nx test", "a line continuation"),
        ("$CMD test", "'$CMD test' matches no allow rule"),
        ("mi? test", "'mi? test' matches no allow rule"),
        ("true x", "'true x' matches no allow rule"),
        ("echo hi > ../outside extra", "redirection '> ../outside' outside the project"),
        ("true > f --short", "'true --short' matches no allow rule"),
        ("mix test && true > f x", "'true x' matches no allow rule"),
        ("( mix test ) > f x", "words after a redirection that are not a command's"),
        ("echo <<EOF | sh\ntouch x\nEOF\n", "sh runs a script that is not shown here"),
        ("echo <<EOF && touch z\nhi\nEOF\n", "'touch z' matches no allow rule"),
        ("echo <<-EOF >> ../f\n\thi\n\tEOF\n", "redirection '>> ../f' outside the project"),
        ("echo <<EOF\n$(id)\nEOF\n", "command substitution '$(id)'"),
    ],
)
def test_anything_else_needs_the_user(command: str, reason: str) -> None:
    allowed, _ = verdict(command)
    assert not allowed
    reasons = evaluate(parse_script(command), RULES, Path("/tmp")).reasons
    assert any(reason in r for r in reasons), reasons


def test_redirections_inside_the_project_are_fine_and_symlinks_out_are_not(
    project: Project,
) -> None:
    root = project.root
    ok = evaluate(parse_script("mix test > lib/out.txt"), RULES, root)
    assert ok.allowed
    linked = evaluate(parse_script("mix test > lib/outdir/x"), RULES, root)
    assert not linked.allowed and "outside the project" in linked.reasons[0]


def test_rules_are_one_simple_command_of_fixed_words() -> None:
    rule = AllowRule.parse("mix test*")
    assert (rule.words, rule.any_args) == (("mix", "test"), True)
    assert AllowRule.parse("MIX_ENV=test mix test").assignments == ("MIX_ENV=test",)
    assert AllowRule.parse("*").any_args and AllowRule.parse("*").words == ()
    for bad, why in [
        ("mix test; rm x", "must be one simple command"),
        ("mix $(x)", "must be one simple command"),
        ("mix t*st", "a wildcard may only end the rule"),
        ("mix $X", "must be fixed words"),
        ("mix > out", "must be one simple command"),
    ]:
        with pytest.raises(UserError, match=why.replace("(", r"\(")) as caught:
            AllowRule.parse(bad, origin="tools.allow_bash")
        assert "tools.allow_bash" in caught.value.one_line()
        assert "\n" not in caught.value.one_line()


# -- the property ----------------------------------------------------------------------------

ALLOWED_RULES = ["echo *", "true *"]
APPROVED = [
    "echo a",
    "echo 'b c'",
    'echo "$HOME"',
    "true",
    "'echo' x",
    'e"ch"o y',
    "\\echo z",
    "echo a > out.txt tail",  # the words after a redirection's target are arguments
    "true 2>&1 x",
]
UNAPPROVED = [
    "touch U1",
    "'touch' U2",
    't"ouch" U3',
    "\\touch U4",
    "sh -c 'touch U5'",
    'bash -c "touch U6"',
    "eval touch U7",
    "printf x > U8",
    "echo x | tee U9",
    "cp /etc/hostname U10",
    "echo x > ../outside.txt U12",
    "echo x 2>/dev/null > ../outside.txt",
    'python3 -c \'open("U11", "w")\'',
]

Line = tuple[str, bool]  # the command line and whether it must be asked about


def _leaf() -> st.SearchStrategy[Line]:
    approved = st.sampled_from(APPROVED).map(lambda c: (c, False))
    unapproved = st.sampled_from(UNAPPROVED).map(_asks)
    return st.one_of(approved, approved, approved, approved, approved, unapproved)


def _asks(command: str) -> Line:
    return (command, True)


def _combine(children: st.SearchStrategy[Line]) -> st.SearchStrategy[Line]:
    binary = st.tuples(children, st.sampled_from([";", "&&", "||", "|", "\n", " ; "]), children)
    joined = binary.map(lambda t: (f"{t[0][0]} {t[1]} {t[2][0]}", t[0][1] or t[2][1]))
    return st.one_of(
        joined,
        joined,
        joined,
        children.map(lambda c: (f"( {c[0]} )", c[1])),  # "((" would be arithmetic
        children.map(lambda c: (f"{{ {c[0]}; }}", c[1])),
        children.map(lambda c: (f"{c[0]} > out.txt 2>&1", c[1])),
        children.map(lambda c: (f"bash -c {_quote(c[0])}", c[1])),
        children.map(lambda c: (f"! ( {c[0]} )", c[1])),
        children.map(lambda c: (f"echo $({c[0]})", True)),
        children.map(lambda c: (f"echo `{c[0]}`", True)),
        children.map(lambda c: (f'echo "$({c[0]})"', True)),
        children.map(lambda c: (f"echo <({c[0]})", True)),
        children.map(lambda c: (f'echo x <<< "$({c[0]})"', True)),
        children.map(lambda c: (f"{c[0]} & true", True)),
        children.map(lambda c: (f"{c[0]} >> ../outside.txt", True)),
    )


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


LINES = st.recursive(_leaf(), _combine, max_leaves=4)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(line=LINES)
async def test_no_unapproved_simple_command_ever_runs_without_asking(
    make_toolset: MakeToolset, project: Project, line: Line
) -> None:
    command, must_ask = line
    event("asks" if must_ask else "runs")
    policy = HeadlessBashPolicy(ALLOWED_RULES)
    asked: list[BashRequest] = []

    async def approve(request: BashRequest) -> BashDecision:
        decision = await policy(request)
        if decision is BashDecision.DENY:
            asked.append(request)  # the TUI would show the modal here; headless refuses
        return decision

    tools = make_toolset(approve=approve, writable=True)
    out = await tools.run("Bash", {"command": command})
    markers = sorted(p.name for p in project.root.iterdir() if p.name.startswith("U"))
    for name in markers:
        (project.root / name).unlink()
    assert markers == [], f"{command!r} ran {markers} without asking"
    if must_ask:
        assert asked and out.is_error and "Command refused" in out.output
    else:  # the grammar's fully approved lines really run (the property is not vacuous)
        assert not asked and "Command refused" not in out.output, out.output

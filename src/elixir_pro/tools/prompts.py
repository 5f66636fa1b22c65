"""Prompt text for the tools: the descriptions the model reads in each tool definition and
for each parameter. Kept apart from the tool logic; used by ``base.Tool.definition``."""

from __future__ import annotations

TOOL_DESCRIPTIONS: dict[str, str] = {
    "Read": (
        "Reads a text file of the project and returns it with line numbers, like `cat -n`.\n"
        "- file_path may be relative to the project root or absolute inside it; paths outside "
        "the project are refused.\n"
        "- By default up to 2000 lines are returned from the start; use offset (1-based line) "
        "and limit to page through long files. Lines longer than 2000 characters are cut.\n"
        "- Output is capped at 256 KB with a note saying where to continue.\n"
        "- Staged (not yet approved) edits are visible: you read the file as it will be after "
        "the user's review.\n"
        "- Binary files and secrets (.env, private keys, *.secret.exs) are refused.\n"
        "- Read a file before you Edit or Write it."
    ),
    "Write": (
        "Writes a whole file of the project (creating it if needed).\n"
        "- The change is staged for the user's review, not written to disk; later Reads see it.\n"
        "- An existing file must be Read first. Prefer Edit for changes to existing files.\n"
        "- Paths outside the project and secret files are refused."
    ),
    "Edit": (
        "Replaces exact text in a file of the project.\n"
        "- Read the file first. old_string must match the file exactly (indentation included, "
        "without the line-number prefix Read adds) and be unique unless replace_all is true; "
        "add surrounding lines to make it unique.\n"
        "- An empty old_string creates a new file with new_string as its content.\n"
        "- The change is staged for the user's review, not written to disk; later Reads see it."
    ),
    "Grep": (
        "Searches file contents in the project with a regular expression (Python `re` syntax, "
        "close to ripgrep's).\n"
        "- output_mode: 'files_with_matches' (default; paths, most recently modified first), "
        "'content' (matching lines, with -n line numbers and -A/-B/-C context) or 'count'.\n"
        "- Filter files with glob (e.g. '*.ex', 'lib/**/*.{ex,exs}') or type (e.g. 'elixir').\n"
        "- _build, deps, .git and node_modules are skipped unless path points inside them; "
        "binary and secret files are skipped. Results are capped; use head_limit to cut sooner.\n"
        "- Staged (not yet approved) edits are searched as they will be after review."
    ),
    "Docs": (
        "Returns the documentation of an Elixir module or function (signatures, @doc, "
        "deprecations) as this project builds it: a dependency's docs come from the exact "
        "version compiled in the project's _build (the answer names the version), the standard "
        "library's from the installed Elixir.\n"
        "- Use it before you name or call an API of a dependency (Ecto, Phoenix, Oban, ...) or "
        "of Elixir itself: do not rely on memory for function names, arities or options.\n"
        "- symbol: a module (Ecto.Changeset), a function with or without arity "
        "(Ecto.Changeset.cast/4, Enum.map) or a callback.\n"
        "- When a dependency is not compiled the answer says so and how to fix it."
    ),
    "Glob": (
        "Finds files of the project by name with a glob pattern such as '**/*.ex' or "
        "'lib/**/*_live.ex'. Returns project-relative paths, most recently modified first, at "
        "most 100. _build, deps, .git and node_modules are skipped unless path points inside "
        "them."
    ),
    "Bash": (
        "Runs a shell command in the project root and returns its exit code, stdout and "
        "stderr.\n"
        "- Every command needs the user's approval; a refused command returns an error: do not "
        "retry it, continue without it or ask the user.\n"
        "- Use it for mix tasks (mix compile, mix test, mix format --check-formatted), git "
        "status/diff/log and similar. Do not use it to edit files (use Edit/Write, which stage "
        "changes for review) or to read files (use Read, Grep, Glob).\n"
        "- timeout is in milliseconds (default 120000, at most 600000); the process group is "
        "killed when it expires. Output beyond 30000 characters is cut in the middle."
    ),
}

PARAM_DESCRIPTIONS: dict[str, dict[str, str]] = {
    "Read": {
        "file_path": "The file to read: relative to the project root or absolute inside it.",
        "offset": "The 1-based line number to start reading from.",
        "limit": "The number of lines to read (default 2000).",
    },
    "Write": {
        "file_path": "The file to write: relative to the project root or absolute inside it.",
        "content": "The complete new content of the file.",
    },
    "Edit": {
        "file_path": "The file to edit: relative to the project root or absolute inside it.",
        "old_string": "The exact text to replace.",
        "new_string": "The text to replace it with (must differ from old_string).",
        "replace_all": "Replace every occurrence of old_string (default false).",
    },
    "Grep": {
        "pattern": "The regular expression to search for.",
        "path": "File or directory to search in (default: the project root).",
        "glob": "Only search files matching this glob, e.g. '*.ex' or '**/*.{ex,exs}'.",
        "output_mode": "'content', 'files_with_matches' (default) or 'count'.",
        "-i": "Case-insensitive search.",
        "-n": "Show line numbers in content mode (default true).",
        "-A": "Lines of context after each match (content mode).",
        "-B": "Lines of context before each match (content mode).",
        "-C": "Lines of context before and after each match (content mode).",
        "head_limit": "Return only the first N lines, files or counts.",
        "type": "File type to search: elixir, erlang, eex, heex, js, ts, css, md, json, yaml...",
        "multiline": "Let . match newlines and patterns span lines (default false).",
    },
    "Docs": {
        "symbol": "The module or function, e.g. Ecto.Changeset.cast/4, Phoenix.LiveView, Enum.map.",
    },
    "Glob": {
        "pattern": "The glob to match files against, e.g. '**/*.exs'.",
        "path": "The directory to search in (default: the project root).",
    },
    "Bash": {
        "command": "The shell command to run.",
        "timeout": "Timeout in milliseconds (default 120000, max 600000).",
        "description": "A short description of what the command does, shown to the user.",
    },
}

"""Git integration (GitPython): commit exactly the files an apply touched, and the working
tree's diff against HEAD.

``commit_paths`` uses ``git commit --only -- <paths>``: git builds the commit from HEAD plus
just those paths, so other files already staged stay staged and uncommitted, and unstaged
changes elsewhere are never swept in. Used by ``changes.apply`` and the TUI.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from elixir_pro.errors import UserError

if TYPE_CHECKING:
    import git


class GitUnavailable(UserError):
    """Not a git repository, or git refused."""


def _repo(root: Path) -> git.Repo:
    import git

    try:
        return git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise GitUnavailable("not inside a git repository", path=str(root)) from None


def commit_paths(root: Path, paths: list[str], message: str) -> str:
    """Commit exactly ``paths`` (relative to ``root``; created, modified or deleted) and return
    the new commit's sha."""
    import git

    repo = _repo(root)
    top = Path(repo.working_tree_dir or root).resolve()
    rels = [str((root.resolve() / p).relative_to(top).as_posix()) for p in paths]
    present = [r for r in rels if (top / r).exists()]
    try:
        if present:
            repo.git.add("--", *present)
        tracked_or_added = [r for r in rels if r in present or _tracked(repo, r)]
        if not tracked_or_added:
            raise GitUnavailable("none of the applied files is tracked by git")
        repo.git.commit("--only", "-m", message, "--", *tracked_or_added)
    except git.GitCommandError as exc:
        detail = " ".join(str(exc.stderr or exc).split())
        raise GitUnavailable(f"git commit failed: {detail}") from None
    return str(repo.head.commit.hexsha)


def _tracked(repo: git.Repo, rel: str) -> bool:
    import git

    try:
        return bool(repo.git.ls_files("--error-unmatch", "--", rel, with_extended_output=False))
    except git.GitCommandError:
        return False


def diff_against_head(root: Path) -> str:
    """The unified diff of the working tree (staged and unstaged) against HEAD; against the
    empty tree when the repository has no commit yet."""
    import git

    repo = _repo(root)
    try:
        if repo.head.is_valid():
            return str(repo.git.diff("HEAD"))
        return str(repo.git.diff("--cached"))
    except git.GitCommandError as exc:
        raise GitUnavailable(f"git diff failed: {' '.join(str(exc).split())}") from None

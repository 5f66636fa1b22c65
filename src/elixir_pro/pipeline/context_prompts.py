"""Prompt text of the pipeline context a turn gets (phase gates, OpenSpec requirements, the
TaskMaster task being worked on). Kept apart from the logic in :mod:`.context`."""

from __future__ import annotations

GATES = "## Phase gates\n{summary}"

REQUIREMENTS_FOR_FILES = (
    "## OpenSpec requirements relevant to the files in context\n"
    "Hold the answer to these contracts; cite them under OpenSpec Compliance.\n\n{requirements}"
)

RELIABILITY_REQUIREMENTS = (
    "## OpenSpec reliability requirements\n"
    "Hold the answer to these contracts; cite them under OpenSpec Compliance.\n\n{requirements}"
)

MORE_REQUIREMENTS = "({count} more relevant requirement(s) not shown)"

TASK = "## TaskMaster task being worked on\n{task}"

TASK_HEAD = "Task {id}: {title}"

TASK_META = "Status: {items}"

TASK_PRIORITY = "priority {priority}"

TASK_READY = "ready (every dependency is done)"

TASK_BLOCKED = "blocked by {blockers}"

TASK_DETAILS = "Details: {text}"

TASK_TEST_STRATEGY = "Test strategy: {text}"

TASK_SUBTASKS = "Subtasks: {items}"

TASK_SUBTASK = "{id} {title} ({status})"

NOTICES = "## Notices about the project's pipeline files\n{items}"

OPENSPEC_NOTICE = "{first} ({count} problem(s) in openspec/)"

"""Text the changes package sends to the conversation: the suggested next prompt after a failed
verification. Kept apart from the logic in ``changes.verify``."""

from __future__ import annotations

FIX_COMPILE = "Fix the compile error at {location}: {message}"
FIX_TESTS = "Fix the failing test{plural}: {tests}"
FIX_FORMAT = "mix format failed on the applied files; fix the syntax so they format: {detail}"

"""Staged changes and how they land: nothing here writes a project file without a decision.

- ``changeset``: the staged proposals (Changeset, FileProposal) every producer writes into;
- ``hunks`` / ``linediff``: hunks per proposal and the text a set of decisions gives;
- ``decisions`` / ``review_model``: per-hunk decisions and the review state the screen drives;
- ``apply`` / ``fsutil`` / ``textio``: conflict-checked, journalled, atomic apply;
- ``journal``: the undo journal (undo, crash recovery); ``store``: pending changesets;
- ``gitops``: commit exactly the applied files, diff against HEAD; ``verify``: mix after apply;
- ``outcome``: what landed, as data and as the text sent back to the conversation.

No Textual: the review screen lives in ``elixir_pro.tui.screens.review``.
"""

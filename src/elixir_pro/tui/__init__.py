"""The Textual front end: the App (wiring), the bridge from core events to messages, screens
(one per file with a sibling .tcss), widgets (one per file), themes and the command palette.
The only package that imports Textual."""

"""engine/rules."""

"""The built-in rules, one per module. Each defines a :class:`~elixir_pro.engine.rule.Rule`
subclass and registers it with ``@register``, exactly as a third-party rule would;
``engine.rule.load_rules()`` imports every module here. ``_common.py`` holds shared helpers."""

"""One module per ``elixir-pro`` command; see :mod:`elixir_pro.cli`."""

"""The fake Anthropic Messages server (``server``) and its pytest fixture (``fixtures``).

Import the fixture in a test folder's conftest::

    from fakeclaude.fixtures import fake_claude  # noqa: F401
"""

"""``python -m tertial.cli``: the ``tertial`` command, for a process started by another."""

from tertial.cli import main

main()

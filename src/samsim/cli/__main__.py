"""``python -m samsim.cli``: the same as the ``samsim`` command."""

from samsim.cli import main

main()

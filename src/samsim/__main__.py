"""``python -m samsim``: the same as the ``samsim`` command."""

from samsim.cli.app import main

main()

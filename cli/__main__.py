"""``python -m chokepoint.cli``: the same as the ``chokepoint`` console script."""

from chokepoint.cli.main import main

main()

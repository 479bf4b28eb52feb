"""``python -m chokepoint.cli``: the same as the ``chokepoint`` console script."""

from chokepoint.cli.main import main

if __name__ == "__main__":  # not again in a worker process started by "spawn" (loaders/bulk.py)
    main()

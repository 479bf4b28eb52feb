"""The Dash explorer and the ``chokepoint`` command line. Uses ``queries`` and ``loaders``, never the driver."""

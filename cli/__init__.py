"""The ``chokepoint`` command line, one module per topic registering its commands on ``base.app``;
commands parse options, call one use case, print. Imports ``cases``, graph's shared types, and the app to serve it.
"""

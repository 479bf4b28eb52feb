"""The ``chokepoint`` command line, one module per topic, each registering its commands on ``base.app``.

Commands parse options, call one use case (or one query), and print its result; they compute nothing.
"""

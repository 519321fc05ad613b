"""The boundary around the core: an sqlite event store, id minting, server time, a demo worker.

Everything the core must not do (talk to a database, read the clock, mint ids) happens here.
"""

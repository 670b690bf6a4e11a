"""Action implementations, one module per family (files, mount, partitions …).

Every module here is imported at start-up by ``dispatch.load_impls``.
"""

"""The appliance recipe, installed as the package ``guestfs_appliance``.

``packages`` (what supermin puts in the appliance), ``init`` (its /init),
``host-packages`` (what the host needs to build it), ``prepare.py`` (writes
the supermin description) and ``make_fixed.py`` travel as package data, so
an installed wheel can build its appliance without the source checkout.
"""

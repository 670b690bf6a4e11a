"""guestfsd in Python: the program that runs inside the appliance.

``server.py`` reads calls from the virtio-serial channel and writes replies,
``dispatch.py`` turns a call into a Python function call (argument checks
derived from the actions registry), ``impl/<family>.py`` hold the
implementations, ``context.py`` the sysroot and device helpers they share.
"""

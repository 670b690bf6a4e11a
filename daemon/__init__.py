"""guestfsd in Python: the program that runs inside the appliance.

Installed as the package ``guestfs_daemon`` (the folder is ``daemon/``).
``server.py`` reads calls from the virtio-serial channel and writes replies,
``dispatch.py`` turns a call into a Python function call (argument checks
derived from the actions registry), ``streams.py`` holds the FileIn/FileOut
chunk streams, ``context.py`` the sysroot and device names, ``errors.py``
the error reply.  ``impl/<family>.py`` hold the implementations; they share
the helpers in ``lib/`` (guest root and paths, running programs, block
devices …) and never import each other.
"""

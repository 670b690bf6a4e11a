"""Launch backends: each turns a configured handle plus an appliance into a
running VM and a connected channel socket.

``base.py`` holds the shared skeleton and the registry, ``qemu.py`` the qemu
process and command line shared by the qemu-based backends, ``direct.py``
the default backend.  Backends are plugins (see ``guestfs/plugins.py``).
"""

"""Built-in appliance finder plugins: ``fixed`` (prebuilt) and ``supermin`` (built and cached).

Each module is a pluggy plugin listed in ``guestfs/plugins.py``;
``_kernel.py`` makes the PVH ``vmlinux`` and ``_boot.py`` holds the
recommended qemu machine options and kernel arguments.
"""

"""A pruned copy of the kernel's modules directory for supermin to copy.

supermin copies the whole ``SUPERMIN_MODULES`` tree (about 400 MB with
Debian's kernel) into every appliance root.  Drivers for hardware a VM never
has (sound, GPUs, Wi-Fi, cameras …) are more than half of it, so the finder
points supermin at a hard-linked copy without them: builds get faster and
each cached appliance ~250 MB smaller.  The index files (modules.dep …) are
kept as they are; only modules nobody loads in the appliance are missing.
Used by ``supermin.py``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile

#: Subtrees of ``kernel/`` left out (virtio, SCSI, block, file systems, crypto,
#: device-mapper, md, networking core and virtio-net all stay).
EXCLUDED_DIRS: tuple[str, ...] = (
    "sound", "drivers/gpu", "drivers/media", "drivers/net/ethernet", "drivers/net/wireless",
    "drivers/net/usb", "drivers/net/can", "drivers/infiniband", "drivers/iio", "drivers/usb",
    "drivers/staging", "drivers/hid", "drivers/input", "drivers/hwmon", "drivers/bluetooth",
    "drivers/isdn", "drivers/mfd", "drivers/comedi", "drivers/platform", "drivers/thunderbolt",
    "drivers/edac", "drivers/leds", "net/wireless", "net/mac80211", "net/bluetooth",
)


def tree_key(modules_dir: str) -> str:
    """Short hash naming the pruned copy: source path, its index, the exclusions."""
    try:
        st = os.stat(os.path.join(modules_dir, "modules.dep"))
        stamp = f"{st.st_size} {st.st_mtime_ns}"
    except OSError:
        stamp = "no modules.dep"
    return hashlib.sha256(f"{modules_dir} {stamp} {EXCLUDED_DIRS}".encode()).hexdigest()[:12]


def _link_or_copy(src: str, dest: str) -> None:
    """Hard link when on the same file system, else copy (keeping mtimes)."""
    try:
        os.link(src, dest)
    except OSError:
        shutil.copy2(src, dest)


def prune_into(modules_dir: str, dest: str) -> None:
    """Populate the new directory ``dest`` with ``modules_dir`` minus EXCLUDED_DIRS."""
    excluded = {os.path.join(modules_dir, "kernel", d) for d in EXCLUDED_DIRS}
    for dirpath, dirnames, filenames in os.walk(modules_dir):
        rel = os.path.relpath(dirpath, modules_dir)
        target = os.path.join(dest, rel) if rel != "." else dest
        os.makedirs(target, exist_ok=True)
        dirnames[:] = [d for d in dirnames if os.path.join(dirpath, d) not in excluded]
        for fn in filenames:
            src = os.path.join(dirpath, fn)
            if os.path.islink(src):
                os.symlink(os.readlink(src), os.path.join(target, fn))
            else:
                _link_or_copy(src, os.path.join(target, fn))


def pruned_modules(modules_dir: str, cache_dir: str) -> str:
    """Return the pruned copy of ``modules_dir`` in ``cache_dir``, making it if needed.

    The caller holds the cache lock.  On any failure the original
    ``modules_dir`` is returned: pruning only saves time and space.
    """
    final = os.path.join(cache_dir, "modules-" + tree_key(modules_dir))
    if os.path.isdir(final):
        return final
    tmp = tempfile.mkdtemp(dir=cache_dir, prefix="tmp-modules-")
    try:
        tree = os.path.join(tmp, "tree")
        prune_into(modules_dir, tree)
        os.rename(tree, final)
        return final
    except OSError:
        return modules_dir
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

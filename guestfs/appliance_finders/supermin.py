"""SuperminFinder: build a ``supermin.d`` description into a cached appliance.

A directory on the search path holding ``supermin.d`` (made by
``appliance/prepare.py``) is built once with ``supermin --build -f ext2``
into ``<cachedir>/guestfs-py-<uid>/appliance-<hash>/`` and reused while the
description, the kernel and the host's packages are unchanged.  Builds go
to a temporary directory that is renamed into place under an exclusive
``flock``, so concurrent processes never see a half-built appliance.  The
kernel handed to the backend is the uncompressed ``vmlinux`` (``_kernel.py``).
Sibling plugin: ``fixed.py``.
"""

from __future__ import annotations

import fcntl
import glob
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..appliance import Appliance
from ..hookspecs import hookimpl
from ..settings import default_cachedir
from ._initrd import INITRD_MODULES, trim_initrd
from ._kernel import extract_vmlinux
from ._modules import EXCLUDED_DIRS, pruned_modules

if TYPE_CHECKING:
    from ..handle import GuestFS

#: Bump when the layout of a cached appliance changes.
CACHE_FORMAT = 1
#: Changes here (the package database) mean supermin would copy other files.
DPKG_STATUS = "/var/lib/dpkg/status"
#: Cached builds unused for this long (by mtime, refreshed on each use) are
#: removed after a new build; deleting one a running qemu uses is harmless.
STALE_AFTER = 900.0


@dataclass(frozen=True)
class Kernel:
    """The host kernel supermin builds for: image, modules dir and version."""

    image: str
    modules: str
    version: str

    def env(self) -> dict[str, str]:
        """The variables that make supermin use exactly this kernel."""
        return {"SUPERMIN_KERNEL": self.image, "SUPERMIN_MODULES": self.modules,
                "SUPERMIN_KERNEL_VERSION": self.version}


def _version_key(v: str) -> list[tuple[int, int | str]]:
    """Sort key that orders ``6.1.0-10`` before ``6.1.0-9`` correctly."""
    return [(0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[.\-+~_]", v)]


def choose_kernel(environ: dict[str, str] | None = None) -> Kernel:
    """The kernel to boot: the ``SUPERMIN_KERNEL*`` variables, else the newest
    ``/boot/vmlinuz-*`` that has its ``/lib/modules`` directory.

    The running kernel is not used by default: on build hosts and containers
    it is often not an installed Debian kernel.

    :raises RuntimeError: no usable kernel.
    """
    env = os.environ if environ is None else environ
    image = env.get("SUPERMIN_KERNEL")
    if image:
        version = env.get("SUPERMIN_KERNEL_VERSION") or \
            os.path.basename(image).removeprefix("vmlinuz-")
        modules = env.get("SUPERMIN_MODULES") or f"/lib/modules/{version}"
        return Kernel(image, modules, version)
    found = []
    for img in glob.glob("/boot/vmlinuz-*"):
        version = os.path.basename(img)[len("vmlinuz-"):]
        if os.path.isdir(f"/lib/modules/{version}") and os.access(img, os.R_OK):
            found.append(Kernel(img, f"/lib/modules/{version}", version))
    if not found:
        raise RuntimeError("supermin: no readable /boot/vmlinuz-* with a matching "
                           "/lib/modules directory (set SUPERMIN_KERNEL, SUPERMIN_MODULES "
                           "and SUPERMIN_KERNEL_VERSION)")
    return max(found, key=lambda k: _version_key(k.version))


def _stat_key(path: str) -> str:
    """``name size mtime`` of a file, or a marker if it is missing."""
    try:
        st = os.stat(path)
    except OSError:
        return f"{path} missing"
    return f"{path} {st.st_size} {st.st_mtime_ns}"


def cache_key(supermin_d: str, kernel: Kernel) -> str:
    """Hash of everything the built appliance depends on.

    Covers each ``supermin.d`` file's name, size and mtime (prepare.py only
    rewrites a file whose bytes changed), the kernel image, its version and
    modules, and the package database (supermin copies host files).
    """
    h = hashlib.sha256(f"guestfs-py appliance {CACHE_FORMAT} {INITRD_MODULES} {EXCLUDED_DIRS}\n"
                       .encode())
    for name in sorted(os.listdir(supermin_d)):
        h.update((_stat_key(os.path.join(supermin_d, name)).replace(supermin_d, "") + "\n").encode())
    for part in (kernel.version, _stat_key(kernel.image),
                 _stat_key(os.path.join(kernel.modules, "modules.dep")), _stat_key(DPKG_STATUS)):
        h.update(part.encode() + b"\n")
    return h.hexdigest()[:20]


def user_cache_dir(handle: GuestFS | None) -> str:
    """``<cachedir>/guestfs-py-<uid>``, created private; refuses one owned by another user.

    :raises RuntimeError: the directory is not ours or is writable by others.
    """
    base = None
    if handle is not None:
        try:
            base = handle.get_cachedir()
        except Exception:  # a handle without the setting: use the defaults
            base = None
    base = base or default_cachedir(os.environ.get("LIBGUESTFS_CACHEDIR"))
    d = os.path.join(base, f"guestfs-py-{os.getuid()}")
    os.makedirs(d, mode=0o700, exist_ok=True)
    st = os.lstat(d)
    if not os.path.isdir(d) or os.path.islink(d) or st.st_uid != os.getuid() or st.st_mode & 0o022:
        raise RuntimeError(f"supermin: cache directory {d} is not a private directory "
                           "owned by the current user")
    return d


def _complete(app_dir: str) -> Appliance | None:
    """The appliance in a finished cache directory, or None if there is none."""
    kernel = os.path.join(app_dir, "vmlinux")
    if not os.path.exists(kernel):
        kernel = os.path.join(app_dir, "kernel")
    paths = (kernel, os.path.join(app_dir, "initrd"), os.path.join(app_dir, "root"))
    if all(os.path.exists(p) for p in paths):
        return Appliance(kernel=paths[0], initrd=paths[1], root=paths[2],
                         kind="supermin", directory=app_dir)
    return None


def run_supermin(supermin_d: str, dest: str, kernel: Kernel, verbose: bool = False) -> None:
    """``supermin --build -f ext2`` of ``supermin_d`` into the new directory ``dest``.

    :raises RuntimeError: supermin is missing or failed (with its stderr tail).
    """
    argv = ["supermin", "--build", "-f", "ext2", "--host-cpu", "x86_64",
            "-o", dest, supermin_d]
    if verbose:
        argv.insert(1, "-v")
    env = dict(os.environ, **kernel.env())
    try:
        r = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, errors="replace", check=False)
    except OSError as e:
        raise RuntimeError(f"supermin: cannot run supermin: {e.strerror}") from None
    if r.returncode != 0:
        tail = "\n".join((r.stderr or r.stdout).strip().splitlines()[-20:])
        raise RuntimeError(f"supermin: build of {supermin_d} failed (exit {r.returncode}):\n{tail}")


def build_appliance(supermin_d: str, handle: GuestFS | None = None,
                    verbose: bool = False) -> Appliance:
    """Return the cached build of ``supermin_d``, building it first if needed.

    :raises RuntimeError: no kernel, bad cache directory or a failed build.
    """
    kernel = choose_kernel()
    top = user_cache_dir(handle)
    final = os.path.join(top, "appliance-" + cache_key(supermin_d, kernel))
    found = _complete(final)
    if found is not None:
        _touch(final)
        return found
    with open(os.path.join(top, "lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        found = _complete(final)  # another process built it while we waited
        if found is not None:
            return found
        modules = pruned_modules(kernel.modules, top)
        _touch(modules)
        tmp = tempfile.mkdtemp(dir=top, prefix="tmp-appliance-")
        try:
            build = os.path.join(tmp, "build")
            run_supermin(supermin_d, build, Kernel(kernel.image, modules, kernel.version), verbose)
            trim_initrd(os.path.join(build, "initrd"), kernel.modules)
            extract_vmlinux(kernel.image, os.path.join(build, "vmlinux"))
            if os.path.exists(final):  # a broken leftover
                shutil.rmtree(final)
            os.rename(build, final)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        _remove_stale(top, keep=(final, modules))
    found = _complete(final)
    if found is None:
        raise RuntimeError(f"supermin: {final} is incomplete after the build")
    return found


def _touch(path: str) -> None:
    """Mark a cached build as used, so that other builds' clean-up keeps it."""
    try:
        os.utime(path)
    except OSError:
        pass


def _remove_stale(top: str, keep: tuple[str, ...]) -> None:
    """Delete old builds (unused for STALE_AFTER) and leftover temp dirs; best effort."""
    now = time.time()
    for d in glob.glob(os.path.join(top, "*-*")):
        if d in keep or not os.path.basename(d).startswith(
                ("appliance-", "modules-", "tmp-appliance-", "tmp-modules-")):
            continue
        try:
            if now - os.stat(d).st_mtime > STALE_AFTER:
                shutil.rmtree(d)
        except OSError:
            pass


@hookimpl
def guestfs_find_appliance(directory: str, handle: GuestFS) -> Appliance | None:
    """Build (or reuse) the appliance for ``directory/supermin.d``."""
    smd = os.path.join(directory, "supermin.d")
    if not os.path.isdir(smd):
        return None
    try:
        verbose = bool(handle.get_verbose())
    except Exception:  # verbosity only adds supermin's own chatter
        verbose = False
    return build_appliance(smd, handle, verbose)


@hookimpl
def guestfs_describe_appliance_dir(directory: str) -> str | None:
    """Say why ``directory`` is not a supermin appliance."""
    if not os.path.isdir(os.path.join(directory, "supermin.d")):
        return "supermin: no supermin.d"
    return None

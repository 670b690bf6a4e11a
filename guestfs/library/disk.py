"""Disk-image calls run on the host with ``qemu-img`` (no appliance needed)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from typing import TYPE_CHECKING, Any

from ..errors import GuestFSError
from . import library_action

if TYPE_CHECKING:
    from ..handle import GuestFS

_FORMATS = ("raw", "qcow2")
_PREALLOC = {"raw": ("off", "sparse", "full"), "qcow2": ("off", "sparse", "metadata", "full")}


def _qemu_img(argv: list[str]) -> bytes:
    try:
        cp = subprocess.run(["qemu-img", *argv], capture_output=True, timeout=600)
    except FileNotFoundError:
        raise GuestFSError("qemu-img is not installed", "ENOENT") from None
    except subprocess.TimeoutExpired:
        raise GuestFSError("qemu-img did not finish within 600 s") from None
    if cp.returncode != 0:
        raise GuestFSError(f"qemu-img: {cp.stderr.decode(errors='replace').strip()}")
    return cp.stdout


def _info(filename: str) -> dict[str, Any]:
    if not os.path.exists(filename):
        raise GuestFSError(f"{filename}: No such file or directory", "ENOENT")
    out = _qemu_img(["info", "--output=json", "-U", filename])
    try:
        info: dict[str, Any] = json.loads(out)
    except ValueError:
        raise GuestFSError(f"qemu-img info: {filename}: unparsable output") from None
    return info


def _check_create(format: str, size: int, backingfile: str | None, backingformat: str | None,
                  preallocation: str | None, compat: str | None, clustersize: int | None) -> None:
    """disk_create's arguments, checked in stock's order with stock's words."""
    def invalid(param: str, value: object) -> GuestFSError:
        return GuestFSError(f"invalid value for {param} parameter ‘{value}’", "EINVAL")

    if backingfile:
        if size != -1:
            raise GuestFSError("if using a backing file, size must be passed as -1", "EINVAL")
    elif size <= 0:
        raise GuestFSError(f"invalid size: {size}", "EINVAL")
    if format not in _FORMATS:
        raise GuestFSError(f"unsupported format ‘{format}’", "EINVAL")
    if backingformat is not None and not re.fullmatch(r"[-_a-z0-9]+", backingformat):
        raise invalid("backingformat", backingformat)
    if format == "raw" and backingfile:
        raise GuestFSError("backingfile cannot be used for raw format disks", "EINVAL")
    if preallocation is not None and preallocation not in _PREALLOC[format]:
        raise invalid("preallocation", preallocation)
    if format == "raw":
        for param, value in (("compat", compat), ("clustersize", clustersize)):
            if value:
                raise GuestFSError(f"{param} parameter cannot be used with raw format", "EINVAL")
        return
    if compat and compat not in ("0.10", "1.1"):
        raise invalid("compat", compat)
    if clustersize and (clustersize < 512 or clustersize > 2 * 1024 * 1024
                        or clustersize & (clustersize - 1)):
        raise invalid("clustersize", clustersize)


@library_action("disk_create")
def disk_create(g: GuestFS, filename: str, format: str, size: int,
                backingfile: str | None = None, backingformat: str | None = None,
                preallocation: str | None = None, compat: str | None = None,
                clustersize: int | None = None) -> None:
    """Create a blank raw or qcow2 image (optionally with a backing file)."""
    _check_create(format, size, backingfile, backingformat, preallocation, compat, clustersize)
    if format == "raw":
        try:
            fd = os.open(filename, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOCTTY, 0o666)
        except OSError as e:
            raise GuestFSError(f"cannot create raw file: {filename}: {e.strerror}", None) from None
        try:
            if preallocation == "full" and size:
                os.posix_fallocate(fd, 0, size)
            else:
                os.ftruncate(fd, size)
        except OSError as e:
            raise GuestFSError(f"{filename}: {e.strerror}", None) from None
        finally:
            os.close(fd)
        return
    opts = []
    if backingfile:
        opts.append(f"backing_file={backingfile}")
        opts.append(f"backing_fmt={backingformat or _info(backingfile)['format']}")
    if preallocation:
        opts.append(f"preallocation={'off' if preallocation == 'sparse' else preallocation}")
    if compat:
        opts.append(f"compat={compat}")
    if clustersize:
        opts.append(f"cluster_size={clustersize}")
    argv = ["create", "-q", "-f", "qcow2"]
    if opts:
        argv += ["-o", ",".join(o.replace(",", ",,") for o in opts)]
    argv.append(filename)
    if size != -1:
        argv.append(str(size))
    _qemu_img(argv)


@library_action("disk_format")
def disk_format(g: GuestFS, filename: str) -> str:
    """The image's format as qemu detects it (``raw``, ``qcow2`` …)."""
    return str(_info(filename)["format"])


@library_action("disk_virtual_size")
def disk_virtual_size(g: GuestFS, filename: str) -> int:
    """The size of the disk the image holds, in bytes."""
    return int(_info(filename)["virtual-size"])


@library_action("disk_has_backing_file")
def disk_has_backing_file(g: GuestFS, filename: str) -> bool:
    """Whether the image has a backing file."""
    return "backing-filename" in _info(filename)

"""Disk images made on the host with no VM: a GPT disk whose partitions are
filled from trees (``mkfs -d`` for ext2/3/4, mtools for vfat), for the
inspection tests that need many small guest filesystems."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import guestfs
from guestfs.testing import appliance_missing, skip_or_fail
from tests.stock_script import Step, assert_same_outcomes, run_script_on, run_script_on_stock

MIB = 1 << 20
#: A symbolic link in a tree: its target.
Link = tuple[str]


class Fifo:
    """A named pipe in a tree (where a guest could put one instead of a file)."""


#: A tree: path → file content, a link, a named pipe, or None for a directory.
Tree = dict[str, bytes | Link | Fifo | None]


def write_tree(root: Path, files: Tree) -> None:
    """Make ``files`` under ``root``."""
    for path, content in files.items():
        p = root / path.lstrip("/")
        p.parent.mkdir(parents=True, exist_ok=True)
        if content is None:
            p.mkdir(exist_ok=True)
        elif isinstance(content, tuple):
            os.symlink(content[0], p)
        elif isinstance(content, Fifo):
            os.mkfifo(p)
        else:
            p.write_bytes(content)


def build_image(out: Path, work: Path, parts: list[tuple[str, Tree]], part_mib: int) -> None:
    """A GPT disk at ``out`` with one ``part_mib`` MiB partition per (filesystem
    type, tree) of ``parts``, in order; ``work`` holds the trees."""
    for tool in ("sgdisk", "mkfs.ext4", "mkfs.fat", "mcopy", "mmd"):
        if shutil.which(tool) is None:
            skip_or_fail(f"{tool} is needed to build the image (gdisk, e2fsprogs, dosfstools, mtools)")
    with open(out, "wb") as f:
        f.truncate((len(parts) * part_mib + 4) * MIB)
    subprocess.run(["sgdisk", *[f"-n{i + 1}:0:+{part_mib}M" for i in range(len(parts))], str(out)],
                   check=True, capture_output=True)
    for i, (fstype, files) in enumerate(parts):
        offset = (2048 + i * part_mib * 2048) * 512
        tree = work / f"p{i + 1}"
        tree.mkdir()
        write_tree(tree, files)
        if fstype != "vfat":
            subprocess.run([f"mkfs.{fstype}", "-q", "-F", "-d", str(tree), "-E", f"offset={offset}",
                            str(out), f"{part_mib * 1024}k"], check=True, capture_output=True)
            continue
        subprocess.run(["mkfs.fat", "-F", "16", f"--offset={offset // 512}", str(out),
                        str(part_mib * 1024)], check=True, capture_output=True)
        for p in sorted(tree.rglob("*")):
            dest, spec = f"::/{p.relative_to(tree)}", f"{out}@@{offset}"
            cmd = ["mmd", "-i", spec, dest] if p.is_dir() else ["mcopy", "-i", spec, str(p), dest]
            subprocess.run(cmd, check=True, capture_output=True)


def launched_readonly(image: Path) -> Iterator[Any]:
    """A handle (python_return_dict) launched on ``image`` read-only, for a
    module fixture; skipped (or failed in CI) without an appliance."""
    why = appliance_missing()
    if why:
        skip_or_fail(why)
    h = guestfs.GuestFS(python_return_dict=True)
    h.add_drive_opts(str(image), format="raw", readonly=True)
    h.launch()
    yield h
    h.close()


def assert_stock_agrees(g: Any, image: Path, script: list[Step]) -> None:
    """Run ``script`` on ``g`` and on stock 1.48 launched on ``image`` read-only;
    every step's outcome must be the same."""
    ours = run_script_on(g, script)
    setup: list[Step] = [("add_drive_opts", [str(image)], {"format": "raw", "readonly": True}),
                         ("launch", [], {})]
    stock = run_script_on_stock(setup, script, timeout=600)
    assert_same_outcomes(script, ours, stock)

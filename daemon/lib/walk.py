"""Walking a directory tree in ``find`` order from an open descriptor
(find0, tar/checksum batches); the guest-root helpers are in ``guestroot.py``."""

from __future__ import annotations

import os
from collections.abc import Iterator


def scandir_walk(top_fd: int, prefix: bytes = b"") -> Iterator[tuple[bytes, bool]]:
    """Everything under an open directory in ``find`` order: (relative path, is_regular).

    Pre-order, each directory's entries in readdir order, symbolic links
    never followed; unreadable subdirectories are listed but not entered.
    """
    fds = [os.dup(top_fd)]
    stack: list[tuple[Iterator[os.DirEntry[str]], bytes]] = []
    try:
        stack.append((os.scandir(fds[0]), prefix))
        while stack:
            it, pre = stack[-1]
            try:
                entry = next(it)
            except StopIteration:
                it.close()  # type: ignore[attr-defined]
                stack.pop()
                os.close(fds.pop())
                continue
            name = pre + os.fsencode(entry.name)
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_reg = entry.is_file(follow_symlinks=False)
            except OSError:
                is_dir = is_reg = False
            yield name, is_reg
            if is_dir:
                try:
                    sub = os.open(entry.name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC,
                                  dir_fd=fds[-1])
                except OSError:
                    continue
                fds.append(sub)
                stack.append((os.scandir(sub), name + b"/"))
    finally:
        for it, _ in stack:
            it.close()  # type: ignore[attr-defined]
        for fd in fds:
            os.close(fd)

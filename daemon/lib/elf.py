"""The architecture an ELF header names (``file_architecture``, inspection)."""

from __future__ import annotations

import struct

#: ELF e_machine → architecture name, as libguestfs names them.
_ELF_MACHINES = {3: "i386", 62: "x86_64", 183: "aarch64", 40: "arm", 243: "riscv64",
                 22: "s390x", 2: "sparc", 18: "sparc", 43: "sparc64", 8: "mips", 20: "ppc", 21: "ppc64"}
# (18 is EM_SPARC32PLUS, what gcc makes of 32-bit SPARC Linux programs: "sparc" too.)


def elf_arch(head: bytes) -> str | None:
    """The architecture in an ELF header's first 20 bytes, or None if not ELF."""
    if len(head) < 20 or head[:4] != b"\x7fELF":
        return None
    order = "<" if head[5] == 1 else ">"
    arch = _ELF_MACHINES.get(struct.unpack(order + "H", head[18:20])[0], "unknown")
    if arch == "ppc64" and order == "<":
        return "ppc64le"
    if arch == "mips" and head[4] == 2:
        return "mips64"
    return arch

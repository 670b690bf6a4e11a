"""``-N [filename=]type[:param…]``: prepared disk images (``disk``, ``part``, ``fs`` …).

Each type is one :class:`PrepType`: its parameters with their defaults, and
the library calls that set the disk up once the appliance runs.  The image
file (``test1.img``, ``test2.img`` … unless named) is made sparse before
launch and added as a raw drive.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..actions.kinds import LONGINT_OK, xstrtoll

if TYPE_CHECKING:
    from ..handle import GuestFS

#: Sets up one prepared disk: (handle, its device, parameter values by name).
Setup = Callable[["GuestFS", str, dict[str, str]], None]


class PrepError(Exception):
    """A bad ``-N`` argument or a failed preparation (``str(e)`` is the message)."""


@dataclass(frozen=True)
class PrepType:
    """One prepared-disk type: parameters (name, default, what it is) and setup."""

    name: str
    summary: str
    description: str
    params: tuple[tuple[str, str, str], ...]
    setup: Setup


def _lv_names(name: str) -> tuple[str, str]:
    parts = name.split("/")
    if len(parts) != 4 or parts[:2] != ["", "dev"] or not parts[2] or not parts[3]:
        raise PrepError(f"cannot parse name of volume group and logical volume from '{name}'")
    return parts[2], parts[3]


def _part(g: GuestFS, dev: str, p: dict[str, str]) -> str:
    g.part_disk(dev, p["partition"])
    return g.list_partitions()[-1]


def _setup_disk(g: GuestFS, dev: str, p: dict[str, str]) -> None:
    pass


def _setup_part(g: GuestFS, dev: str, p: dict[str, str]) -> None:
    _part(g, dev, p)


def _setup_fs(g: GuestFS, dev: str, p: dict[str, str]) -> None:
    g.mkfs(p["filesystem"], _part(g, dev, p))


def _make_lv(g: GuestFS, dev: str, p: dict[str, str], pv: str) -> str:
    vg, lv = _lv_names(p["name"])
    g.pvcreate(pv)
    g.vgcreate(vg, [pv])
    g.lvcreate_free(lv, vg, 100)
    return p["name"]


def _setup_lv(g: GuestFS, dev: str, p: dict[str, str]) -> None:
    _make_lv(g, dev, p, _part(g, dev, p))


def _setup_lvfs(g: GuestFS, dev: str, p: dict[str, str]) -> None:
    g.mkfs(p["filesystem"], _make_lv(g, dev, p, _part(g, dev, p)))


def _two_parts(g: GuestFS, dev: str, p: dict[str, str]) -> tuple[str, str]:
    err, bootsize = xstrtoll(p["bootsize"])
    if err != LONGINT_OK:
        raise PrepError(f"could not parse boot size '{p['bootsize']}'")
    sector = g.blockdev_getss(dev)
    g.part_init(dev, p["partition"])
    start = 64
    end = start + bootsize // sector - 1
    g.part_add(dev, "p", start, end)
    g.part_add(dev, "p", end + 1, -64)
    parts = g.list_partitions()
    return parts[-2], parts[-1]


def _setup_bootroot(g: GuestFS, dev: str, p: dict[str, str]) -> None:
    boot, root = _two_parts(g, dev, p)
    g.mkfs(p["bootfs"], boot)
    g.mkfs(p["rootfs"], root)


def _setup_bootrootlv(g: GuestFS, dev: str, p: dict[str, str]) -> None:
    boot, root = _two_parts(g, dev, p)
    g.mkfs(p["bootfs"], boot)
    g.mkfs(p["rootfs"], _make_lv(g, dev, p, root))


_SIZE = ("size", "1G", "the size of the disk image")
_PTYPE = ("partition", "mbr", "partition table type")
_FS = ("filesystem", "ext2", "the type of filesystem to use")
_NAME = ("name", "/dev/VG/LV", "the name of the VG and LV to use")
_BOOTROOT = (("bootfs", "ext2", "the type of filesystem to use for boot"),
             ("rootfs", "ext2", "the type of filesystem to use for root"), _SIZE,
             ("bootsize", "128M", "the size of the boot filesystem"), _PTYPE)

PREP_TYPES: tuple[PrepType, ...] = (
    PrepType("disk", "create a blank disk", "A blank disk of 1G unless a size is given.",
             (_SIZE,), _setup_disk),
    PrepType("part", "create a partitioned disk",
             "A disk with one partition filling it (MBR unless another table type is given).",
             (_SIZE, _PTYPE), _setup_part),
    PrepType("fs", "create a filesystem",
             "A disk with one partition holding an empty filesystem (ext2 unless told).",
             (_FS, _SIZE, _PTYPE), _setup_fs),
    PrepType("lv", "create a disk with logical volume",
             "One partition made an LVM physical volume, with a volume group and one logical "
             "volume filling it; no filesystem (see 'lvfs').",
             (_NAME, _SIZE, _PTYPE), _setup_lv),
    PrepType("lvfs", "create a disk with logical volume and filesystem",
             "As 'lv', with a filesystem made on the logical volume.",
             (_NAME, _FS, _SIZE, _PTYPE), _setup_lvfs),
    PrepType("bootroot", "create a boot and root filesystem",
             "Two partitions, a boot and a root filesystem, each formatted.",
             _BOOTROOT, _setup_bootroot),
    PrepType("bootrootlv", "create a boot and root filesystem using LVM",
             "As 'bootroot', with the root filesystem on a logical volume.",
             (_NAME, *_BOOTROOT), _setup_bootrootlv),
)


@dataclass
class Prepared:
    """One ``-N`` option: its type, parameter values, image file and spec."""

    spec: str
    filename: str
    kind: PrepType
    values: dict[str, str]

    def size(self) -> int:
        """The image size in bytes.

        :raises PrepError: an unparsable size (stock's xstrtoull message).
        """
        err, value = xstrtoll(self.values.get("size", "1G"))
        if err != LONGINT_OK or value < 0:
            raise PrepError(f"parse_size: invalid integer parameter (xstrtoull returned {err or 4})")
        return value

    def setup(self, g: GuestFS, device: str) -> None:
        """Partition and format the launched drive."""
        self.kind.setup(g, device, self.values)


def parse_prep(spec: str, index: int) -> Prepared:
    """A ``-N`` argument; ``index`` numbers the default file name (test1.img …).

    :raises PrepError: an unknown type.
    """
    filename, eq, rest = spec.partition("=")
    if not eq:
        filename, rest = f"test{index}.img", spec
    name, *given = rest.split(":")
    kind = next((t for t in PREP_TYPES if t.name == name), None)
    if kind is None:
        raise PrepError(f"-N parameter \u2018{rest}\u2019: no such prepared disk image known.\n"
                        "Use 'guestfish -N help' to list possible values for the -N parameter.")
    values = {p[0]: (given[i] if i < len(given) and given[i] else p[1])
              for i, p in enumerate(kind.params)}
    return Prepared(rest, filename, kind, values)


def prep_help(types: Sequence[PrepType] = PREP_TYPES) -> str:
    """The ``-N help`` text."""
    out = ["List of available prepared disk images:", ""]
    for t in types:
        out += [f"guestfish -N {t.name:<8} - {t.summary}", "", f"  {t.description}", "",
                "  Optional parameters:",
                "    -N " + ":".join([t.name, *(f"<{p[0]}>" for p in t.params)])]
        out += [f"      <{p[0]}> {p[2]} (default: {p[1]})" for p in t.params]
        out.append("")
    out += ["Prepared disk images are written to \"test1.img\" in the current directory",
            "(\"test2.img\" and so on for more -N options).  Put a file name before the type",
            "to choose another:", "", "  guestfish -N blank.img=fs", ""]
    return "\n".join(out)

"""Every libguestfs action as a typed method (GENERATED: do not edit).

Made by ``python -m guestfs.actions.codegen`` from the actions registry
(``guestfs/actions``), its kinds and summaries; a unit test regenerates it
and compares.  :class:`ActionMethods` is the base class of
:class:`guestfs.GuestFS`: each method hands its arguments to
``GuestFS._invoke``, which checks them by kind and runs the action.  The
return structs are TypedDicts.
"""

# ruff: noqa: E501

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, TypedDict

from .actions import ACTIONS

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .actions import Action

_A = ACTIONS


class IntBool(TypedDict):
    """The ``int_bool`` struct some actions return."""

    i: int
    b: int


class PV(TypedDict):
    """The ``lvm_pv`` struct some actions return."""

    pv_name: str
    pv_uuid: str
    pv_fmt: str
    pv_size: int
    dev_size: int
    pv_free: int
    pv_used: int
    pv_attr: str
    pv_pe_count: int
    pv_pe_alloc_count: int
    pv_tags: str
    pe_start: int
    pv_mda_count: int
    pv_mda_free: int


class VG(TypedDict):
    """The ``lvm_vg`` struct some actions return."""

    vg_name: str
    vg_uuid: str
    vg_fmt: str
    vg_attr: str
    vg_size: int
    vg_free: int
    vg_sysid: str
    vg_extent_size: int
    vg_extent_count: int
    vg_free_count: int
    max_lv: int
    max_pv: int
    pv_count: int
    lv_count: int
    snap_count: int
    vg_seqno: int
    vg_tags: str
    vg_mda_count: int
    vg_mda_free: int


class LV(TypedDict):
    """The ``lvm_lv`` struct some actions return."""

    lv_name: str
    lv_uuid: str
    lv_attr: str
    lv_major: int
    lv_minor: int
    lv_kernel_major: int
    lv_kernel_minor: int
    lv_size: int
    seg_count: int
    origin: str
    snap_percent: float | None
    copy_percent: float | None
    move_pv: str
    lv_tags: str
    mirror_log: str
    modules: str


class Stat(TypedDict):
    """The ``stat`` struct some actions return."""

    dev: int
    ino: int
    mode: int
    nlink: int
    uid: int
    gid: int
    rdev: int
    size: int
    blksize: int
    blocks: int
    atime: int
    mtime: int
    ctime: int


class StatNS(TypedDict):
    """The ``statns`` struct some actions return."""

    st_dev: int
    st_ino: int
    st_mode: int
    st_nlink: int
    st_uid: int
    st_gid: int
    st_rdev: int
    st_size: int
    st_blksize: int
    st_blocks: int
    st_atime_sec: int
    st_atime_nsec: int
    st_mtime_sec: int
    st_mtime_nsec: int
    st_ctime_sec: int
    st_ctime_nsec: int
    st_spare1: int
    st_spare2: int
    st_spare3: int
    st_spare4: int
    st_spare5: int
    st_spare6: int


class StatVFS(TypedDict):
    """The ``statvfs`` struct some actions return."""

    bsize: int
    frsize: int
    blocks: int
    bfree: int
    bavail: int
    files: int
    ffree: int
    favail: int
    fsid: int
    flag: int
    namemax: int


class Dirent(TypedDict):
    """The ``dirent`` struct some actions return."""

    ino: int
    ftyp: str
    name: str


class Version(TypedDict):
    """The ``version`` struct some actions return."""

    major: int
    minor: int
    release: int
    extra: str


class XAttr(TypedDict):
    """The ``xattr`` struct some actions return."""

    attrname: str
    attrval: bytes


class INotifyEvent(TypedDict):
    """The ``inotify_event`` struct some actions return."""

    in_wd: int
    in_mask: int
    in_cookie: int
    in_name: str


class Partition(TypedDict):
    """The ``partition`` struct some actions return."""

    part_num: int
    part_start: int
    part_end: int
    part_size: int


class Application(TypedDict):
    """The ``application`` struct some actions return."""

    app_name: str
    app_display_name: str
    app_epoch: int
    app_version: str
    app_release: str
    app_install_path: str
    app_trans_path: str
    app_publisher: str
    app_url: str
    app_source_package: str
    app_summary: str
    app_description: str


class Application2(TypedDict):
    """The ``application2`` struct some actions return."""

    app2_name: str
    app2_display_name: str
    app2_epoch: int
    app2_version: str
    app2_release: str
    app2_arch: str
    app2_install_path: str
    app2_trans_path: str
    app2_publisher: str
    app2_url: str
    app2_source_package: str
    app2_summary: str
    app2_description: str
    app2_class: str
    app2_spare2: str
    app2_spare3: str
    app2_spare4: str


class ISOInfo(TypedDict):
    """The ``isoinfo`` struct some actions return."""

    iso_system_id: str
    iso_volume_id: str
    iso_volume_space_size: int
    iso_volume_set_size: int
    iso_volume_sequence_number: int
    iso_logical_block_size: int
    iso_volume_set_id: str
    iso_publisher_id: str
    iso_data_preparer_id: str
    iso_application_id: str
    iso_copyright_file_id: str
    iso_abstract_file_id: str
    iso_bibliographic_file_id: str
    iso_volume_creation_t: int
    iso_volume_modification_t: int
    iso_volume_expiration_t: int
    iso_volume_effective_t: int


class MDStat(TypedDict):
    """The ``mdstat`` struct some actions return."""

    mdstat_device: str
    mdstat_index: int
    mdstat_flags: str


class BTRFSSubvolume(TypedDict):
    """The ``btrfssubvolume`` struct some actions return."""

    btrfssubvolume_id: int
    btrfssubvolume_top_level_id: int
    btrfssubvolume_path: str


class BTRFSQgroup(TypedDict):
    """The ``btrfsqgroup`` struct some actions return."""

    btrfsqgroup_id: str
    btrfsqgroup_rfer: int
    btrfsqgroup_excl: int


class BTRFSBalance(TypedDict):
    """The ``btrfsbalance`` struct some actions return."""

    btrfsbalance_status: str
    btrfsbalance_total: int
    btrfsbalance_balanced: int
    btrfsbalance_considered: int
    btrfsbalance_left: int


class BTRFSScrub(TypedDict):
    """The ``btrfsscrub`` struct some actions return."""

    btrfsscrub_data_extents_scrubbed: int
    btrfsscrub_tree_extents_scrubbed: int
    btrfsscrub_data_bytes_scrubbed: int
    btrfsscrub_tree_bytes_scrubbed: int
    btrfsscrub_read_errors: int
    btrfsscrub_csum_errors: int
    btrfsscrub_verify_errors: int
    btrfsscrub_no_csum: int
    btrfsscrub_csum_discards: int
    btrfsscrub_super_errors: int
    btrfsscrub_malloc_errors: int
    btrfsscrub_uncorrectable_errors: int
    btrfsscrub_unverified_errors: int
    btrfsscrub_corrected_errors: int
    btrfsscrub_last_physical: int


class XFSInfo(TypedDict):
    """The ``xfsinfo`` struct some actions return."""

    xfs_mntpoint: str
    xfs_inodesize: int
    xfs_agcount: int
    xfs_agsize: int
    xfs_sectsize: int
    xfs_attr: int
    xfs_blocksize: int
    xfs_datablocks: int
    xfs_imaxpct: int
    xfs_sunit: int
    xfs_swidth: int
    xfs_dirversion: int
    xfs_dirblocksize: int
    xfs_cimode: int
    xfs_logname: str
    xfs_logblocksize: int
    xfs_logblocks: int
    xfs_logversion: int
    xfs_logsectsize: int
    xfs_logsunit: int
    xfs_lazycount: int
    xfs_rtname: str
    xfs_rtextsize: int
    xfs_rtblocks: int
    xfs_rtextents: int


class UTSName(TypedDict):
    """The ``utsname`` struct some actions return."""

    uts_sysname: str
    uts_release: str
    uts_version: str
    uts_machine: str


class HivexNode(TypedDict):
    """The ``hivex_node`` struct some actions return."""

    hivex_node_h: int


class HivexValue(TypedDict):
    """The ``hivex_value`` struct some actions return."""

    hivex_value_h: int


class InternalMountable(TypedDict):
    """The ``internal_mountable`` struct some actions return."""

    im_type: int
    im_device: str
    im_volume: str


class TSKDirent(TypedDict):
    """The ``tsk_dirent`` struct some actions return."""

    tsk_inode: int
    tsk_type: str
    tsk_size: int
    tsk_name: str
    tsk_flags: int
    tsk_atime_sec: int
    tsk_atime_nsec: int
    tsk_mtime_sec: int
    tsk_mtime_nsec: int
    tsk_ctime_sec: int
    tsk_ctime_nsec: int
    tsk_crtime_sec: int
    tsk_crtime_nsec: int
    tsk_nlink: int
    tsk_link: str
    tsk_spare1: int


class YaraDetection(TypedDict):
    """The ``yara_detection`` struct some actions return."""

    yara_name: str
    yara_rule: str


class ActionMethods:
    """Every action of the registry, as a method (the base of ``GuestFS``)."""

    if TYPE_CHECKING:
        def _invoke(self, act: Action, args: tuple[Any, ...],
                    opts: Mapping[str, Any]) -> Any: ...

    def acl_delete_def_file(self, dir: str) -> None:
        """Remove the default POSIX ACL of a directory.

        :param dir: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["acl_delete_def_file"], (dir,), {})

    def acl_get_file(self, path: str, acltype: str) -> str:
        """Return the access or default POSIX ACL of a path in long text form.

        :param path: an absolute path in the guest (Pathname)
        :param acltype: a string (String)
        :returns: a string (RString)
        """
        return self._invoke(_A["acl_get_file"], (path, acltype), {})

    def acl_set_file(self, path: str, acltype: str, acl: str) -> None:
        """Replace the access or default POSIX ACL of a path with the given text ACL.

        :param path: an absolute path in the guest (Pathname)
        :param acltype: a string (String)
        :param acl: a string (String)
        """
        return self._invoke(_A["acl_set_file"], (path, acltype, acl), {})

    def add_cdrom(self, filename: str) -> None:
        """Attach a CD-ROM image to the handle as a read-only drive.

        Deprecated: use :meth:`add_drive_ro` instead.

        :param filename: a string (String)
        """
        warnings.warn("use GuestFS.add_drive_ro() instead of GuestFS.add_cdrom()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["add_cdrom"], (filename,), {})

    def add_domain(
        self,
        dom: str,
        libvirturi: str | None = None,
        readonly: bool | None = None,
        iface: str | None = None,
        live: bool | None = None,
        allowuuid: bool | None = None,
        readonlydisk: str | None = None,
        cachemode: str | None = None,
        discard: str | None = None,
        copyonread: bool | None = None,
    ) -> int:
        """Add the disks of a named libvirt domain and return how many were added.

        :param dom: a string (String)
        :param libvirturi: optional, a string
        :param readonly: optional, a boolean
        :param iface: optional, a string
        :param live: optional, a boolean
        :param allowuuid: optional, a boolean
        :param readonlydisk: optional, a string
        :param cachemode: optional, a string
        :param discard: optional, a string
        :param copyonread: optional, a boolean
        :returns: an integer (RInt)
        """
        return self._invoke(_A["add_domain"], (dom,), {
            "libvirturi": libvirturi,
            "readonly": readonly,
            "iface": iface,
            "live": live,
            "allowuuid": allowuuid,
            "readonlydisk": readonlydisk,
            "cachemode": cachemode,
            "discard": discard,
            "copyonread": copyonread,
        })

    def add_drive(
        self,
        filename: str,
        readonly: bool | None = None,
        format: str | None = None,
        iface: str | None = None,
        name: str | None = None,
        label: str | None = None,
        protocol: str | None = None,
        server: list[str] | None = None,
        username: str | None = None,
        secret: str | None = None,
        cachemode: str | None = None,
        discard: str | None = None,
        copyonread: bool | None = None,
        blocksize: int | None = None,
    ) -> None:
        """Add a disk image, host device or network disk to the handle.

        :param filename: a string (String)
        :param readonly: optional, a boolean
        :param format: optional, a string
        :param iface: optional, a string
        :param name: optional, a string
        :param label: optional, a string
        :param protocol: optional, a string
        :param server: optional, a list of strings
        :param username: optional, a string
        :param secret: optional, a string
        :param cachemode: optional, a string
        :param discard: optional, a string
        :param copyonread: optional, a boolean
        :param blocksize: optional, an integer
        """
        return self._invoke(_A["add_drive"], (filename,), {
            "readonly": readonly,
            "format": format,
            "iface": iface,
            "name": name,
            "label": label,
            "protocol": protocol,
            "server": server,
            "username": username,
            "secret": secret,
            "cachemode": cachemode,
            "discard": discard,
            "copyonread": copyonread,
            "blocksize": blocksize,
        })

    add_drive_opts = add_drive

    def add_drive_ro(self, filename: str) -> None:
        """Add a disk image to the handle read-only, detecting its format.

        :param filename: a string (String)
        """
        return self._invoke(_A["add_drive_ro"], (filename,), {})

    def add_drive_ro_with_if(self, filename: str, iface: str) -> None:
        """Add a disk image read-only using a chosen qemu interface type.

        Deprecated: use :meth:`add_drive` instead.

        :param filename: a string (String)
        :param iface: a string (String)
        """
        warnings.warn("use GuestFS.add_drive() instead of GuestFS.add_drive_ro_with_if()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["add_drive_ro_with_if"], (filename, iface), {})

    def add_drive_scratch(
        self,
        size: int,
        name: str | None = None,
        label: str | None = None,
        blocksize: int | None = None,
    ) -> None:
        """Add a blank temporary drive of the given size, discarded on close.

        :param size: a 64-bit integer (Int64)
        :param name: optional, a string
        :param label: optional, a string
        :param blocksize: optional, an integer
        """
        return self._invoke(_A["add_drive_scratch"], (size,), {
            "name": name,
            "label": label,
            "blocksize": blocksize,
        })

    def add_drive_with_if(self, filename: str, iface: str) -> None:
        """Add a disk image using a chosen qemu interface type.

        Deprecated: use :meth:`add_drive` instead.

        :param filename: a string (String)
        :param iface: a string (String)
        """
        warnings.warn("use GuestFS.add_drive() instead of GuestFS.add_drive_with_if()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["add_drive_with_if"], (filename, iface), {})

    def add_libvirt_dom(
        self,
        dom: object,
        readonly: bool | None = None,
        iface: str | None = None,
        live: bool | None = None,
        readonlydisk: str | None = None,
        cachemode: str | None = None,
        discard: str | None = None,
        copyonread: bool | None = None,
    ) -> int:
        """Add the disks of a libvirt domain object and return how many were added.

        :param dom: a libvirt domain object (Pointer)
        :param readonly: optional, a boolean
        :param iface: optional, a string
        :param live: optional, a boolean
        :param readonlydisk: optional, a string
        :param cachemode: optional, a string
        :param discard: optional, a string
        :param copyonread: optional, a boolean
        :returns: an integer (RInt)
        """
        return self._invoke(_A["add_libvirt_dom"], (dom,), {
            "readonly": readonly,
            "iface": iface,
            "live": live,
            "readonlydisk": readonlydisk,
            "cachemode": cachemode,
            "discard": discard,
            "copyonread": copyonread,
        })

    def aug_clear(self, augpath: str) -> None:
        """Set the value of the matching Augeas node to NULL.

        :param augpath: a string (String)
        """
        return self._invoke(_A["aug_clear"], (augpath,), {})

    def aug_close(self) -> None:
        """Close the Augeas handle and free its resources."""
        return self._invoke(_A["aug_close"], (), {})

    def aug_defnode(self, name: str, expr: str, val: str) -> IntBool:
        """Define an Augeas variable over a nodeset, creating the node if nothing matches.

        :param name: a string (String)
        :param expr: a string (String)
        :param val: a string (String)
        :returns: a int_bool struct (dicts) (RStruct)
        """
        return self._invoke(_A["aug_defnode"], (name, expr, val), {})

    def aug_defvar(self, name: str, expr: str | None) -> int:
        """Define an Augeas variable from a path expression; return the node count.

        :param name: a string (String)
        :param expr: a string, or None (OptString)
        :returns: an integer (RInt)
        """
        return self._invoke(_A["aug_defvar"], (name, expr), {})

    def aug_get(self, augpath: str) -> str:
        """Return the value of the single Augeas node matching a path.

        :param augpath: a string (String)
        :returns: a string (RString)
        """
        return self._invoke(_A["aug_get"], (augpath,), {})

    def aug_init(self, root: str, flags: int) -> None:
        """Open a new Augeas handle rooted at a guest directory for editing config files.

        :param root: an absolute path in the guest (Pathname)
        :param flags: an integer (Int)
        """
        return self._invoke(_A["aug_init"], (root, flags), {})

    def aug_insert(self, augpath: str, label: str, before: bool) -> None:
        """Insert a new Augeas sibling node before or after an existing one.

        :param augpath: a string (String)
        :param label: a string (String)
        :param before: a boolean (Bool)
        """
        return self._invoke(_A["aug_insert"], (augpath, label, before), {})

    def aug_label(self, augpath: str) -> str:
        """Return the label (last path element) of the Augeas node matching a path.

        :param augpath: a string (String)
        :returns: a string (RString)
        """
        return self._invoke(_A["aug_label"], (augpath,), {})

    def aug_load(self) -> None:
        """Load the configuration files into the Augeas tree."""
        return self._invoke(_A["aug_load"], (), {})

    def aug_ls(self, augpath: str) -> list[str]:
        """List the children of an Augeas node, sorted by path.

        :param augpath: a string (String)
        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["aug_ls"], (augpath,), {})

    def aug_match(self, augpath: str) -> list[str]:
        """Return the Augeas paths that match a path expression.

        :param augpath: a string (String)
        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["aug_match"], (augpath,), {})

    def aug_mv(self, src: str, dest: str) -> None:
        """Move an Augeas node to a new place, overwriting any node there.

        :param src: a string (String)
        :param dest: a string (String)
        """
        return self._invoke(_A["aug_mv"], (src, dest), {})

    def aug_rm(self, augpath: str) -> int:
        """Delete the matching Augeas nodes and their children; return how many went.

        :param augpath: a string (String)
        :returns: an integer (RInt)
        """
        return self._invoke(_A["aug_rm"], (augpath,), {})

    def aug_save(self) -> None:
        """Write pending Augeas tree changes back to the configuration files."""
        return self._invoke(_A["aug_save"], (), {})

    def aug_set(self, augpath: str, val: str) -> None:
        """Set the value of the Augeas node matching a path.

        :param augpath: a string (String)
        :param val: a string (String)
        """
        return self._invoke(_A["aug_set"], (augpath, val), {})

    def aug_setm(self, base: str, sub: str | None, val: str) -> int:
        """Set a sub-path below every Augeas node matching a base; return the count.

        :param base: a string (String)
        :param sub: a string, or None (OptString)
        :param val: a string (String)
        :returns: an integer (RInt)
        """
        return self._invoke(_A["aug_setm"], (base, sub, val), {})

    def aug_transform(self, lens: str, file: str, remove: bool | None = None) -> None:
        """Add or remove an Augeas lens transform for a given file.

        :param lens: a string (String)
        :param file: a string (String)
        :param remove: optional, a boolean
        """
        return self._invoke(_A["aug_transform"], (lens, file), {"remove": remove})

    def available(self, groups: list[str]) -> None:
        """Fail unless all of the listed optional feature groups are available.

        :param groups: a list of strings (StringList)
        """
        return self._invoke(_A["available"], (groups,), {})

    def available_all_groups(self) -> list[str]:
        """List every optional feature group the daemon knows, supported or not.

        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["available_all_groups"], (), {})

    def base64_in(self, base64file: str, filename: str) -> None:
        """Upload base64-encoded local data, decoded, into a guest file.

        :param base64file: a local file to read (FileIn)
        :param filename: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["base64_in"], (base64file, filename), {})

    def base64_out(self, filename: str, base64file: str) -> None:
        """Download a guest file to a local file in base64 encoding.

        :param filename: an absolute path in the guest (Pathname)
        :param base64file: a local file to write (FileOut)
        """
        return self._invoke(_A["base64_out"], (filename, base64file), {})

    def blkdiscard(self, device: str) -> None:
        """Discard every block of a device, returning the space to the host.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        return self._invoke(_A["blkdiscard"], (device,), {})

    def blkdiscardzeroes(self, device: str) -> int:
        """Tell whether discarded blocks of a device read back as zeroes.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["blkdiscardzeroes"], (device,), {})

    def blkid(self, device: str) -> dict[str, str] | list[tuple[str, str]]:
        """Return the blkid attributes (UUID, TYPE, LABEL, ...) of a device.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :returns: pairs of strings (a dict when the handle has python_return_dict) (RHashtable)
        """
        return self._invoke(_A["blkid"], (device,), {})

    def blockdev_flushbufs(self, device: str) -> None:
        """Flush the kernel buffers held for a block device.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        return self._invoke(_A["blockdev_flushbufs"], (device,), {})

    def blockdev_getbsz(self, device: str) -> int:
        """Return the kernel block size setting of a device.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :returns: an integer (RInt)
        """
        return self._invoke(_A["blockdev_getbsz"], (device,), {})

    def blockdev_getro(self, device: str) -> int:
        """Tell whether a block device is set read-only.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["blockdev_getro"], (device,), {})

    def blockdev_getsize64(self, device: str) -> int:
        """Return the size of a block device in bytes.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :returns: a 64-bit integer (RInt64)
        """
        return self._invoke(_A["blockdev_getsize64"], (device,), {})

    def blockdev_getss(self, device: str) -> int:
        """Return the sector size of a block device in bytes.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :returns: an integer (RInt)
        """
        return self._invoke(_A["blockdev_getss"], (device,), {})

    def blockdev_getsz(self, device: str) -> int:
        """Return the size of a block device in 512-byte sectors.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :returns: a 64-bit integer (RInt64)
        """
        return self._invoke(_A["blockdev_getsz"], (device,), {})

    def blockdev_rereadpt(self, device: str) -> None:
        """Make the kernel reread the partition table of a device.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        return self._invoke(_A["blockdev_rereadpt"], (device,), {})

    def blockdev_setbsz(self, device: str, blocksize: int) -> None:
        """Do nothing; once meant to set a device block size.

        Deprecated.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param blocksize: an integer (Int)
        """
        return self._invoke(_A["blockdev_setbsz"], (device, blocksize), {})

    def blockdev_setra(self, device: str, sectors: int) -> None:
        """Set the readahead of a block device, in 512-byte sectors.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param sectors: an integer (Int)
        """
        return self._invoke(_A["blockdev_setra"], (device, sectors), {})

    def blockdev_setro(self, device: str) -> None:
        """Mark a block device read-only.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        return self._invoke(_A["blockdev_setro"], (device,), {})

    def blockdev_setrw(self, device: str) -> None:
        """Mark a block device read-write.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        return self._invoke(_A["blockdev_setrw"], (device,), {})

    def btrfs_balance_cancel(self, path: str) -> None:
        """Cancel the running balance on a btrfs filesystem.

        :param path: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["btrfs_balance_cancel"], (path,), {})

    def btrfs_balance_pause(self, path: str) -> None:
        """Pause the running balance on a btrfs filesystem.

        :param path: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["btrfs_balance_pause"], (path,), {})

    def btrfs_balance_resume(self, path: str) -> None:
        """Resume a paused balance on a btrfs filesystem.

        :param path: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["btrfs_balance_resume"], (path,), {})

    def btrfs_balance_status(self, path: str) -> BTRFSBalance:
        """Return the state and progress of a balance on a btrfs filesystem.

        :param path: an absolute path in the guest (Pathname)
        :returns: a btrfsbalance struct (dicts) (RStruct)
        """
        return self._invoke(_A["btrfs_balance_status"], (path,), {})

    def btrfs_device_add(self, devices: list[str], fs: str) -> None:
        """Add devices to a mounted btrfs filesystem.

        :param devices: a list of device names (DeviceList)
        :param fs: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["btrfs_device_add"], (devices, fs), {})

    def btrfs_device_delete(self, devices: list[str], fs: str) -> None:
        """Remove devices from a mounted btrfs filesystem.

        :param devices: a list of device names (DeviceList)
        :param fs: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["btrfs_device_delete"], (devices, fs), {})

    def btrfs_filesystem_balance(self, fs: str) -> None:
        """Rebalance the chunks of a mounted btrfs filesystem over its devices.

        :param fs: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["btrfs_filesystem_balance"], (fs,), {})

    def btrfs_filesystem_defragment(
        self,
        path: str,
        flush: bool | None = None,
        compress: str | None = None,
    ) -> None:
        """Defragment a file or directory on btrfs, optionally recompressing it.

        :param path: an absolute path in the guest (Pathname)
        :param flush: optional, a boolean
        :param compress: optional, a string
        """
        return self._invoke(_A["btrfs_filesystem_defragment"], (path,), {
            "flush": flush,
            "compress": compress,
        })

    def btrfs_filesystem_resize(self, mountpoint: str, size: int | None = None) -> None:
        """Grow or shrink a mounted btrfs filesystem.

        :param mountpoint: an absolute path in the guest (Pathname)
        :param size: optional, a 64-bit integer
        """
        return self._invoke(_A["btrfs_filesystem_resize"], (mountpoint,), {"size": size})

    def btrfs_filesystem_show(self, device: str) -> list[str]:
        """List the devices that a btrfs filesystem spans.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :returns: a list of device names (RStringList)
        """
        return self._invoke(_A["btrfs_filesystem_show"], (device,), {})

    def btrfs_filesystem_sync(self, fs: str) -> None:
        """Force a sync of a mounted btrfs filesystem.

        :param fs: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["btrfs_filesystem_sync"], (fs,), {})

    def btrfs_fsck(self, device: str, superblock: int | None = None, repair: bool | None = None) -> None:
        """Check the btrfs filesystem on a device, optionally repairing it.

        Deprecated: use :meth:`btrfs_scrub_full` instead.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param superblock: optional, a 64-bit integer
        :param repair: optional, a boolean
        """
        warnings.warn("use GuestFS.btrfs_scrub_full() instead of GuestFS.btrfs_fsck()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["btrfs_fsck"], (device,), {"superblock": superblock, "repair": repair})

    def btrfs_image(self, source: list[str], image: str, compresslevel: int | None = None) -> None:
        """Write a metadata-only image of btrfs devices, with data zeroed, to a guest file.

        :param source: a list of device names (DeviceList)
        :param image: an absolute path in the guest (Pathname)
        :param compresslevel: optional, an integer
        """
        return self._invoke(_A["btrfs_image"], (source, image), {"compresslevel": compresslevel})

    def btrfs_qgroup_assign(self, src: str, dst: str, path: str) -> None:
        """Make one btrfs quota group a member of a parent quota group.

        :param src: a string (String)
        :param dst: a string (String)
        :param path: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["btrfs_qgroup_assign"], (src, dst, path), {})

    def btrfs_qgroup_create(self, qgroupid: str, subvolume: str) -> None:
        """Create a btrfs quota group for a subvolume.

        :param qgroupid: a string (String)
        :param subvolume: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["btrfs_qgroup_create"], (qgroupid, subvolume), {})

    def btrfs_qgroup_destroy(self, qgroupid: str, subvolume: str) -> None:
        """Delete a btrfs quota group.

        :param qgroupid: a string (String)
        :param subvolume: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["btrfs_qgroup_destroy"], (qgroupid, subvolume), {})

    def btrfs_qgroup_limit(self, subvolume: str, size: int) -> None:
        """Set a size limit on the quota group of a btrfs subvolume.

        :param subvolume: an absolute path in the guest (Pathname)
        :param size: a 64-bit integer (Int64)
        """
        return self._invoke(_A["btrfs_qgroup_limit"], (subvolume, size), {})

    def btrfs_qgroup_remove(self, src: str, dst: str, path: str) -> None:
        """Detach a btrfs quota group from its parent quota group.

        :param src: a string (String)
        :param dst: a string (String)
        :param path: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["btrfs_qgroup_remove"], (src, dst, path), {})

    def btrfs_qgroup_show(self, path: str) -> list[BTRFSQgroup]:
        """List the btrfs quota groups of a filesystem with their usage.

        :param path: an absolute path in the guest (Pathname)
        :returns: a list of btrfsqgroup structs (dicts) (RStructList)
        """
        return self._invoke(_A["btrfs_qgroup_show"], (path,), {})

    def btrfs_quota_enable(self, fs: str, enable: bool) -> None:
        """Turn btrfs subvolume quota support on or off.

        :param fs: a device name, btrfsvol:DEVICE/SUBVOLUME, or a guest path (Mountable_or_Path)
        :param enable: a boolean (Bool)
        """
        return self._invoke(_A["btrfs_quota_enable"], (fs, enable), {})

    def btrfs_quota_rescan(self, fs: str) -> None:
        """Discard btrfs quota group counts and rescan the metadata.

        :param fs: a device name, btrfsvol:DEVICE/SUBVOLUME, or a guest path (Mountable_or_Path)
        """
        return self._invoke(_A["btrfs_quota_rescan"], (fs,), {})

    def btrfs_replace(self, srcdev: str, targetdev: str, mntpoint: str) -> None:
        """Move the data of one btrfs device onto another, then wipe the old one.

        :param srcdev: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param targetdev: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param mntpoint: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["btrfs_replace"], (srcdev, targetdev, mntpoint), {})

    def btrfs_rescue_chunk_recover(self, device: str) -> None:
        """Rebuild the btrfs chunk tree by scanning the devices.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        return self._invoke(_A["btrfs_rescue_chunk_recover"], (device,), {})

    def btrfs_rescue_super_recover(self, device: str) -> None:
        """Restore bad btrfs superblocks from good copies.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        return self._invoke(_A["btrfs_rescue_super_recover"], (device,), {})

    def btrfs_scrub_cancel(self, path: str) -> None:
        """Cancel the running scrub on a btrfs filesystem.

        :param path: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["btrfs_scrub_cancel"], (path,), {})

    def btrfs_scrub_full(self, path: str, readonly: bool | None = None) -> None:
        """Scrub a btrfs filesystem and wait until it is done, optionally read-only.

        :param path: an absolute path in the guest (Pathname)
        :param readonly: optional, a boolean
        """
        return self._invoke(_A["btrfs_scrub_full"], (path,), {"readonly": readonly})

    def btrfs_scrub_resume(self, path: str) -> None:
        """Resume a cancelled or interrupted btrfs scrub.

        :param path: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["btrfs_scrub_resume"], (path,), {})

    def btrfs_scrub_start(self, path: str) -> None:
        """Start a scrub that verifies and repairs btrfs data and metadata.

        :param path: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["btrfs_scrub_start"], (path,), {})

    def btrfs_scrub_status(self, path: str) -> BTRFSScrub:
        """Return the state and counters of a btrfs scrub.

        :param path: an absolute path in the guest (Pathname)
        :returns: a btrfsscrub struct (dicts) (RStruct)
        """
        return self._invoke(_A["btrfs_scrub_status"], (path,), {})

    def btrfs_set_seeding(self, device: str, seeding: bool) -> None:
        """Turn the seeding flag of a btrfs device on or off.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param seeding: a boolean (Bool)
        """
        return self._invoke(_A["btrfs_set_seeding"], (device, seeding), {})

    def btrfs_subvolume_create(self, dest: str, qgroupid: str | None = None) -> None:
        """Create a btrfs subvolume, optionally in a quota group.

        :param dest: an absolute path in the guest (Pathname)
        :param qgroupid: optional, a string
        """
        return self._invoke(_A["btrfs_subvolume_create"], (dest,), {"qgroupid": qgroupid})

    btrfs_subvolume_create_opts = btrfs_subvolume_create

    def btrfs_subvolume_delete(self, subvolume: str) -> None:
        """Delete a btrfs subvolume or snapshot.

        :param subvolume: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["btrfs_subvolume_delete"], (subvolume,), {})

    def btrfs_subvolume_get_default(self, fs: str) -> int:
        """Return the ID of the default btrfs subvolume.

        :param fs: a device name, btrfsvol:DEVICE/SUBVOLUME, or a guest path (Mountable_or_Path)
        :returns: a 64-bit integer (RInt64)
        """
        return self._invoke(_A["btrfs_subvolume_get_default"], (fs,), {})

    def btrfs_subvolume_list(self, fs: str) -> list[BTRFSSubvolume]:
        """List the subvolumes and snapshots of a btrfs filesystem.

        :param fs: a device name, btrfsvol:DEVICE/SUBVOLUME, or a guest path (Mountable_or_Path)
        :returns: a list of btrfssubvolume structs (dicts) (RStructList)
        """
        return self._invoke(_A["btrfs_subvolume_list"], (fs,), {})

    def btrfs_subvolume_set_default(self, id: int, fs: str) -> None:
        """Choose which btrfs subvolume is mounted by default.

        :param id: a 64-bit integer (Int64)
        :param fs: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["btrfs_subvolume_set_default"], (id, fs), {})

    def btrfs_subvolume_show(self, subvolume: str) -> dict[str, str] | list[tuple[str, str]]:
        """Return detailed information about a btrfs subvolume.

        :param subvolume: an absolute path in the guest (Pathname)
        :returns: pairs of strings (a dict when the handle has python_return_dict) (RHashtable)
        """
        return self._invoke(_A["btrfs_subvolume_show"], (subvolume,), {})

    def btrfs_subvolume_snapshot(
        self,
        source: str,
        dest: str,
        ro: bool | None = None,
        qgroupid: str | None = None,
    ) -> None:
        """Snapshot a btrfs subvolume, optionally read-only.

        :param source: an absolute path in the guest (Pathname)
        :param dest: an absolute path in the guest (Pathname)
        :param ro: optional, a boolean
        :param qgroupid: optional, a string
        """
        return self._invoke(_A["btrfs_subvolume_snapshot"], (source, dest), {"ro": ro, "qgroupid": qgroupid})

    btrfs_subvolume_snapshot_opts = btrfs_subvolume_snapshot

    def btrfstune_enable_extended_inode_refs(self, device: str) -> None:
        """Turn on btrfs extended inode refs.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        return self._invoke(_A["btrfstune_enable_extended_inode_refs"], (device,), {})

    def btrfstune_enable_skinny_metadata_extent_refs(self, device: str) -> None:
        """Turn on btrfs skinny metadata refs.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        return self._invoke(_A["btrfstune_enable_skinny_metadata_extent_refs"], (device,), {})

    def btrfstune_seeding(self, device: str, seeding: bool) -> None:
        """Turn the seeding flag of a btrfs device on or off.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param seeding: a boolean (Bool)
        """
        return self._invoke(_A["btrfstune_seeding"], (device, seeding), {})

    def c_pointer(self) -> int:
        """Return the address of the underlying C handle as an integer.

        :returns: a 64-bit integer (RInt64)
        """
        return self._invoke(_A["c_pointer"], (), {})

    def canonical_device_name(self, device: str) -> str:
        """Rewrite irregular device names such as /dev/vda into a consistent form.

        :param device: a string (String)
        :returns: a string (RString)
        """
        return self._invoke(_A["canonical_device_name"], (device,), {})

    def cap_get_file(self, path: str) -> str:
        """Return the Linux capabilities of a file in text form.

        :param path: an absolute path in the guest (Pathname)
        :returns: a string (RString)
        """
        return self._invoke(_A["cap_get_file"], (path,), {})

    def cap_set_file(self, path: str, cap: str) -> None:
        """Set the Linux capabilities of a file from text form.

        :param path: an absolute path in the guest (Pathname)
        :param cap: a string (String)
        """
        return self._invoke(_A["cap_set_file"], (path, cap), {})

    def case_sensitive_path(self, path: str) -> str:
        """Find the real path whose letters match a path case-insensitively.

        :param path: an absolute path in the guest (Pathname)
        :returns: a string (RString)
        """
        return self._invoke(_A["case_sensitive_path"], (path,), {})

    def cat(self, path: str) -> str:
        """Return the contents of a small text file.

        :param path: an absolute path in the guest (Pathname)
        :returns: a string (RString)
        """
        return self._invoke(_A["cat"], (path,), {})

    def checksum(self, csumtype: str, path: str) -> str:
        """Compute a checksum (crc, md5, sha*) of a guest file.

        :param csumtype: a string (String)
        :param path: an absolute path in the guest (Pathname)
        :returns: a string (RString)
        """
        return self._invoke(_A["checksum"], (csumtype, path), {})

    def checksum_device(self, csumtype: str, device: str) -> str:
        """Compute a checksum (crc, md5, sha*) of a device's contents.

        :param csumtype: a string (String)
        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :returns: a string (RString)
        """
        return self._invoke(_A["checksum_device"], (csumtype, device), {})

    def checksums_out(self, csumtype: str, directory: str, sumsfile: str) -> None:
        """Checksum every regular file under a directory into a local file.

        :param csumtype: a string (String)
        :param directory: an absolute path in the guest (Pathname)
        :param sumsfile: a local file to write (FileOut)
        """
        return self._invoke(_A["checksums_out"], (csumtype, directory, sumsfile), {})

    def chmod(self, mode: int, path: str) -> None:
        """Set the permission bits of a path.

        :param mode: an integer (Int)
        :param path: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["chmod"], (mode, path), {})

    def chown(self, owner: int, group: int, path: str) -> None:
        """Set the numeric owner and group of a path, following symlinks.

        :param owner: an integer (Int)
        :param group: an integer (Int)
        :param path: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["chown"], (owner, group, path), {})

    def clear_backend_setting(self, name: str) -> int:
        """Drop matching backend settings and return how many were removed.

        :param name: a string (String)
        :returns: an integer (RInt)
        """
        return self._invoke(_A["clear_backend_setting"], (name,), {})

    def clevis_luks_unlock(self, device: str, mapname: str) -> None:
        """Open a LUKS device through its clevis binding as a mapped device.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param mapname: a string (String)
        """
        return self._invoke(_A["clevis_luks_unlock"], (device, mapname), {})

    def command(self, arguments: list[str]) -> str:
        """Run a command from the guest filesystem and return its output.

        :param arguments: a list of strings (StringList)
        :returns: a string (RString)
        """
        return self._invoke(_A["command"], (arguments,), {})

    def command_lines(self, arguments: list[str]) -> list[str]:
        """Run a command from the guest filesystem and return its output lines.

        :param arguments: a list of strings (StringList)
        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["command_lines"], (arguments,), {})

    def command_out(self, arguments: list[str], output: str) -> None:
        """Run a command from the guest filesystem, sending its stdout to a local file.

        :param arguments: a list of strings (StringList)
        :param output: a local file to write (FileOut)
        """
        return self._invoke(_A["command_out"], (arguments, output), {})

    def compress_device_out(self, ctype: str, device: str, zdevice: str, level: int | None = None) -> None:
        """Compress a device's contents into a local file.

        :param ctype: a string (String)
        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param zdevice: a local file to write (FileOut)
        :param level: optional, an integer
        """
        return self._invoke(_A["compress_device_out"], (ctype, device, zdevice), {"level": level})

    def compress_out(self, ctype: str, file: str, zfile: str, level: int | None = None) -> None:
        """Compress a guest file into a local file.

        :param ctype: a string (String)
        :param file: an absolute path in the guest (Pathname)
        :param zfile: a local file to write (FileOut)
        :param level: optional, an integer
        """
        return self._invoke(_A["compress_out"], (ctype, file, zfile), {"level": level})

    def config(self, hvparam: str, hvvalue: str | None) -> None:
        """Pass an extra parameter straight to the hypervisor command line.

        :param hvparam: a string (String)
        :param hvvalue: a string, or None (OptString)
        """
        return self._invoke(_A["config"], (hvparam, hvvalue), {})

    def copy_attributes(
        self,
        src: str,
        dest: str,
        all: bool | None = None,
        mode: bool | None = None,
        xattributes: bool | None = None,
        ownership: bool | None = None,
    ) -> None:
        """Copy mode, ownership and/or xattrs from one path to another.

        :param src: an absolute path in the guest (Pathname)
        :param dest: an absolute path in the guest (Pathname)
        :param all: optional, a boolean
        :param mode: optional, a boolean
        :param xattributes: optional, a boolean
        :param ownership: optional, a boolean
        """
        return self._invoke(_A["copy_attributes"], (src, dest), {
            "all": all,
            "mode": mode,
            "xattributes": xattributes,
            "ownership": ownership,
        })

    def copy_device_to_device(
        self,
        src: str,
        dest: str,
        srcoffset: int | None = None,
        destoffset: int | None = None,
        size: int | None = None,
        sparse: bool | None = None,
        append: bool | None = None,
    ) -> None:
        """Copy bytes from one device to another, with optional offsets and size.

        :param src: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param dest: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param srcoffset: optional, a 64-bit integer
        :param destoffset: optional, a 64-bit integer
        :param size: optional, a 64-bit integer
        :param sparse: optional, a boolean
        :param append: optional, a boolean
        """
        return self._invoke(_A["copy_device_to_device"], (src, dest), {
            "srcoffset": srcoffset,
            "destoffset": destoffset,
            "size": size,
            "sparse": sparse,
            "append": append,
        })

    def copy_device_to_file(
        self,
        src: str,
        dest: str,
        srcoffset: int | None = None,
        destoffset: int | None = None,
        size: int | None = None,
        sparse: bool | None = None,
        append: bool | None = None,
    ) -> None:
        """Copy bytes from a device into a file, with optional offsets and size.

        :param src: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param dest: an absolute path in the guest (Pathname)
        :param srcoffset: optional, a 64-bit integer
        :param destoffset: optional, a 64-bit integer
        :param size: optional, a 64-bit integer
        :param sparse: optional, a boolean
        :param append: optional, a boolean
        """
        return self._invoke(_A["copy_device_to_file"], (src, dest), {
            "srcoffset": srcoffset,
            "destoffset": destoffset,
            "size": size,
            "sparse": sparse,
            "append": append,
        })

    def copy_file_to_device(
        self,
        src: str,
        dest: str,
        srcoffset: int | None = None,
        destoffset: int | None = None,
        size: int | None = None,
        sparse: bool | None = None,
        append: bool | None = None,
    ) -> None:
        """Copy bytes from a file onto a device, with optional offsets and size.

        :param src: an absolute path in the guest (Pathname)
        :param dest: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param srcoffset: optional, a 64-bit integer
        :param destoffset: optional, a 64-bit integer
        :param size: optional, a 64-bit integer
        :param sparse: optional, a boolean
        :param append: optional, a boolean
        """
        return self._invoke(_A["copy_file_to_device"], (src, dest), {
            "srcoffset": srcoffset,
            "destoffset": destoffset,
            "size": size,
            "sparse": sparse,
            "append": append,
        })

    def copy_file_to_file(
        self,
        src: str,
        dest: str,
        srcoffset: int | None = None,
        destoffset: int | None = None,
        size: int | None = None,
        sparse: bool | None = None,
        append: bool | None = None,
    ) -> None:
        """Copy a byte range between existing files, with optional offsets and size.

        :param src: an absolute path in the guest (Pathname)
        :param dest: an absolute path in the guest (Pathname)
        :param srcoffset: optional, a 64-bit integer
        :param destoffset: optional, a 64-bit integer
        :param size: optional, a 64-bit integer
        :param sparse: optional, a boolean
        :param append: optional, a boolean
        """
        return self._invoke(_A["copy_file_to_file"], (src, dest), {
            "srcoffset": srcoffset,
            "destoffset": destoffset,
            "size": size,
            "sparse": sparse,
            "append": append,
        })

    def copy_in(self, localpath: str, remotedir: str) -> None:
        """Copy local files or directories recursively into a guest directory.

        :param localpath: a string (String)
        :param remotedir: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["copy_in"], (localpath, remotedir), {})

    def copy_out(self, remotepath: str, localdir: str) -> None:
        """Copy guest files or directories recursively into a local directory.

        :param remotepath: an absolute path in the guest (Pathname)
        :param localdir: a string (String)
        """
        return self._invoke(_A["copy_out"], (remotepath, localdir), {})

    def copy_size(self, src: str, dest: str, size: int) -> None:
        """Copy exactly the given number of bytes between devices or files.

        Deprecated: use :meth:`copy_device_to_device` instead.

        :param src: a device name or an absolute path in the guest (Dev_or_Path)
        :param dest: a device name or an absolute path in the guest (Dev_or_Path)
        :param size: a 64-bit integer (Int64)
        """
        warnings.warn("use GuestFS.copy_device_to_device() instead of GuestFS.copy_size()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["copy_size"], (src, dest, size), {})

    def cp(self, src: str, dest: str) -> None:
        """Copy a file to a new name or into a directory.

        :param src: an absolute path in the guest (Pathname)
        :param dest: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["cp"], (src, dest), {})

    def cp_a(self, src: str, dest: str) -> None:
        """Copy a file or directory recursively, preserving attributes (cp -a).

        :param src: an absolute path in the guest (Pathname)
        :param dest: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["cp_a"], (src, dest), {})

    def cp_r(self, src: str, dest: str) -> None:
        """Copy a file or directory recursively without keeping attributes (cp -rP).

        :param src: an absolute path in the guest (Pathname)
        :param dest: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["cp_r"], (src, dest), {})

    def cpio_out(self, directory: str, cpiofile: str, format: str | None = None) -> None:
        """Pack a guest directory into a local cpio archive.

        :param directory: a string (String)
        :param cpiofile: a local file to write (FileOut)
        :param format: optional, a string
        """
        return self._invoke(_A["cpio_out"], (directory, cpiofile), {"format": format})

    def cryptsetup_close(self, device: str) -> None:
        """Close an open encrypted mapping device.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        return self._invoke(_A["cryptsetup_close"], (device,), {})

    def cryptsetup_open(
        self,
        device: str,
        key: str,
        mapname: str,
        readonly: bool | None = None,
        crypttype: str | None = None,
        cipher: str | None = None,
    ) -> None:
        """Unlock an encrypted device (LUKS, BitLocker, ...) as a mapped device.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param key: a key or passphrase (never traced) (Key)
        :param mapname: a string (String)
        :param readonly: optional, a boolean
        :param crypttype: optional, a string
        :param cipher: optional, a string
        """
        return self._invoke(_A["cryptsetup_open"], (device, key, mapname), {
            "readonly": readonly,
            "crypttype": crypttype,
            "cipher": cipher,
        })

    def dd(self, src: str, dest: str) -> None:
        """Copy one device or file over another device or file.

        Deprecated: use :meth:`copy_device_to_device` instead.

        :param src: a device name or an absolute path in the guest (Dev_or_Path)
        :param dest: a device name or an absolute path in the guest (Dev_or_Path)
        """
        warnings.warn("use GuestFS.copy_device_to_device() instead of GuestFS.dd()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["dd"], (src, dest), {})

    def debug(self, subcmd: str, extraargs: list[str]) -> str:
        """Run a daemon debugging subcommand and return its output.

        :param subcmd: a string (String)
        :param extraargs: a list of strings (StringList)
        :returns: a string (RString)
        """
        return self._invoke(_A["debug"], (subcmd, extraargs), {})

    def debug_drives(self) -> list[str]:
        """Describe the drives added to the handle, for debugging.

        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["debug_drives"], (), {})

    def debug_upload(self, filename: str, tmpname: str, mode: int) -> None:
        """Upload a local file to a temporary path in the appliance, for debugging.

        :param filename: a local file to read (FileIn)
        :param tmpname: a string (String)
        :param mode: an integer (Int)
        """
        return self._invoke(_A["debug_upload"], (filename, tmpname, mode), {})

    def device_index(self, device: str) -> int:
        """Return the index of a device in the list of devices.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :returns: an integer (RInt)
        """
        return self._invoke(_A["device_index"], (device,), {})

    def device_name(self, index: int) -> str:
        """Return the name of the device with the given index.

        :param index: an integer (Int)
        :returns: a string (RString)
        """
        return self._invoke(_A["device_name"], (index,), {})

    def df(self) -> str:
        """Return the output of df for the mounted filesystems.

        :returns: a string (RString)
        """
        return self._invoke(_A["df"], (), {})

    def df_h(self) -> str:
        """Return the output of df -h for the mounted filesystems.

        :returns: a string (RString)
        """
        return self._invoke(_A["df_h"], (), {})

    def disk_create(
        self,
        filename: str,
        format: str,
        size: int,
        backingfile: str | None = None,
        backingformat: str | None = None,
        preallocation: str | None = None,
        compat: str | None = None,
        clustersize: int | None = None,
    ) -> None:
        """Create a blank host disk image of a given format and size.

        :param filename: a string (String)
        :param format: a string (String)
        :param size: a 64-bit integer (Int64)
        :param backingfile: optional, a string
        :param backingformat: optional, a string
        :param preallocation: optional, a string
        :param compat: optional, a string
        :param clustersize: optional, an integer
        """
        return self._invoke(_A["disk_create"], (filename, format, size), {
            "backingfile": backingfile,
            "backingformat": backingformat,
            "preallocation": preallocation,
            "compat": compat,
            "clustersize": clustersize,
        })

    def disk_format(self, filename: str) -> str:
        """Detect the format (raw, qcow2, ...) of a host disk image.

        :param filename: a string (String)
        :returns: a string (RString)
        """
        return self._invoke(_A["disk_format"], (filename,), {})

    def disk_has_backing_file(self, filename: str) -> int:
        """Tell whether a host disk image has a backing file.

        :param filename: a string (String)
        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["disk_has_backing_file"], (filename,), {})

    def disk_virtual_size(self, filename: str) -> int:
        """Return the virtual size in bytes of a host disk image.

        :param filename: a string (String)
        :returns: a 64-bit integer (RInt64)
        """
        return self._invoke(_A["disk_virtual_size"], (filename,), {})

    def dmesg(self) -> str:
        """Return the appliance kernel message log.

        :returns: a string (RString)
        """
        return self._invoke(_A["dmesg"], (), {})

    def download(self, remotefilename: str, filename: str) -> None:
        """Save a guest file or device to a local file.

        :param remotefilename: a device name or an absolute path in the guest (Dev_or_Path)
        :param filename: a local file to write (FileOut)
        """
        return self._invoke(_A["download"], (remotefilename, filename), {})

    def download_blocks(
        self,
        device: str,
        start: int,
        stop: int,
        filename: str,
        unallocated: bool | None = None,
    ) -> None:
        """Save a range of data units of a partition to a local file.

        :param device: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :param start: a 64-bit integer (Int64)
        :param stop: a 64-bit integer (Int64)
        :param filename: a local file to write (FileOut)
        :param unallocated: optional, a boolean
        """
        return self._invoke(_A["download_blocks"], (device, start, stop, filename), {
            "unallocated": unallocated,
        })

    def download_inode(self, device: str, inode: int, filename: str) -> None:
        """Save the file with a given inode number to a local file, without mounting.

        :param device: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :param inode: a 64-bit integer (Int64)
        :param filename: a local file to write (FileOut)
        """
        return self._invoke(_A["download_inode"], (device, inode, filename), {})

    def download_offset(self, remotefilename: str, filename: str, offset: int, size: int) -> None:
        """Save a byte range of a guest file or device to a local file.

        :param remotefilename: a device name or an absolute path in the guest (Dev_or_Path)
        :param filename: a local file to write (FileOut)
        :param offset: a 64-bit integer (Int64)
        :param size: a 64-bit integer (Int64)
        """
        return self._invoke(_A["download_offset"], (remotefilename, filename, offset, size), {})

    def drop_caches(self, whattodrop: int) -> None:
        """Make the appliance kernel drop page, dentry and/or inode caches.

        :param whattodrop: an integer (Int)
        """
        return self._invoke(_A["drop_caches"], (whattodrop,), {})

    def du(self, path: str) -> int:
        """Estimate the disk space used by a path in kilobytes (du -s).

        :param path: an absolute path in the guest (Pathname)
        :returns: a 64-bit integer (RInt64)
        """
        return self._invoke(_A["du"], (path,), {})

    def e2fsck(
        self,
        device: str,
        correct: bool | None = None,
        forceall: bool | None = None,
        forceno: bool | None = None,
    ) -> None:
        """Check an ext2/3/4 filesystem, with optional repair settings.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param correct: optional, a boolean
        :param forceall: optional, a boolean
        :param forceno: optional, a boolean
        """
        return self._invoke(_A["e2fsck"], (device,), {
            "correct": correct,
            "forceall": forceall,
            "forceno": forceno,
        })

    def e2fsck_f(self, device: str) -> None:
        """Force a noninteractive check of an ext2/3/4 filesystem.

        Deprecated: use :meth:`e2fsck` instead.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        warnings.warn("use GuestFS.e2fsck() instead of GuestFS.e2fsck_f()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["e2fsck_f"], (device,), {})

    def echo_daemon(self, words: list[str]) -> str:
        """Join the words with spaces in the daemon and return them.

        :param words: a list of strings (StringList)
        :returns: a string (RString)
        """
        return self._invoke(_A["echo_daemon"], (words,), {})

    def egrep(self, regex: str, path: str) -> list[str]:
        """Return the lines of a file matching an extended regular expression.

        Deprecated: use :meth:`grep` instead.

        :param regex: a string (String)
        :param path: an absolute path in the guest (Pathname)
        :returns: a list of strings (RStringList)
        """
        warnings.warn("use GuestFS.grep() instead of GuestFS.egrep()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["egrep"], (regex, path), {})

    def egrepi(self, regex: str, path: str) -> list[str]:
        """Return the lines of a file matching an extended regex, ignoring case.

        Deprecated: use :meth:`grep` instead.

        :param regex: a string (String)
        :param path: an absolute path in the guest (Pathname)
        :returns: a list of strings (RStringList)
        """
        warnings.warn("use GuestFS.grep() instead of GuestFS.egrepi()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["egrepi"], (regex, path), {})

    def equal(self, file1: str, file2: str) -> int:
        """Tell whether two guest files have identical contents.

        :param file1: an absolute path in the guest (Pathname)
        :param file2: an absolute path in the guest (Pathname)
        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["equal"], (file1, file2), {})

    def exists(self, path: str) -> int:
        """Tell whether anything exists at a path.

        :param path: an absolute path in the guest (Pathname)
        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["exists"], (path,), {})

    def extlinux(self, directory: str) -> None:
        """Install the extlinux bootloader into a directory on ext2/3/4 or btrfs.

        :param directory: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["extlinux"], (directory,), {})

    def f2fs_expand(self, device: str) -> None:
        """Grow an f2fs filesystem to fill its device.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        return self._invoke(_A["f2fs_expand"], (device,), {})

    def fallocate(self, path: str, len: int) -> None:
        """Create a file of the given length filled with allocated zero bytes.

        Deprecated: use :meth:`fallocate64` instead.

        :param path: an absolute path in the guest (Pathname)
        :param len: an integer (Int)
        """
        warnings.warn("use GuestFS.fallocate64() instead of GuestFS.fallocate()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["fallocate"], (path, len), {})

    def fallocate64(self, path: str, len: int) -> None:
        """Create a file of the given 64-bit length filled with allocated zero bytes.

        :param path: an absolute path in the guest (Pathname)
        :param len: a 64-bit integer (Int64)
        """
        return self._invoke(_A["fallocate64"], (path, len), {})

    def feature_available(self, groups: list[str]) -> int:
        """Return true if all of the listed optional feature groups are available.

        :param groups: a list of strings (StringList)
        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["feature_available"], (groups,), {})

    def fgrep(self, pattern: str, path: str) -> list[str]:
        """Return the lines of a file containing a fixed string.

        Deprecated: use :meth:`grep` instead.

        :param pattern: a string (String)
        :param path: an absolute path in the guest (Pathname)
        :returns: a list of strings (RStringList)
        """
        warnings.warn("use GuestFS.grep() instead of GuestFS.fgrep()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["fgrep"], (pattern, path), {})

    def fgrepi(self, pattern: str, path: str) -> list[str]:
        """Return the lines of a file containing a fixed string, ignoring case.

        Deprecated: use :meth:`grep` instead.

        :param pattern: a string (String)
        :param path: an absolute path in the guest (Pathname)
        :returns: a list of strings (RStringList)
        """
        warnings.warn("use GuestFS.grep() instead of GuestFS.fgrepi()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["fgrepi"], (pattern, path), {})

    def file(self, path: str) -> str:
        """Describe the type of a file or device using file(1).

        :param path: a device name or an absolute path in the guest (Dev_or_Path)
        :returns: a string (RString)
        """
        return self._invoke(_A["file"], (path,), {})

    def file_architecture(self, filename: str) -> str:
        """Detect the processor architecture of a binary or library file.

        :param filename: an absolute path in the guest (Pathname)
        :returns: a string (RString)
        """
        return self._invoke(_A["file_architecture"], (filename,), {})

    def filesize(self, file: str) -> int:
        """Return the size of a file in bytes.

        :param file: an absolute path in the guest (Pathname)
        :returns: a 64-bit integer (RInt64)
        """
        return self._invoke(_A["filesize"], (file,), {})

    def filesystem_available(self, filesystem: str) -> int:
        """Tell whether the appliance supports a named filesystem type.

        :param filesystem: a string (String)
        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["filesystem_available"], (filesystem,), {})

    def filesystem_walk(self, device: str) -> list[TSKDirent]:
        """List every file and directory of a partition, without mounting it.

        :param device: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: a list of tsk_dirent structs (dicts) (RStructList)
        """
        return self._invoke(_A["filesystem_walk"], (device,), {})

    def fill(self, c: int, len: int, path: str) -> None:
        """Create a file made of the given byte repeated to a length.

        :param c: an integer (Int)
        :param len: an integer (Int)
        :param path: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["fill"], (c, len, path), {})

    def fill_dir(self, dir: str, nr: int) -> None:
        """Create a number of empty, numbered files in a directory.

        :param dir: an absolute path in the guest (Pathname)
        :param nr: an integer (Int)
        """
        return self._invoke(_A["fill_dir"], (dir, nr), {})

    def fill_pattern(self, pattern: str, len: int, path: str) -> None:
        """Create a file made of a byte pattern repeated to a length.

        :param pattern: a string (String)
        :param len: an integer (Int)
        :param path: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["fill_pattern"], (pattern, len, path), {})

    def find(self, directory: str) -> list[str]:
        """List every file and directory under a directory, recursively.

        :param directory: an absolute path in the guest (Pathname)
        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["find"], (directory,), {})

    def find0(self, directory: str, files: str) -> None:
        """Write the recursive listing of a directory to a local file, NUL-separated.

        :param directory: an absolute path in the guest (Pathname)
        :param files: a local file to write (FileOut)
        """
        return self._invoke(_A["find0"], (directory, files), {})

    def find_inode(self, device: str, inode: int) -> list[TSKDirent]:
        """List the directory entries that refer to a given inode number.

        :param device: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :param inode: a 64-bit integer (Int64)
        :returns: a list of tsk_dirent structs (dicts) (RStructList)
        """
        return self._invoke(_A["find_inode"], (device, inode), {})

    def findfs_label(self, label: str) -> str:
        """Return the device holding the filesystem with a given label.

        :param label: a string (String)
        :returns: a device name (RString)
        """
        return self._invoke(_A["findfs_label"], (label,), {})

    def findfs_partlabel(self, label: str) -> str:
        """Return the partition with a given partition label.

        :param label: a string (String)
        :returns: a device name (RString)
        """
        return self._invoke(_A["findfs_partlabel"], (label,), {})

    def findfs_partuuid(self, uuid: str) -> str:
        """Return the partition with a given partition UUID.

        :param uuid: a string (String)
        :returns: a device name (RString)
        """
        return self._invoke(_A["findfs_partuuid"], (uuid,), {})

    def findfs_uuid(self, uuid: str) -> str:
        """Return the device holding the filesystem with a given UUID.

        :param uuid: a string (String)
        :returns: a device name (RString)
        """
        return self._invoke(_A["findfs_uuid"], (uuid,), {})

    def fsck(self, fstype: str, device: str) -> int:
        """Run fsck for a filesystem type on a device and return its exit status.

        :param fstype: a string (String)
        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :returns: an integer (RInt)
        """
        return self._invoke(_A["fsck"], (fstype, device), {})

    def fstrim(
        self,
        mountpoint: str,
        offset: int | None = None,
        length: int | None = None,
        minimumfreeextent: int | None = None,
    ) -> None:
        """Discard the unused space of a mounted filesystem.

        :param mountpoint: an absolute path in the guest (Pathname)
        :param offset: optional, a 64-bit integer
        :param length: optional, a 64-bit integer
        :param minimumfreeextent: optional, a 64-bit integer
        """
        return self._invoke(_A["fstrim"], (mountpoint,), {
            "offset": offset,
            "length": length,
            "minimumfreeextent": minimumfreeextent,
        })

    def get_append(self) -> str | None:
        """Return the extra appliance kernel command line options, if any.

        :returns: a string, or None (RConstOptString)
        """
        return self._invoke(_A["get_append"], (), {})

    def get_attach_method(self) -> str:
        """Return the backend in use by the handle.

        Deprecated: use :meth:`get_backend` instead.

        :returns: a string (RString)
        """
        warnings.warn("use GuestFS.get_backend() instead of GuestFS.get_attach_method()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["get_attach_method"], (), {})

    def get_autosync(self) -> int:
        """Tell whether autosync on handle close is enabled.

        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["get_autosync"], (), {})

    def get_backend(self) -> str:
        """Return the backend in use by the handle.

        :returns: a string (RString)
        """
        return self._invoke(_A["get_backend"], (), {})

    def get_backend_setting(self, name: str) -> str:
        """Return the value of one backend setting.

        :param name: a string (String)
        :returns: a string (RString)
        """
        return self._invoke(_A["get_backend_setting"], (name,), {})

    def get_backend_settings(self) -> list[str]:
        """Return every backend setting string.

        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["get_backend_settings"], (), {})

    def get_cachedir(self) -> str:
        """Return the directory where the appliance cache is kept.

        :returns: a string (RString)
        """
        return self._invoke(_A["get_cachedir"], (), {})

    def get_direct(self) -> int:
        """Tell whether direct appliance mode is enabled.

        Deprecated: use :meth:`internal_get_console_socket` instead.

        :returns: 1 for true, 0 for false (RBool)
        """
        warnings.warn("use GuestFS.internal_get_console_socket() instead of GuestFS.get_direct()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["get_direct"], (), {})

    def get_e2attrs(self, file: str) -> str:
        """Return the ext2-style inode attribute letters of a file.

        :param file: an absolute path in the guest (Pathname)
        :returns: a string (RString)
        """
        return self._invoke(_A["get_e2attrs"], (file,), {})

    def get_e2generation(self, file: str) -> int:
        """Return the ext2 generation number of a file.

        :param file: an absolute path in the guest (Pathname)
        :returns: a 64-bit integer (RInt64)
        """
        return self._invoke(_A["get_e2generation"], (file,), {})

    def get_e2label(self, device: str) -> str:
        """Return the label of an ext2/3/4 filesystem.

        Deprecated: use :meth:`vfs_label` instead.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :returns: a string (RString)
        """
        warnings.warn("use GuestFS.vfs_label() instead of GuestFS.get_e2label()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["get_e2label"], (device,), {})

    def get_e2uuid(self, device: str) -> str:
        """Return the UUID of an ext2/3/4 filesystem.

        Deprecated: use :meth:`vfs_uuid` instead.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :returns: a string (RString)
        """
        warnings.warn("use GuestFS.vfs_uuid() instead of GuestFS.get_e2uuid()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["get_e2uuid"], (device,), {})

    def get_hv(self) -> str:
        """Return the hypervisor binary the handle will use.

        :returns: a string (RString)
        """
        return self._invoke(_A["get_hv"], (), {})

    def get_identifier(self) -> str:
        """Return the handle identifier.

        :returns: a string (RConstString)
        """
        return self._invoke(_A["get_identifier"], (), {})

    def get_libvirt_requested_credential_challenge(self, index: int) -> str:
        """Return a requested libvirt credential's challenge.

        :param index: an integer (Int)
        :returns: a string (RString)
        """
        return self._invoke(_A["get_libvirt_requested_credential_challenge"], (index,), {})

    def get_libvirt_requested_credential_defresult(self, index: int) -> str:
        """Return a requested libvirt credential's default.

        :param index: an integer (Int)
        :returns: a string (RString)
        """
        return self._invoke(_A["get_libvirt_requested_credential_defresult"], (index,), {})

    def get_libvirt_requested_credential_prompt(self, index: int) -> str:
        """Return a requested libvirt credential's prompt.

        :param index: an integer (Int)
        :returns: a string (RString)
        """
        return self._invoke(_A["get_libvirt_requested_credential_prompt"], (index,), {})

    def get_libvirt_requested_credentials(self) -> list[str]:
        """List the credential types libvirt is asking for.

        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["get_libvirt_requested_credentials"], (), {})

    def get_memsize(self) -> int:
        """Return the appliance memory size in megabytes.

        :returns: an integer (RInt)
        """
        return self._invoke(_A["get_memsize"], (), {})

    def get_network(self) -> int:
        """Tell whether appliance networking is enabled.

        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["get_network"], (), {})

    def get_path(self) -> str:
        """Return the search path for the appliance kernel and initrd.

        :returns: a string (RConstString)
        """
        return self._invoke(_A["get_path"], (), {})

    def get_pgroup(self) -> int:
        """Tell whether child processes get their own process group.

        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["get_pgroup"], (), {})

    def get_pid(self) -> int:
        """Return the process ID of the hypervisor.

        :returns: an integer (RInt)
        """
        return self._invoke(_A["get_pid"], (), {})

    def get_program(self) -> str:
        """Return the program name stored in the handle.

        :returns: a string (RConstString)
        """
        return self._invoke(_A["get_program"], (), {})

    def get_qemu(self) -> str:
        """Return the hypervisor binary the handle will use.

        Deprecated: use :meth:`get_hv` instead.

        :returns: a string (RConstString)
        """
        warnings.warn("use GuestFS.get_hv() instead of GuestFS.get_qemu()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["get_qemu"], (), {})

    def get_recovery_proc(self) -> int:
        """Tell whether a recovery process is started at launch.

        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["get_recovery_proc"], (), {})

    def get_selinux(self) -> int:
        """Tell whether SELinux is enabled for the appliance at boot.

        Deprecated: use :meth:`setfiles` instead.

        :returns: 1 for true, 0 for false (RBool)
        """
        warnings.warn("use GuestFS.setfiles() instead of GuestFS.get_selinux()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["get_selinux"], (), {})

    def get_smp(self) -> int:
        """Return the number of virtual CPUs of the appliance.

        :returns: an integer (RInt)
        """
        return self._invoke(_A["get_smp"], (), {})

    def get_sockdir(self) -> str:
        """Return the directory where temporary sockets are made.

        :returns: a string (RString)
        """
        return self._invoke(_A["get_sockdir"], (), {})

    def get_state(self) -> int:
        """Return the handle state as an opaque number.

        :returns: an integer (RInt)
        """
        return self._invoke(_A["get_state"], (), {})

    def get_tmpdir(self) -> str:
        """Return the directory where temporary files are made.

        :returns: a string (RString)
        """
        return self._invoke(_A["get_tmpdir"], (), {})

    def get_trace(self) -> int:
        """Tell whether call tracing is enabled.

        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["get_trace"], (), {})

    def get_umask(self) -> int:
        """Return the umask in use for new files.

        :returns: an integer (RInt)
        """
        return self._invoke(_A["get_umask"], (), {})

    def get_verbose(self) -> int:
        """Tell whether verbose messages are enabled.

        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["get_verbose"], (), {})

    def getcon(self) -> str:
        """Return the SELinux security context of the daemon.

        Deprecated: use :meth:`setfiles` instead.

        :returns: a string (RString)
        """
        warnings.warn("use GuestFS.setfiles() instead of GuestFS.getcon()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["getcon"], (), {})

    def getxattr(self, path: str, name: str) -> bytes:
        """Return one extended attribute of a file, following symlinks.

        :param path: an absolute path in the guest (Pathname)
        :param name: a string (String)
        :returns: bytes (RBufferOut)
        """
        return self._invoke(_A["getxattr"], (path, name), {})

    def getxattrs(self, path: str) -> list[XAttr]:
        """List the extended attributes and values of a file, following symlinks.

        :param path: an absolute path in the guest (Pathname)
        :returns: a list of xattr structs (dicts) (RStructList)
        """
        return self._invoke(_A["getxattrs"], (path,), {})

    def glob_expand(self, pattern: str, directoryslash: bool | None = None) -> list[str]:
        """Expand a shell wildcard pattern into the matching guest paths.

        :param pattern: an absolute path in the guest (Pathname)
        :param directoryslash: optional, a boolean
        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["glob_expand"], (pattern,), {"directoryslash": directoryslash})

    glob_expand_opts = glob_expand

    def grep(
        self,
        regex: str,
        path: str,
        extended: bool | None = None,
        fixed: bool | None = None,
        insensitive: bool | None = None,
        compressed: bool | None = None,
    ) -> list[str]:
        """Return the lines of a file matching a pattern, with grep-style options.

        :param regex: a string (String)
        :param path: an absolute path in the guest (Pathname)
        :param extended: optional, a boolean
        :param fixed: optional, a boolean
        :param insensitive: optional, a boolean
        :param compressed: optional, a boolean
        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["grep"], (regex, path), {
            "extended": extended,
            "fixed": fixed,
            "insensitive": insensitive,
            "compressed": compressed,
        })

    grep_opts = grep

    def grepi(self, regex: str, path: str) -> list[str]:
        """Return the lines of a file matching a regex, ignoring case.

        Deprecated: use :meth:`grep` instead.

        :param regex: a string (String)
        :param path: an absolute path in the guest (Pathname)
        :returns: a list of strings (RStringList)
        """
        warnings.warn("use GuestFS.grep() instead of GuestFS.grepi()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["grepi"], (regex, path), {})

    def grub_install(self, root: str, device: str) -> None:
        """Install legacy GRUB onto a device using a given root directory.

        :param root: an absolute path in the guest (Pathname)
        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        return self._invoke(_A["grub_install"], (root, device), {})

    def head(self, path: str) -> list[str]:
        """Return up to the first ten lines of a file.

        :param path: an absolute path in the guest (Pathname)
        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["head"], (path,), {})

    def head_n(self, nrlines: int, path: str) -> list[str]:
        """Return the first N lines of a file, or all but the last -N lines.

        :param nrlines: an integer (Int)
        :param path: an absolute path in the guest (Pathname)
        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["head_n"], (nrlines, path), {})

    def hexdump(self, path: str) -> str:
        """Return a canonical hex dump of a file (hexdump -C).

        :param path: an absolute path in the guest (Pathname)
        :returns: a string (RString)
        """
        return self._invoke(_A["hexdump"], (path,), {})

    def hivex_close(self) -> None:
        """Close the open hivex handle."""
        return self._invoke(_A["hivex_close"], (), {})

    def hivex_commit(self, filename: str | None) -> None:
        """Write changes to the hive, to its own file or to a new one.

        :param filename: a string, or None (OptString)
        """
        return self._invoke(_A["hivex_commit"], (filename,), {})

    def hivex_node_add_child(self, parent: int, name: str) -> int:
        """Add a named child key to a hive node and return its handle.

        :param parent: a 64-bit integer (Int64)
        :param name: a string (String)
        :returns: a 64-bit integer (RInt64)
        """
        return self._invoke(_A["hivex_node_add_child"], (parent, name), {})

    def hivex_node_children(self, nodeh: int) -> list[HivexNode]:
        """List the child keys of a hive node.

        :param nodeh: a 64-bit integer (Int64)
        :returns: a list of hivex_node structs (dicts) (RStructList)
        """
        return self._invoke(_A["hivex_node_children"], (nodeh,), {})

    def hivex_node_delete_child(self, nodeh: int) -> None:
        """Delete a hive node and everything below it.

        :param nodeh: a 64-bit integer (Int64)
        """
        return self._invoke(_A["hivex_node_delete_child"], (nodeh,), {})

    def hivex_node_get_child(self, nodeh: int, name: str) -> int:
        """Return the named child of a hive node, or 0 if none.

        :param nodeh: a 64-bit integer (Int64)
        :param name: a string (String)
        :returns: a 64-bit integer (RInt64)
        """
        return self._invoke(_A["hivex_node_get_child"], (nodeh, name), {})

    def hivex_node_get_value(self, nodeh: int, key: str) -> int:
        """Return the named value of a hive node, or 0 if none.

        :param nodeh: a 64-bit integer (Int64)
        :param key: a string (String)
        :returns: a 64-bit integer (RInt64)
        """
        return self._invoke(_A["hivex_node_get_value"], (nodeh, key), {})

    def hivex_node_name(self, nodeh: int) -> str:
        """Return the name of a hive node.

        :param nodeh: a 64-bit integer (Int64)
        :returns: a string (RString)
        """
        return self._invoke(_A["hivex_node_name"], (nodeh,), {})

    def hivex_node_parent(self, nodeh: int) -> int:
        """Return the parent of a hive node.

        :param nodeh: a 64-bit integer (Int64)
        :returns: a 64-bit integer (RInt64)
        """
        return self._invoke(_A["hivex_node_parent"], (nodeh,), {})

    def hivex_node_set_value(self, nodeh: int, key: str, t: int, val: bytes) -> None:
        """Create or replace a typed value on a hive node.

        :param nodeh: a 64-bit integer (Int64)
        :param key: a string (String)
        :param t: a 64-bit integer (Int64)
        :param val: bytes (BufferIn)
        """
        return self._invoke(_A["hivex_node_set_value"], (nodeh, key, t, val), {})

    def hivex_node_values(self, nodeh: int) -> list[HivexValue]:
        """List the values attached to a hive node.

        :param nodeh: a 64-bit integer (Int64)
        :returns: a list of hivex_value structs (dicts) (RStructList)
        """
        return self._invoke(_A["hivex_node_values"], (nodeh,), {})

    def hivex_open(
        self,
        filename: str,
        verbose: bool | None = None,
        debug: bool | None = None,
        write: bool | None = None,
        unsafe: bool | None = None,
    ) -> None:
        """Open a Windows registry hive file for the hivex_* calls.

        :param filename: an absolute path in the guest (Pathname)
        :param verbose: optional, a boolean
        :param debug: optional, a boolean
        :param write: optional, a boolean
        :param unsafe: optional, a boolean
        """
        return self._invoke(_A["hivex_open"], (filename,), {
            "verbose": verbose,
            "debug": debug,
            "write": write,
            "unsafe": unsafe,
        })

    def hivex_root(self) -> int:
        """Return the root node of the open hive.

        :returns: a 64-bit integer (RInt64)
        """
        return self._invoke(_A["hivex_root"], (), {})

    def hivex_value_key(self, valueh: int) -> str:
        """Return the name of a hive value.

        :param valueh: a 64-bit integer (Int64)
        :returns: a string (RString)
        """
        return self._invoke(_A["hivex_value_key"], (valueh,), {})

    def hivex_value_string(self, valueh: int) -> str:
        """Decode a hive value's UTF-16LE data as a UTF-8 string.

        :param valueh: a 64-bit integer (Int64)
        :returns: a string (RString)
        """
        return self._invoke(_A["hivex_value_string"], (valueh,), {})

    def hivex_value_type(self, valueh: int) -> int:
        """Return the data type of a hive value.

        :param valueh: a 64-bit integer (Int64)
        :returns: a 64-bit integer (RInt64)
        """
        return self._invoke(_A["hivex_value_type"], (valueh,), {})

    def hivex_value_utf8(self, valueh: int) -> str:
        """Decode a hive value's UTF-16LE data as a UTF-8 string.

        Deprecated: use :meth:`hivex_value_string` instead.

        :param valueh: a 64-bit integer (Int64)
        :returns: a string (RString)
        """
        warnings.warn("use GuestFS.hivex_value_string() instead of GuestFS.hivex_value_utf8()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["hivex_value_utf8"], (valueh,), {})

    def hivex_value_value(self, valueh: int) -> bytes:
        """Return the raw data of a hive value.

        :param valueh: a 64-bit integer (Int64)
        :returns: bytes (RBufferOut)
        """
        return self._invoke(_A["hivex_value_value"], (valueh,), {})

    def initrd_cat(self, initrdpath: str, filename: str) -> bytes:
        """Return the contents of one file inside an initrd image.

        :param initrdpath: an absolute path in the guest (Pathname)
        :param filename: a string (String)
        :returns: bytes (RBufferOut)
        """
        return self._invoke(_A["initrd_cat"], (initrdpath, filename), {})

    def initrd_list(self, path: str) -> list[str]:
        """List the files contained in an initrd image.

        :param path: an absolute path in the guest (Pathname)
        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["initrd_list"], (path,), {})

    def inotify_add_watch(self, path: str, mask: int) -> int:
        """Watch a path for the given inotify events and return the watch number.

        :param path: an absolute path in the guest (Pathname)
        :param mask: an integer (Int)
        :returns: a 64-bit integer (RInt64)
        """
        return self._invoke(_A["inotify_add_watch"], (path, mask), {})

    def inotify_close(self) -> None:
        """Close the inotify handle, dropping its watches and events."""
        return self._invoke(_A["inotify_close"], (), {})

    def inotify_files(self) -> list[str]:
        """Return the sorted, unique paths touched by queued inotify events.

        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["inotify_files"], (), {})

    def inotify_init(self, maxevents: int) -> None:
        """Create an inotify handle that queues up to a given number of events.

        :param maxevents: an integer (Int)
        """
        return self._invoke(_A["inotify_init"], (maxevents,), {})

    def inotify_read(self) -> list[INotifyEvent]:
        """Return and clear the queued inotify events.

        :returns: a list of inotify_event structs (dicts) (RStructList)
        """
        return self._invoke(_A["inotify_read"], (), {})

    def inotify_rm_watch(self, wd: int) -> None:
        """Remove an inotify watch.

        :param wd: an integer (Int)
        """
        return self._invoke(_A["inotify_rm_watch"], (wd,), {})

    def inspect_get_arch(self, root: str) -> str:
        """Return the architecture of an inspected operating system.

        :param root: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: a string (RString)
        """
        return self._invoke(_A["inspect_get_arch"], (root,), {})

    def inspect_get_build_id(self, root: str) -> str:
        """Return the Windows build ID of an inspected operating system.

        :param root: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: a string (RString)
        """
        return self._invoke(_A["inspect_get_build_id"], (root,), {})

    def inspect_get_distro(self, root: str) -> str:
        """Return the distribution of an inspected operating system.

        :param root: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: a string (RString)
        """
        return self._invoke(_A["inspect_get_distro"], (root,), {})

    def inspect_get_drive_mappings(self, root: str) -> dict[str, str] | list[tuple[str, str]]:
        """Map Windows drive letters of an inspected system to devices.

        :param root: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: pairs of strings (a dict when the handle has python_return_dict) (RHashtable)
        """
        return self._invoke(_A["inspect_get_drive_mappings"], (root,), {})

    def inspect_get_filesystems(self, root: str) -> list[str]:
        """List the filesystems belonging to an inspected operating system.

        :param root: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: a list of device names (RStringList)
        """
        return self._invoke(_A["inspect_get_filesystems"], (root,), {})

    def inspect_get_format(self, root: str) -> str:
        """Say whether an inspected root is an installed OS or install media.

        Deprecated.

        :param root: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: a string (RString)
        """
        return self._invoke(_A["inspect_get_format"], (root,), {})

    def inspect_get_hostname(self, root: str) -> str:
        """Return the hostname of an inspected operating system.

        :param root: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: a string (RString)
        """
        return self._invoke(_A["inspect_get_hostname"], (root,), {})

    def inspect_get_icon(
        self,
        root: str,
        favicon: bool | None = None,
        highquality: bool | None = None,
    ) -> bytes:
        """Return a PNG icon for an inspected operating system.

        :param root: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :param favicon: optional, a boolean
        :param highquality: optional, a boolean
        :returns: bytes (RBufferOut)
        """
        return self._invoke(_A["inspect_get_icon"], (root,), {"favicon": favicon, "highquality": highquality})

    def inspect_get_major_version(self, root: str) -> int:
        """Return the major version number of an inspected operating system.

        :param root: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: an integer (RInt)
        """
        return self._invoke(_A["inspect_get_major_version"], (root,), {})

    def inspect_get_minor_version(self, root: str) -> int:
        """Return the minor version number of an inspected operating system.

        :param root: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: an integer (RInt)
        """
        return self._invoke(_A["inspect_get_minor_version"], (root,), {})

    def inspect_get_mountpoints(self, root: str) -> dict[str, str] | list[tuple[str, str]]:
        """Map mountpoints of an inspected operating system to filesystems.

        :param root: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: pairs of strings (a dict when the handle has python_return_dict) (RHashtable)
        """
        return self._invoke(_A["inspect_get_mountpoints"], (root,), {})

    def inspect_get_osinfo(self, root: str) -> str:
        """Return a guessed libosinfo short ID for an inspected operating system.

        :param root: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: a string (RString)
        """
        return self._invoke(_A["inspect_get_osinfo"], (root,), {})

    def inspect_get_package_format(self, root: str) -> str:
        """Return the package format (rpm, deb, ...) of an inspected system.

        :param root: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: a string (RString)
        """
        return self._invoke(_A["inspect_get_package_format"], (root,), {})

    def inspect_get_package_management(self, root: str) -> str:
        """Return the package manager (dnf, apt, ...) of an inspected system.

        :param root: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: a string (RString)
        """
        return self._invoke(_A["inspect_get_package_management"], (root,), {})

    def inspect_get_product_name(self, root: str) -> str:
        """Return the product name of an inspected operating system.

        :param root: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: a string (RString)
        """
        return self._invoke(_A["inspect_get_product_name"], (root,), {})

    def inspect_get_product_variant(self, root: str) -> str:
        """Return the product variant of an inspected operating system.

        :param root: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: a string (RString)
        """
        return self._invoke(_A["inspect_get_product_variant"], (root,), {})

    def inspect_get_roots(self) -> list[str]:
        """List the roots found by the last inspect_os call.

        :returns: a list of device names (RStringList)
        """
        return self._invoke(_A["inspect_get_roots"], (), {})

    def inspect_get_type(self, root: str) -> str:
        """Return the type (linux, windows, ...) of an inspected operating system.

        :param root: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: a string (RString)
        """
        return self._invoke(_A["inspect_get_type"], (root,), {})

    def inspect_get_windows_current_control_set(self, root: str) -> str:
        """Return the Windows CurrentControlSet name.

        :param root: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: a string (RString)
        """
        return self._invoke(_A["inspect_get_windows_current_control_set"], (root,), {})

    def inspect_get_windows_group_policy(self, root: str) -> int:
        """Tell whether an inspected Windows system has group policy.

        :param root: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["inspect_get_windows_group_policy"], (root,), {})

    def inspect_get_windows_software_hive(self, root: str) -> str:
        """Return the path of the Windows SOFTWARE hive.

        :param root: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: a string (RString)
        """
        return self._invoke(_A["inspect_get_windows_software_hive"], (root,), {})

    def inspect_get_windows_system_hive(self, root: str) -> str:
        """Return the path of the Windows SYSTEM hive.

        :param root: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: a string (RString)
        """
        return self._invoke(_A["inspect_get_windows_system_hive"], (root,), {})

    def inspect_get_windows_systemroot(self, root: str) -> str:
        """Return the systemroot directory of an inspected Windows system.

        :param root: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: a string (RString)
        """
        return self._invoke(_A["inspect_get_windows_systemroot"], (root,), {})

    def inspect_is_live(self, root: str) -> int:
        """Say whether an inspected install medium is a live image.

        Deprecated.

        :param root: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["inspect_is_live"], (root,), {})

    def inspect_is_multipart(self, root: str) -> int:
        """Say whether an inspected install medium is one disk of a set.

        Deprecated.

        :param root: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["inspect_is_multipart"], (root,), {})

    def inspect_is_netinst(self, root: str) -> int:
        """Say whether an inspected install medium is a network installer.

        Deprecated.

        :param root: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["inspect_is_netinst"], (root,), {})

    def inspect_list_applications(self, root: str) -> list[Application]:
        """List the applications installed in an inspected operating system.

        Deprecated: use :meth:`inspect_list_applications2` instead.

        :param root: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: a list of application structs (dicts) (RStructList)
        """
        warnings.warn("use GuestFS.inspect_list_applications2() instead of GuestFS.inspect_list_applications()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["inspect_list_applications"], (root,), {})

    def inspect_list_applications2(self, root: str) -> list[Application2]:
        """List the applications installed in an inspected system, with more fields.

        :param root: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: a list of application2 structs (dicts) (RStructList)
        """
        return self._invoke(_A["inspect_list_applications2"], (root,), {})

    def inspect_os(self) -> list[str]:
        """Inspect the disks for operating systems and return their root filesystems.

        :returns: a list of device names (RStringList)
        """
        return self._invoke(_A["inspect_os"], (), {})

    def internal_autosync(self) -> None:
        """Unmount everything and sync before the handle closes (autosync helper)."""
        return self._invoke(_A["internal_autosync"], (), {})

    def internal_exit(self) -> None:
        """Make the daemon exit at once, for testing."""
        return self._invoke(_A["internal_exit"], (), {})

    def internal_feature_available(self, group: str) -> int:
        """Report from the daemon whether one optional group is usable.

        :param group: a string (String)
        :returns: an integer (RInt)
        """
        return self._invoke(_A["internal_feature_available"], (group,), {})

    def internal_filesystem_walk(self, device: str, filename: str) -> None:
        """Stream a partition walk's entries into a local file.

        :param device: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :param filename: a local file to write (FileOut)
        """
        return self._invoke(_A["internal_filesystem_walk"], (device, filename), {})

    def internal_find_inode(self, device: str, inode: int, filename: str) -> None:
        """Stream the entries for an inode number into a local file.

        :param device: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :param inode: a 64-bit integer (Int64)
        :param filename: a local file to write (FileOut)
        """
        return self._invoke(_A["internal_find_inode"], (device, inode, filename), {})

    def internal_get_console_socket(self) -> int:
        """Return the file descriptor of the appliance console socket.

        :returns: an integer (RInt)
        """
        return self._invoke(_A["internal_get_console_socket"], (), {})

    def internal_journal_get(self, filename: str) -> None:
        """Stream the fields of the current journal entry into a local file.

        :param filename: a local file to write (FileOut)
        """
        return self._invoke(_A["internal_journal_get"], (filename,), {})

    def internal_list_rpm_applications(self) -> list[Application2]:
        """List the RPM packages installed in the inspected guest.

        :returns: a list of application2 structs (dicts) (RStructList)
        """
        return self._invoke(_A["internal_list_rpm_applications"], (), {})

    def internal_lstatnslist(self, path: str, names: list[str]) -> list[StatNS]:
        """Return lstatns results for several names in one directory.

        :param path: an absolute path in the guest (Pathname)
        :param names: a list of names relative to the directory argument (FilenameList)
        :returns: a list of statns structs (dicts) (RStructList)
        """
        return self._invoke(_A["internal_lstatnslist"], (path, names), {})

    def internal_lxattrlist(self, path: str, names: list[str]) -> list[XAttr]:
        """Return the symlink-level xattrs of several names in one directory.

        :param path: an absolute path in the guest (Pathname)
        :param names: a list of names relative to the directory argument (FilenameList)
        :returns: a list of xattr structs (dicts) (RStructList)
        """
        return self._invoke(_A["internal_lxattrlist"], (path, names), {})

    def internal_parse_mountable(self, mountable: str) -> InternalMountable:
        """Split a mountable into its type, device and subvolume.

        :param mountable: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: a internal_mountable struct (dicts) (RStruct)
        """
        return self._invoke(_A["internal_parse_mountable"], (mountable,), {})

    def internal_readdir(self, dir: str, filename: str) -> None:
        """Stream the entries of a directory into a local file.

        :param dir: an absolute path in the guest (Pathname)
        :param filename: a local file to write (FileOut)
        """
        return self._invoke(_A["internal_readdir"], (dir, filename), {})

    def internal_readlinklist(self, path: str, names: list[str]) -> list[str]:
        """Return the symlink targets of several names in one directory.

        :param path: an absolute path in the guest (Pathname)
        :param names: a list of names relative to the directory argument (FilenameList)
        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["internal_readlinklist"], (path, names), {})

    def internal_rhbz914931(self, filename: str, count: int) -> None:
        """Crash the daemon on purpose during an upload (regression test).

        :param filename: a local file to read (FileIn)
        :param count: an integer (Int)
        """
        return self._invoke(_A["internal_rhbz914931"], (filename, count), {})

    def internal_test(
        self,
        str: str,
        optstr: str | None,
        strlist: list[str],
        b: bool,
        integer: int,
        integer64: int,
        filein: str,
        fileout: str,
        bufferin: bytes,
        obool: bool | None = None,
        oint: int | None = None,
        oint64: int | None = None,
        ostring: str | None = None,
        ostringlist: list[str] | None = None,
    ) -> None:
        """Binding test that prints every kind of argument it is given.

        :param str: a string (String)
        :param optstr: a string, or None (OptString)
        :param strlist: a list of strings (StringList)
        :param b: a boolean (Bool)
        :param integer: an integer (Int)
        :param integer64: a 64-bit integer (Int64)
        :param filein: a local file to read (FileIn)
        :param fileout: a local file to write (FileOut)
        :param bufferin: bytes (BufferIn)
        :param obool: optional, a boolean
        :param oint: optional, an integer
        :param oint64: optional, a 64-bit integer
        :param ostring: optional, a string
        :param ostringlist: optional, a list of strings
        """
        return self._invoke(_A["internal_test"], (str, optstr, strlist, b, integer, integer64, filein, fileout, bufferin), {
            "obool": obool,
            "oint": oint,
            "oint64": oint64,
            "ostring": ostring,
            "ostringlist": ostringlist,
        })

    def internal_test_63_optargs(
        self,
        opt1: int | None = None,
        opt2: int | None = None,
        opt3: int | None = None,
        opt4: int | None = None,
        opt5: int | None = None,
        opt6: int | None = None,
        opt7: int | None = None,
        opt8: int | None = None,
        opt9: int | None = None,
        opt10: int | None = None,
        opt11: int | None = None,
        opt12: int | None = None,
        opt13: int | None = None,
        opt14: int | None = None,
        opt15: int | None = None,
        opt16: int | None = None,
        opt17: int | None = None,
        opt18: int | None = None,
        opt19: int | None = None,
        opt20: int | None = None,
        opt21: int | None = None,
        opt22: int | None = None,
        opt23: int | None = None,
        opt24: int | None = None,
        opt25: int | None = None,
        opt26: int | None = None,
        opt27: int | None = None,
        opt28: int | None = None,
        opt29: int | None = None,
        opt30: int | None = None,
        opt31: int | None = None,
        opt32: int | None = None,
        opt33: int | None = None,
        opt34: int | None = None,
        opt35: int | None = None,
        opt36: int | None = None,
        opt37: int | None = None,
        opt38: int | None = None,
        opt39: int | None = None,
        opt40: int | None = None,
        opt41: int | None = None,
        opt42: int | None = None,
        opt43: int | None = None,
        opt44: int | None = None,
        opt45: int | None = None,
        opt46: int | None = None,
        opt47: int | None = None,
        opt48: int | None = None,
        opt49: int | None = None,
        opt50: int | None = None,
        opt51: int | None = None,
        opt52: int | None = None,
        opt53: int | None = None,
        opt54: int | None = None,
        opt55: int | None = None,
        opt56: int | None = None,
        opt57: int | None = None,
        opt58: int | None = None,
        opt59: int | None = None,
        opt60: int | None = None,
        opt61: int | None = None,
        opt62: int | None = None,
        opt63: int | None = None,
    ) -> None:
        """Binding test of a call with 63 optional arguments.

        :param opt1: optional, an integer
        :param opt2: optional, an integer
        :param opt3: optional, an integer
        :param opt4: optional, an integer
        :param opt5: optional, an integer
        :param opt6: optional, an integer
        :param opt7: optional, an integer
        :param opt8: optional, an integer
        :param opt9: optional, an integer
        :param opt10: optional, an integer
        :param opt11: optional, an integer
        :param opt12: optional, an integer
        :param opt13: optional, an integer
        :param opt14: optional, an integer
        :param opt15: optional, an integer
        :param opt16: optional, an integer
        :param opt17: optional, an integer
        :param opt18: optional, an integer
        :param opt19: optional, an integer
        :param opt20: optional, an integer
        :param opt21: optional, an integer
        :param opt22: optional, an integer
        :param opt23: optional, an integer
        :param opt24: optional, an integer
        :param opt25: optional, an integer
        :param opt26: optional, an integer
        :param opt27: optional, an integer
        :param opt28: optional, an integer
        :param opt29: optional, an integer
        :param opt30: optional, an integer
        :param opt31: optional, an integer
        :param opt32: optional, an integer
        :param opt33: optional, an integer
        :param opt34: optional, an integer
        :param opt35: optional, an integer
        :param opt36: optional, an integer
        :param opt37: optional, an integer
        :param opt38: optional, an integer
        :param opt39: optional, an integer
        :param opt40: optional, an integer
        :param opt41: optional, an integer
        :param opt42: optional, an integer
        :param opt43: optional, an integer
        :param opt44: optional, an integer
        :param opt45: optional, an integer
        :param opt46: optional, an integer
        :param opt47: optional, an integer
        :param opt48: optional, an integer
        :param opt49: optional, an integer
        :param opt50: optional, an integer
        :param opt51: optional, an integer
        :param opt52: optional, an integer
        :param opt53: optional, an integer
        :param opt54: optional, an integer
        :param opt55: optional, an integer
        :param opt56: optional, an integer
        :param opt57: optional, an integer
        :param opt58: optional, an integer
        :param opt59: optional, an integer
        :param opt60: optional, an integer
        :param opt61: optional, an integer
        :param opt62: optional, an integer
        :param opt63: optional, an integer
        """
        return self._invoke(_A["internal_test_63_optargs"], (), {
            "opt1": opt1,
            "opt2": opt2,
            "opt3": opt3,
            "opt4": opt4,
            "opt5": opt5,
            "opt6": opt6,
            "opt7": opt7,
            "opt8": opt8,
            "opt9": opt9,
            "opt10": opt10,
            "opt11": opt11,
            "opt12": opt12,
            "opt13": opt13,
            "opt14": opt14,
            "opt15": opt15,
            "opt16": opt16,
            "opt17": opt17,
            "opt18": opt18,
            "opt19": opt19,
            "opt20": opt20,
            "opt21": opt21,
            "opt22": opt22,
            "opt23": opt23,
            "opt24": opt24,
            "opt25": opt25,
            "opt26": opt26,
            "opt27": opt27,
            "opt28": opt28,
            "opt29": opt29,
            "opt30": opt30,
            "opt31": opt31,
            "opt32": opt32,
            "opt33": opt33,
            "opt34": opt34,
            "opt35": opt35,
            "opt36": opt36,
            "opt37": opt37,
            "opt38": opt38,
            "opt39": opt39,
            "opt40": opt40,
            "opt41": opt41,
            "opt42": opt42,
            "opt43": opt43,
            "opt44": opt44,
            "opt45": opt45,
            "opt46": opt46,
            "opt47": opt47,
            "opt48": opt48,
            "opt49": opt49,
            "opt50": opt50,
            "opt51": opt51,
            "opt52": opt52,
            "opt53": opt53,
            "opt54": opt54,
            "opt55": opt55,
            "opt56": opt56,
            "opt57": opt57,
            "opt58": opt58,
            "opt59": opt59,
            "opt60": opt60,
            "opt61": opt61,
            "opt62": opt62,
            "opt63": opt63,
        })

    def internal_test_close_output(self) -> None:
        """Close the output file used by the binding tests."""
        return self._invoke(_A["internal_test_close_output"], (), {})

    def internal_test_only_optargs(self, test: int | None = None) -> None:
        """Binding test of a call that has only optional arguments.

        :param test: optional, an integer
        """
        return self._invoke(_A["internal_test_only_optargs"], (), {"test": test})

    def internal_test_rbool(self, val: str) -> int:
        """Binding test returning the boolean parsed from a string.

        :param val: a string (String)
        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["internal_test_rbool"], (val,), {})

    def internal_test_rboolerr(self) -> int:
        """Binding test that fails from a call returning a boolean.

        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["internal_test_rboolerr"], (), {})

    def internal_test_rbufferout(self, val: str) -> bytes:
        """Binding test returning a string as a buffer.

        :param val: a string (String)
        :returns: bytes (RBufferOut)
        """
        return self._invoke(_A["internal_test_rbufferout"], (val,), {})

    def internal_test_rbufferouterr(self) -> bytes:
        """Binding test that fails from a call returning a buffer.

        :returns: bytes (RBufferOut)
        """
        return self._invoke(_A["internal_test_rbufferouterr"], (), {})

    def internal_test_rconstoptstring(self, val: str) -> str | None:
        """Binding test returning a constant optional string.

        :param val: a string (String)
        :returns: a string, or None (RConstOptString)
        """
        return self._invoke(_A["internal_test_rconstoptstring"], (val,), {})

    def internal_test_rconstoptstringerr(self) -> str | None:
        """Binding test that fails from a constant optional string call.

        :returns: a string, or None (RConstOptString)
        """
        return self._invoke(_A["internal_test_rconstoptstringerr"], (), {})

    def internal_test_rconststring(self, val: str) -> str:
        """Binding test returning a constant string.

        :param val: a string (String)
        :returns: a string (RConstString)
        """
        return self._invoke(_A["internal_test_rconststring"], (val,), {})

    def internal_test_rconststringerr(self) -> str:
        """Binding test that fails from a call returning a constant string.

        :returns: a string (RConstString)
        """
        return self._invoke(_A["internal_test_rconststringerr"], (), {})

    def internal_test_rhashtable(self, val: str) -> dict[str, str] | list[tuple[str, str]]:
        """Binding test returning a sample hashtable sized by its argument.

        :param val: a string (String)
        :returns: pairs of strings (a dict when the handle has python_return_dict) (RHashtable)
        """
        return self._invoke(_A["internal_test_rhashtable"], (val,), {})

    def internal_test_rhashtableerr(self) -> dict[str, str] | list[tuple[str, str]]:
        """Binding test that fails from a call returning a hashtable.

        :returns: pairs of strings (a dict when the handle has python_return_dict) (RHashtable)
        """
        return self._invoke(_A["internal_test_rhashtableerr"], (), {})

    def internal_test_rint(self, val: str) -> int:
        """Binding test returning the integer parsed from a string.

        :param val: a string (String)
        :returns: an integer (RInt)
        """
        return self._invoke(_A["internal_test_rint"], (val,), {})

    def internal_test_rint64(self, val: str) -> int:
        """Binding test returning the 64-bit integer parsed from a string.

        :param val: a string (String)
        :returns: a 64-bit integer (RInt64)
        """
        return self._invoke(_A["internal_test_rint64"], (val,), {})

    def internal_test_rint64err(self) -> int:
        """Binding test that fails from a call returning a 64-bit integer.

        :returns: a 64-bit integer (RInt64)
        """
        return self._invoke(_A["internal_test_rint64err"], (), {})

    def internal_test_rinterr(self) -> int:
        """Binding test that fails from a call returning an integer.

        :returns: an integer (RInt)
        """
        return self._invoke(_A["internal_test_rinterr"], (), {})

    def internal_test_rstring(self, val: str) -> str:
        """Binding test returning its argument as a string.

        :param val: a string (String)
        :returns: a string (RString)
        """
        return self._invoke(_A["internal_test_rstring"], (val,), {})

    def internal_test_rstringerr(self) -> str:
        """Binding test that fails from a call returning a string.

        :returns: a string (RString)
        """
        return self._invoke(_A["internal_test_rstringerr"], (), {})

    def internal_test_rstringlist(self, val: str) -> list[str]:
        """Binding test returning a sample string list sized by its argument.

        :param val: a string (String)
        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["internal_test_rstringlist"], (val,), {})

    def internal_test_rstringlisterr(self) -> list[str]:
        """Binding test that fails from a call returning a string list.

        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["internal_test_rstringlisterr"], (), {})

    def internal_test_rstruct(self, val: str) -> PV:
        """Binding test returning a sample struct.

        :param val: a string (String)
        :returns: a lvm_pv struct (dicts) (RStruct)
        """
        return self._invoke(_A["internal_test_rstruct"], (val,), {})

    def internal_test_rstructerr(self) -> PV:
        """Binding test that fails from a call returning a struct.

        :returns: a lvm_pv struct (dicts) (RStruct)
        """
        return self._invoke(_A["internal_test_rstructerr"], (), {})

    def internal_test_rstructlist(self, val: str) -> list[PV]:
        """Binding test returning a sample struct list sized by its argument.

        :param val: a string (String)
        :returns: a list of lvm_pv structs (dicts) (RStructList)
        """
        return self._invoke(_A["internal_test_rstructlist"], (val,), {})

    def internal_test_rstructlisterr(self) -> list[PV]:
        """Binding test that fails from a call returning a struct list.

        :returns: a list of lvm_pv structs (dicts) (RStructList)
        """
        return self._invoke(_A["internal_test_rstructlisterr"], (), {})

    def internal_test_set_output(self, filename: str) -> None:
        """Choose the file where the binding tests print their arguments.

        :param filename: a string (String)
        """
        return self._invoke(_A["internal_test_set_output"], (filename,), {})

    def internal_upload(self, filename: str, tmpname: str, mode: int) -> None:
        """Upload a local file to a temporary appliance path with a given mode.

        :param filename: a local file to read (FileIn)
        :param tmpname: a string (String)
        :param mode: an integer (Int)
        """
        return self._invoke(_A["internal_upload"], (filename, tmpname, mode), {})

    def internal_write(self, path: str, content: bytes) -> None:
        """Create or overwrite a guest file with a buffer of bytes.

        :param path: an absolute path in the guest (Pathname)
        :param content: bytes (BufferIn)
        """
        return self._invoke(_A["internal_write"], (path, content), {})

    def internal_write_append(self, path: str, content: bytes) -> None:
        """Append a buffer of bytes to a guest file.

        :param path: an absolute path in the guest (Pathname)
        :param content: bytes (BufferIn)
        """
        return self._invoke(_A["internal_write_append"], (path, content), {})

    def internal_yara_scan(self, path: str, filename: str) -> None:
        """Stream the Yara rule matches for a path into a local file.

        :param path: an absolute path in the guest (Pathname)
        :param filename: a local file to write (FileOut)
        """
        return self._invoke(_A["internal_yara_scan"], (path, filename), {})

    def is_blockdev(self, path: str, followsymlinks: bool | None = None) -> int:
        """Tell whether a path is a block device.

        :param path: an absolute path in the guest (Pathname)
        :param followsymlinks: optional, a boolean
        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["is_blockdev"], (path,), {"followsymlinks": followsymlinks})

    is_blockdev_opts = is_blockdev

    def is_busy(self) -> int:
        """Return false; the busy state no longer exists.

        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["is_busy"], (), {})

    def is_chardev(self, path: str, followsymlinks: bool | None = None) -> int:
        """Tell whether a path is a character device.

        :param path: an absolute path in the guest (Pathname)
        :param followsymlinks: optional, a boolean
        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["is_chardev"], (path,), {"followsymlinks": followsymlinks})

    is_chardev_opts = is_chardev

    def is_config(self) -> int:
        """Tell whether the handle is still in the configuration state.

        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["is_config"], (), {})

    def is_dir(self, path: str, followsymlinks: bool | None = None) -> int:
        """Tell whether a path is a directory.

        :param path: an absolute path in the guest (Pathname)
        :param followsymlinks: optional, a boolean
        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["is_dir"], (path,), {"followsymlinks": followsymlinks})

    is_dir_opts = is_dir

    def is_fifo(self, path: str, followsymlinks: bool | None = None) -> int:
        """Tell whether a path is a FIFO (named pipe).

        :param path: an absolute path in the guest (Pathname)
        :param followsymlinks: optional, a boolean
        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["is_fifo"], (path,), {"followsymlinks": followsymlinks})

    is_fifo_opts = is_fifo

    def is_file(self, path: str, followsymlinks: bool | None = None) -> int:
        """Tell whether a path is a regular file.

        :param path: an absolute path in the guest (Pathname)
        :param followsymlinks: optional, a boolean
        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["is_file"], (path,), {"followsymlinks": followsymlinks})

    is_file_opts = is_file

    def is_launching(self) -> int:
        """Tell whether the handle is in the launching state.

        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["is_launching"], (), {})

    def is_lv(self, mountable: str) -> int:
        """Tell whether a mountable is an LVM logical volume.

        :param mountable: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["is_lv"], (mountable,), {})

    def is_ready(self) -> int:
        """Tell whether the handle is ready to accept commands.

        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["is_ready"], (), {})

    def is_socket(self, path: str, followsymlinks: bool | None = None) -> int:
        """Tell whether a path is a Unix domain socket.

        :param path: an absolute path in the guest (Pathname)
        :param followsymlinks: optional, a boolean
        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["is_socket"], (path,), {"followsymlinks": followsymlinks})

    is_socket_opts = is_socket

    def is_symlink(self, path: str) -> int:
        """Tell whether a path is a symbolic link.

        :param path: an absolute path in the guest (Pathname)
        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["is_symlink"], (path,), {})

    def is_whole_device(self, device: str) -> int:
        """Tell whether a device is a whole disk, not a partition or logical device.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["is_whole_device"], (device,), {})

    def is_zero(self, path: str) -> int:
        """Tell whether a file is empty or holds only zero bytes.

        :param path: an absolute path in the guest (Pathname)
        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["is_zero"], (path,), {})

    def is_zero_device(self, device: str) -> int:
        """Tell whether a device holds only zero bytes.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["is_zero_device"], (device,), {})

    def isoinfo(self, isofile: str) -> ISOInfo:
        """Return the primary volume descriptor fields of an ISO image file.

        :param isofile: an absolute path in the guest (Pathname)
        :returns: a isoinfo struct (dicts) (RStruct)
        """
        return self._invoke(_A["isoinfo"], (isofile,), {})

    def isoinfo_device(self, device: str) -> ISOInfo:
        """Return the primary volume descriptor fields of an ISO device.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :returns: a isoinfo struct (dicts) (RStruct)
        """
        return self._invoke(_A["isoinfo_device"], (device,), {})

    def journal_close(self) -> None:
        """Close the systemd journal handle."""
        return self._invoke(_A["journal_close"], (), {})

    def journal_get(self) -> list[XAttr]:
        """Return every field of the current journal entry.

        :returns: a list of xattr structs (dicts) (RStructList)
        """
        return self._invoke(_A["journal_get"], (), {})

    def journal_get_data_threshold(self) -> int:
        """Return the size above which journal fields may be truncated.

        :returns: a 64-bit integer (RInt64)
        """
        return self._invoke(_A["journal_get_data_threshold"], (), {})

    def journal_get_realtime_usec(self) -> int:
        """Return the wall-clock timestamp of the current journal entry.

        :returns: a 64-bit integer (RInt64)
        """
        return self._invoke(_A["journal_get_realtime_usec"], (), {})

    def journal_next(self) -> int:
        """Move to the next journal entry; return false at the end.

        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["journal_next"], (), {})

    def journal_open(self, directory: str) -> None:
        """Open the systemd journal stored in a guest directory.

        :param directory: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["journal_open"], (directory,), {})

    def journal_set_data_threshold(self, threshold: int) -> None:
        """Set the size above which journal fields may be truncated.

        :param threshold: a 64-bit integer (Int64)
        """
        return self._invoke(_A["journal_set_data_threshold"], (threshold,), {})

    def journal_skip(self, skip: int) -> int:
        """Move forward or back in the journal and return how far it moved.

        :param skip: a 64-bit integer (Int64)
        :returns: a 64-bit integer (RInt64)
        """
        return self._invoke(_A["journal_skip"], (skip,), {})

    def kill_subprocess(self) -> None:
        """Kill the hypervisor process.

        Deprecated: use :meth:`shutdown` instead.
        """
        warnings.warn("use GuestFS.shutdown() instead of GuestFS.kill_subprocess()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["kill_subprocess"], (), {})

    def launch(self) -> None:
        """Start the appliance so that the drives can be worked on."""
        return self._invoke(_A["launch"], (), {})

    def lchown(self, owner: int, group: int, path: str) -> None:
        """Set the numeric owner and group of a path, not following symlinks.

        :param owner: an integer (Int)
        :param group: an integer (Int)
        :param path: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["lchown"], (owner, group, path), {})

    def ldmtool_create_all(self) -> None:
        """Scan for Windows dynamic disk volumes and map them as devices."""
        return self._invoke(_A["ldmtool_create_all"], (), {})

    def ldmtool_diskgroup_disks(self, diskgroup: str) -> list[str]:
        """List the disks in a Windows dynamic disk group.

        :param diskgroup: a string (String)
        :returns: a list of device names (RStringList)
        """
        return self._invoke(_A["ldmtool_diskgroup_disks"], (diskgroup,), {})

    def ldmtool_diskgroup_name(self, diskgroup: str) -> str:
        """Return the name of a Windows dynamic disk group.

        :param diskgroup: a string (String)
        :returns: a string (RString)
        """
        return self._invoke(_A["ldmtool_diskgroup_name"], (diskgroup,), {})

    def ldmtool_diskgroup_volumes(self, diskgroup: str) -> list[str]:
        """List the volumes in a Windows dynamic disk group.

        :param diskgroup: a string (String)
        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["ldmtool_diskgroup_volumes"], (diskgroup,), {})

    def ldmtool_remove_all(self) -> None:
        """Remove the device mappings of all Windows dynamic disk volumes."""
        return self._invoke(_A["ldmtool_remove_all"], (), {})

    def ldmtool_scan(self) -> list[str]:
        """Scan all devices for Windows dynamic disk groups and list their GUIDs.

        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["ldmtool_scan"], (), {})

    def ldmtool_scan_devices(self, devices: list[str]) -> list[str]:
        """Scan the given devices for Windows dynamic disk groups.

        :param devices: a list of device names (DeviceList)
        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["ldmtool_scan_devices"], (devices,), {})

    def ldmtool_volume_hint(self, diskgroup: str, volume: str) -> str:
        """Return the hint (such as a drive letter) of a dynamic disk volume.

        :param diskgroup: a string (String)
        :param volume: a string (String)
        :returns: a string (RString)
        """
        return self._invoke(_A["ldmtool_volume_hint"], (diskgroup, volume), {})

    def ldmtool_volume_partitions(self, diskgroup: str, volume: str) -> list[str]:
        """List the partitions of a Windows dynamic disk volume.

        :param diskgroup: a string (String)
        :param volume: a string (String)
        :returns: a list of device names (RStringList)
        """
        return self._invoke(_A["ldmtool_volume_partitions"], (diskgroup, volume), {})

    def ldmtool_volume_type(self, diskgroup: str, volume: str) -> str:
        """Return the type of a Windows dynamic disk volume.

        :param diskgroup: a string (String)
        :param volume: a string (String)
        :returns: a string (RString)
        """
        return self._invoke(_A["ldmtool_volume_type"], (diskgroup, volume), {})

    def lgetxattr(self, path: str, name: str) -> bytes:
        """Return one extended attribute of a file or of a symlink itself.

        :param path: an absolute path in the guest (Pathname)
        :param name: a string (String)
        :returns: bytes (RBufferOut)
        """
        return self._invoke(_A["lgetxattr"], (path, name), {})

    def lgetxattrs(self, path: str) -> list[XAttr]:
        """List the extended attributes of a path, not following symlinks.

        :param path: an absolute path in the guest (Pathname)
        :returns: a list of xattr structs (dicts) (RStructList)
        """
        return self._invoke(_A["lgetxattrs"], (path,), {})

    def list_9p(self) -> list[str]:
        """List the mount tags of the 9p shares attached to the appliance.

        Deprecated.

        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["list_9p"], (), {})

    def list_devices(self) -> list[str]:
        """List the whole block devices of the appliance.

        :returns: a list of device names (RStringList)
        """
        return self._invoke(_A["list_devices"], (), {})

    def list_disk_labels(self) -> dict[str, str] | list[tuple[str, str]]:
        """Map the labels given to added drives to their device names.

        :returns: pairs of strings (a dict when the handle has python_return_dict) (RHashtable)
        """
        return self._invoke(_A["list_disk_labels"], (), {})

    def list_dm_devices(self) -> list[str]:
        """List the device mapper devices.

        :returns: a list of device names (RStringList)
        """
        return self._invoke(_A["list_dm_devices"], (), {})

    def list_filesystems(self) -> dict[str, str] | list[tuple[str, str]]:
        """Map every mountable filesystem found to its filesystem type.

        :returns: pairs of strings (a dict when the handle has python_return_dict) (RHashtable)
        """
        return self._invoke(_A["list_filesystems"], (), {})

    def list_ldm_partitions(self) -> list[str]:
        """List the Windows dynamic disk partitions found at launch.

        :returns: a list of device names (RStringList)
        """
        return self._invoke(_A["list_ldm_partitions"], (), {})

    def list_ldm_volumes(self) -> list[str]:
        """List the Windows dynamic disk volumes found at launch.

        :returns: a list of device names (RStringList)
        """
        return self._invoke(_A["list_ldm_volumes"], (), {})

    def list_md_devices(self) -> list[str]:
        """List the Linux software RAID (md) devices.

        :returns: a list of device names (RStringList)
        """
        return self._invoke(_A["list_md_devices"], (), {})

    def list_partitions(self) -> list[str]:
        """List the partitions found on all block devices.

        :returns: a list of device names (RStringList)
        """
        return self._invoke(_A["list_partitions"], (), {})

    def ll(self, directory: str) -> str:
        """Return a long directory listing of a guest directory (ls -la).

        :param directory: an absolute path in the guest (Pathname)
        :returns: a string (RString)
        """
        return self._invoke(_A["ll"], (directory,), {})

    def llz(self, directory: str) -> str:
        """Return a long directory listing with SELinux contexts (ls -laZ).

        Deprecated: use :meth:`lgetxattrs` instead.

        :param directory: an absolute path in the guest (Pathname)
        :returns: a string (RString)
        """
        warnings.warn("use GuestFS.lgetxattrs() instead of GuestFS.llz()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["llz"], (directory,), {})

    def ln(self, target: str, linkname: str) -> None:
        """Create a hard link.

        :param target: a string (String)
        :param linkname: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["ln"], (target, linkname), {})

    def ln_f(self, target: str, linkname: str) -> None:
        """Create a hard link, replacing any existing link name.

        :param target: a string (String)
        :param linkname: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["ln_f"], (target, linkname), {})

    def ln_s(self, target: str, linkname: str) -> None:
        """Create a symbolic link.

        :param target: a string (String)
        :param linkname: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["ln_s"], (target, linkname), {})

    def ln_sf(self, target: str, linkname: str) -> None:
        """Create a symbolic link, replacing any existing link name.

        :param target: a string (String)
        :param linkname: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["ln_sf"], (target, linkname), {})

    def lremovexattr(self, xattr: str, path: str) -> None:
        """Remove an extended attribute from a path, not following symlinks.

        :param xattr: a string (String)
        :param path: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["lremovexattr"], (xattr, path), {})

    def ls(self, directory: str) -> list[str]:
        """List the names in a directory, hidden ones included, not recursively.

        :param directory: an absolute path in the guest (Pathname)
        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["ls"], (directory,), {})

    def ls0(self, dir: str, filenames: str) -> None:
        """Write the names in a directory to a local file, NUL-separated.

        :param dir: an absolute path in the guest (Pathname)
        :param filenames: a local file to write (FileOut)
        """
        return self._invoke(_A["ls0"], (dir, filenames), {})

    def lsetxattr(self, xattr: str, val: str, vallen: int, path: str) -> None:
        """Set an extended attribute on a path, not following symlinks.

        :param xattr: a string (String)
        :param val: a string (String)
        :param vallen: an integer (Int)
        :param path: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["lsetxattr"], (xattr, val, vallen, path), {})

    def lstat(self, path: str) -> Stat:
        """Return stat information about a path, not following symlinks.

        Deprecated: use :meth:`lstatns` instead.

        :param path: an absolute path in the guest (Pathname)
        :returns: a stat struct (dicts) (RStruct)
        """
        warnings.warn("use GuestFS.lstatns() instead of GuestFS.lstat()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["lstat"], (path,), {})

    def lstatlist(self, path: str, names: list[str]) -> list[Stat]:
        """Return lstat results for several names in one directory.

        Deprecated: use :meth:`lstatnslist` instead.

        :param path: an absolute path in the guest (Pathname)
        :param names: a list of names relative to the directory argument (FilenameList)
        :returns: a list of stat structs (dicts) (RStructList)
        """
        warnings.warn("use GuestFS.lstatnslist() instead of GuestFS.lstatlist()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["lstatlist"], (path, names), {})

    def lstatns(self, path: str) -> StatNS:
        """Return stat information with nanoseconds, not following symlinks.

        :param path: an absolute path in the guest (Pathname)
        :returns: a statns struct (dicts) (RStruct)
        """
        return self._invoke(_A["lstatns"], (path,), {})

    def lstatnslist(self, path: str, names: list[str]) -> list[StatNS]:
        """Return lstatns results for several names in one directory.

        :param path: an absolute path in the guest (Pathname)
        :param names: a list of names relative to the directory argument (FilenameList)
        :returns: a list of statns structs (dicts) (RStructList)
        """
        return self._invoke(_A["lstatnslist"], (path, names), {})

    def luks_add_key(self, device: str, key: str, newkey: str, keyslot: int) -> None:
        """Add a new key to a LUKS key slot, unlocking with an existing key.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param key: a key or passphrase (never traced) (Key)
        :param newkey: a key or passphrase (never traced) (Key)
        :param keyslot: an integer (Int)
        """
        return self._invoke(_A["luks_add_key"], (device, key, newkey, keyslot), {})

    def luks_close(self, device: str) -> None:
        """Close a LUKS mapping device.

        Deprecated: use :meth:`cryptsetup_close` instead.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        warnings.warn("use GuestFS.cryptsetup_close() instead of GuestFS.luks_close()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["luks_close"], (device,), {})

    def luks_format(self, device: str, key: str, keyslot: int) -> None:
        """Erase a device and format it as LUKS with an initial key.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param key: a key or passphrase (never traced) (Key)
        :param keyslot: an integer (Int)
        """
        return self._invoke(_A["luks_format"], (device, key, keyslot), {})

    def luks_format_cipher(self, device: str, key: str, keyslot: int, cipher: str) -> None:
        """Erase a device and format it as LUKS with a key and chosen cipher.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param key: a key or passphrase (never traced) (Key)
        :param keyslot: an integer (Int)
        :param cipher: a string (String)
        """
        return self._invoke(_A["luks_format_cipher"], (device, key, keyslot, cipher), {})

    def luks_kill_slot(self, device: str, key: str, keyslot: int) -> None:
        """Remove the key in a LUKS key slot, unlocking with another key.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param key: a key or passphrase (never traced) (Key)
        :param keyslot: an integer (Int)
        """
        return self._invoke(_A["luks_kill_slot"], (device, key, keyslot), {})

    def luks_open(self, device: str, key: str, mapname: str) -> None:
        """Unlock a LUKS device as a mapped device.

        Deprecated: use :meth:`cryptsetup_open` instead.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param key: a key or passphrase (never traced) (Key)
        :param mapname: a string (String)
        """
        warnings.warn("use GuestFS.cryptsetup_open() instead of GuestFS.luks_open()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["luks_open"], (device, key, mapname), {})

    def luks_open_ro(self, device: str, key: str, mapname: str) -> None:
        """Unlock a LUKS device as a read-only mapped device.

        Deprecated: use :meth:`cryptsetup_open` instead.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param key: a key or passphrase (never traced) (Key)
        :param mapname: a string (String)
        """
        warnings.warn("use GuestFS.cryptsetup_open() instead of GuestFS.luks_open_ro()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["luks_open_ro"], (device, key, mapname), {})

    def luks_uuid(self, device: str) -> str:
        """Return the UUID of a LUKS device.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :returns: a string (RString)
        """
        return self._invoke(_A["luks_uuid"], (device,), {})

    def lvcreate(self, logvol: str, volgroup: str, mbytes: int) -> None:
        """Create an LVM logical volume of a size in megabytes.

        :param logvol: a string (String)
        :param volgroup: a string (String)
        :param mbytes: an integer (Int)
        """
        return self._invoke(_A["lvcreate"], (logvol, volgroup, mbytes), {})

    def lvcreate_free(self, logvol: str, volgroup: str, percent: int) -> None:
        """Create an LVM logical volume using a percentage of the free space.

        :param logvol: a string (String)
        :param volgroup: a string (String)
        :param percent: an integer (Int)
        """
        return self._invoke(_A["lvcreate_free"], (logvol, volgroup, percent), {})

    def lvm_canonical_lv_name(self, lvname: str) -> str:
        """Convert an LV device path to its canonical /dev/VG/LV form.

        :param lvname: a string (String)
        :returns: a device name (RString)
        """
        return self._invoke(_A["lvm_canonical_lv_name"], (lvname,), {})

    def lvm_clear_filter(self) -> None:
        """Let LVM see every block device again and rescan."""
        return self._invoke(_A["lvm_clear_filter"], (), {})

    def lvm_remove_all(self) -> None:
        """Remove every LVM logical volume, volume group and physical volume."""
        return self._invoke(_A["lvm_remove_all"], (), {})

    def lvm_scan(self, activate: bool) -> None:
        """Rescan for LVM volumes, optionally activating the ones found.

        :param activate: a boolean (Bool)
        """
        return self._invoke(_A["lvm_scan"], (activate,), {})

    def lvm_set_filter(self, devices: list[str]) -> None:
        """Restrict LVM to the listed block devices.

        :param devices: a list of device names (DeviceList)
        """
        return self._invoke(_A["lvm_set_filter"], (devices,), {})

    def lvremove(self, device: str) -> None:
        """Remove an LVM logical volume, or all of those in a volume group.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        return self._invoke(_A["lvremove"], (device,), {})

    def lvrename(self, logvol: str, newlogvol: str) -> None:
        """Rename an LVM logical volume.

        :param logvol: a string (String)
        :param newlogvol: a string (String)
        """
        return self._invoke(_A["lvrename"], (logvol, newlogvol), {})

    def lvresize(self, device: str, mbytes: int) -> None:
        """Grow or shrink an LVM logical volume to a size in megabytes.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param mbytes: an integer (Int)
        """
        return self._invoke(_A["lvresize"], (device, mbytes), {})

    def lvresize_free(self, lv: str, percent: int) -> None:
        """Grow an LVM logical volume into a share of its group's free space.

        :param lv: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param percent: an integer (Int)
        """
        return self._invoke(_A["lvresize_free"], (lv, percent), {})

    def lvs(self) -> list[str]:
        """List the LVM logical volume device names.

        :returns: a list of device names (RStringList)
        """
        return self._invoke(_A["lvs"], (), {})

    def lvs_full(self) -> list[LV]:
        """List the LVM logical volumes with all their fields.

        :returns: a list of lvm_lv structs (dicts) (RStructList)
        """
        return self._invoke(_A["lvs_full"], (), {})

    def lvuuid(self, device: str) -> str:
        """Return the UUID of an LVM logical volume.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :returns: a string (RString)
        """
        return self._invoke(_A["lvuuid"], (device,), {})

    def lxattrlist(self, path: str, names: list[str]) -> list[XAttr]:
        """Return the xattrs of several names in one directory, not following links.

        :param path: an absolute path in the guest (Pathname)
        :param names: a list of names relative to the directory argument (FilenameList)
        :returns: a list of xattr structs (dicts) (RStructList)
        """
        return self._invoke(_A["lxattrlist"], (path, names), {})

    def max_disks(self) -> int:
        """Return the largest number of disks that can be added to a handle.

        :returns: an integer (RInt)
        """
        return self._invoke(_A["max_disks"], (), {})

    def md_create(
        self,
        name: str,
        devices: list[str],
        missingbitmap: int | None = None,
        nrdevices: int | None = None,
        spare: int | None = None,
        chunk: int | None = None,
        level: str | None = None,
    ) -> None:
        """Create a Linux software RAID (md) device from a list of devices.

        :param name: a string (String)
        :param devices: a list of device names (DeviceList)
        :param missingbitmap: optional, a 64-bit integer
        :param nrdevices: optional, an integer
        :param spare: optional, an integer
        :param chunk: optional, a 64-bit integer
        :param level: optional, a string
        """
        return self._invoke(_A["md_create"], (name, devices), {
            "missingbitmap": missingbitmap,
            "nrdevices": nrdevices,
            "spare": spare,
            "chunk": chunk,
            "level": level,
        })

    def md_detail(self, md: str) -> dict[str, str] | list[tuple[str, str]]:
        """Return details of a software RAID device from mdadm.

        :param md: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :returns: pairs of strings (a dict when the handle has python_return_dict) (RHashtable)
        """
        return self._invoke(_A["md_detail"], (md,), {})

    def md_stat(self, md: str) -> list[MDStat]:
        """List the member devices of a software RAID device and their status.

        :param md: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :returns: a list of mdstat structs (dicts) (RStructList)
        """
        return self._invoke(_A["md_stat"], (md,), {})

    def md_stop(self, md: str) -> None:
        """Stop a software RAID device without destroying it.

        :param md: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        return self._invoke(_A["md_stop"], (md,), {})

    def mkdir(self, path: str) -> None:
        """Create a directory.

        :param path: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["mkdir"], (path,), {})

    def mkdir_mode(self, path: str, mode: int) -> None:
        """Create a directory with the given permission bits.

        :param path: an absolute path in the guest (Pathname)
        :param mode: an integer (Int)
        """
        return self._invoke(_A["mkdir_mode"], (path, mode), {})

    def mkdir_p(self, path: str) -> None:
        """Create a directory and any missing parents; succeed if it exists.

        :param path: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["mkdir_p"], (path,), {})

    def mkdtemp(self, tmpl: str) -> str:
        """Create a uniquely named temporary directory from a template.

        :param tmpl: an absolute path in the guest (Pathname)
        :returns: a string (RString)
        """
        return self._invoke(_A["mkdtemp"], (tmpl,), {})

    def mke2fs(
        self,
        device: str,
        blockscount: int | None = None,
        blocksize: int | None = None,
        fragsize: int | None = None,
        blockspergroup: int | None = None,
        numberofgroups: int | None = None,
        bytesperinode: int | None = None,
        inodesize: int | None = None,
        journalsize: int | None = None,
        numberofinodes: int | None = None,
        stridesize: int | None = None,
        stripewidth: int | None = None,
        maxonlineresize: int | None = None,
        reservedblockspercentage: int | None = None,
        mmpupdateinterval: int | None = None,
        journaldevice: str | None = None,
        label: str | None = None,
        lastmounteddir: str | None = None,
        creatoros: str | None = None,
        fstype: str | None = None,
        usagetype: str | None = None,
        uuid: str | None = None,
        forcecreate: bool | None = None,
        writesbandgrouponly: bool | None = None,
        lazyitableinit: bool | None = None,
        lazyjournalinit: bool | None = None,
        testfs: bool | None = None,
        discard: bool | None = None,
        quotatype: bool | None = None,
        extent: bool | None = None,
        filetype: bool | None = None,
        flexbg: bool | None = None,
        hasjournal: bool | None = None,
        journaldev: bool | None = None,
        largefile: bool | None = None,
        quota: bool | None = None,
        resizeinode: bool | None = None,
        sparsesuper: bool | None = None,
        uninitbg: bool | None = None,
    ) -> None:
        """Create an ext2/3/4 filesystem with many tunable settings.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param blockscount: optional, a 64-bit integer
        :param blocksize: optional, a 64-bit integer
        :param fragsize: optional, a 64-bit integer
        :param blockspergroup: optional, a 64-bit integer
        :param numberofgroups: optional, a 64-bit integer
        :param bytesperinode: optional, a 64-bit integer
        :param inodesize: optional, a 64-bit integer
        :param journalsize: optional, a 64-bit integer
        :param numberofinodes: optional, a 64-bit integer
        :param stridesize: optional, a 64-bit integer
        :param stripewidth: optional, a 64-bit integer
        :param maxonlineresize: optional, a 64-bit integer
        :param reservedblockspercentage: optional, an integer
        :param mmpupdateinterval: optional, an integer
        :param journaldevice: optional, a string
        :param label: optional, a string
        :param lastmounteddir: optional, a string
        :param creatoros: optional, a string
        :param fstype: optional, a string
        :param usagetype: optional, a string
        :param uuid: optional, a string
        :param forcecreate: optional, a boolean
        :param writesbandgrouponly: optional, a boolean
        :param lazyitableinit: optional, a boolean
        :param lazyjournalinit: optional, a boolean
        :param testfs: optional, a boolean
        :param discard: optional, a boolean
        :param quotatype: optional, a boolean
        :param extent: optional, a boolean
        :param filetype: optional, a boolean
        :param flexbg: optional, a boolean
        :param hasjournal: optional, a boolean
        :param journaldev: optional, a boolean
        :param largefile: optional, a boolean
        :param quota: optional, a boolean
        :param resizeinode: optional, a boolean
        :param sparsesuper: optional, a boolean
        :param uninitbg: optional, a boolean
        """
        return self._invoke(_A["mke2fs"], (device,), {
            "blockscount": blockscount,
            "blocksize": blocksize,
            "fragsize": fragsize,
            "blockspergroup": blockspergroup,
            "numberofgroups": numberofgroups,
            "bytesperinode": bytesperinode,
            "inodesize": inodesize,
            "journalsize": journalsize,
            "numberofinodes": numberofinodes,
            "stridesize": stridesize,
            "stripewidth": stripewidth,
            "maxonlineresize": maxonlineresize,
            "reservedblockspercentage": reservedblockspercentage,
            "mmpupdateinterval": mmpupdateinterval,
            "journaldevice": journaldevice,
            "label": label,
            "lastmounteddir": lastmounteddir,
            "creatoros": creatoros,
            "fstype": fstype,
            "usagetype": usagetype,
            "uuid": uuid,
            "forcecreate": forcecreate,
            "writesbandgrouponly": writesbandgrouponly,
            "lazyitableinit": lazyitableinit,
            "lazyjournalinit": lazyjournalinit,
            "testfs": testfs,
            "discard": discard,
            "quotatype": quotatype,
            "extent": extent,
            "filetype": filetype,
            "flexbg": flexbg,
            "hasjournal": hasjournal,
            "journaldev": journaldev,
            "largefile": largefile,
            "quota": quota,
            "resizeinode": resizeinode,
            "sparsesuper": sparsesuper,
            "uninitbg": uninitbg,
        })

    def mke2fs_J(self, fstype: str, blocksize: int, device: str, journal: str) -> None:
        """Create an ext2/3/4 filesystem with an external journal device.

        Deprecated: use :meth:`mke2fs` instead.

        :param fstype: a string (String)
        :param blocksize: an integer (Int)
        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param journal: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        warnings.warn("use GuestFS.mke2fs() instead of GuestFS.mke2fs_J()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["mke2fs_J"], (fstype, blocksize, device, journal), {})

    def mke2fs_JL(self, fstype: str, blocksize: int, device: str, label: str) -> None:
        """Create an ext2/3/4 filesystem with an external journal found by label.

        Deprecated: use :meth:`mke2fs` instead.

        :param fstype: a string (String)
        :param blocksize: an integer (Int)
        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param label: a string (String)
        """
        warnings.warn("use GuestFS.mke2fs() instead of GuestFS.mke2fs_JL()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["mke2fs_JL"], (fstype, blocksize, device, label), {})

    def mke2fs_JU(self, fstype: str, blocksize: int, device: str, uuid: str) -> None:
        """Create an ext2/3/4 filesystem with an external journal found by UUID.

        Deprecated: use :meth:`mke2fs` instead.

        :param fstype: a string (String)
        :param blocksize: an integer (Int)
        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param uuid: a string (String)
        """
        warnings.warn("use GuestFS.mke2fs() instead of GuestFS.mke2fs_JU()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["mke2fs_JU"], (fstype, blocksize, device, uuid), {})

    def mke2journal(self, blocksize: int, device: str) -> None:
        """Create an external ext2 journal on a device.

        Deprecated: use :meth:`mke2fs` instead.

        :param blocksize: an integer (Int)
        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        warnings.warn("use GuestFS.mke2fs() instead of GuestFS.mke2journal()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["mke2journal"], (blocksize, device), {})

    def mke2journal_L(self, blocksize: int, label: str, device: str) -> None:
        """Create an external ext2 journal on a device with a label.

        Deprecated: use :meth:`mke2fs` instead.

        :param blocksize: an integer (Int)
        :param label: a string (String)
        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        warnings.warn("use GuestFS.mke2fs() instead of GuestFS.mke2journal_L()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["mke2journal_L"], (blocksize, label, device), {})

    def mke2journal_U(self, blocksize: int, uuid: str, device: str) -> None:
        """Create an external ext2 journal on a device with a UUID.

        Deprecated: use :meth:`mke2fs` instead.

        :param blocksize: an integer (Int)
        :param uuid: a string (String)
        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        warnings.warn("use GuestFS.mke2fs() instead of GuestFS.mke2journal_U()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["mke2journal_U"], (blocksize, uuid, device), {})

    def mkfifo(self, mode: int, path: str) -> None:
        """Create a FIFO (named pipe) with the given mode.

        :param mode: an integer (Int)
        :param path: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["mkfifo"], (mode, path), {})

    def mkfs(
        self,
        fstype: str,
        device: str,
        blocksize: int | None = None,
        features: str | None = None,
        inode: int | None = None,
        sectorsize: int | None = None,
        label: str | None = None,
    ) -> None:
        """Create a filesystem of a given type on a device.

        :param fstype: a string (String)
        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param blocksize: optional, an integer
        :param features: optional, a string
        :param inode: optional, an integer
        :param sectorsize: optional, an integer
        :param label: optional, a string
        """
        return self._invoke(_A["mkfs"], (fstype, device), {
            "blocksize": blocksize,
            "features": features,
            "inode": inode,
            "sectorsize": sectorsize,
            "label": label,
        })

    mkfs_opts = mkfs

    def mkfs_b(self, fstype: str, blocksize: int, device: str) -> None:
        """Create a filesystem of a given type and block size on a device.

        Deprecated: use :meth:`mkfs` instead.

        :param fstype: a string (String)
        :param blocksize: an integer (Int)
        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        warnings.warn("use GuestFS.mkfs() instead of GuestFS.mkfs_b()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["mkfs_b"], (fstype, blocksize, device), {})

    def mkfs_btrfs(
        self,
        devices: list[str],
        allocstart: int | None = None,
        bytecount: int | None = None,
        datatype: str | None = None,
        leafsize: int | None = None,
        label: str | None = None,
        metadata: str | None = None,
        nodesize: int | None = None,
        sectorsize: int | None = None,
    ) -> None:
        """Create a btrfs filesystem over one or more devices.

        :param devices: a list of device names (DeviceList)
        :param allocstart: optional, a 64-bit integer
        :param bytecount: optional, a 64-bit integer
        :param datatype: optional, a string
        :param leafsize: optional, an integer
        :param label: optional, a string
        :param metadata: optional, a string
        :param nodesize: optional, an integer
        :param sectorsize: optional, an integer
        """
        return self._invoke(_A["mkfs_btrfs"], (devices,), {
            "allocstart": allocstart,
            "bytecount": bytecount,
            "datatype": datatype,
            "leafsize": leafsize,
            "label": label,
            "metadata": metadata,
            "nodesize": nodesize,
            "sectorsize": sectorsize,
        })

    def mklost_and_found(self, mountpoint: str) -> None:
        """Create the lost+found directory of an ext2/3/4 filesystem.

        :param mountpoint: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["mklost_and_found"], (mountpoint,), {})

    def mkmountpoint(self, exemptpath: str) -> None:
        """Create an extra mountpoint in the appliance root before mounting.

        :param exemptpath: a string (String)
        """
        return self._invoke(_A["mkmountpoint"], (exemptpath,), {})

    def mknod(self, mode: int, devmajor: int, devminor: int, path: str) -> None:
        """Create a device node or FIFO given a mode and major/minor numbers.

        :param mode: an integer (Int)
        :param devmajor: an integer (Int)
        :param devminor: an integer (Int)
        :param path: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["mknod"], (mode, devmajor, devminor, path), {})

    def mknod_b(self, mode: int, devmajor: int, devminor: int, path: str) -> None:
        """Create a block device node.

        :param mode: an integer (Int)
        :param devmajor: an integer (Int)
        :param devminor: an integer (Int)
        :param path: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["mknod_b"], (mode, devmajor, devminor, path), {})

    def mknod_c(self, mode: int, devmajor: int, devminor: int, path: str) -> None:
        """Create a character device node.

        :param mode: an integer (Int)
        :param devmajor: an integer (Int)
        :param devminor: an integer (Int)
        :param path: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["mknod_c"], (mode, devmajor, devminor, path), {})

    def mksquashfs(
        self,
        path: str,
        filename: str,
        compress: str | None = None,
        excludes: list[str] | None = None,
    ) -> None:
        """Pack a guest path into a squashfs image saved to a local file.

        :param path: an absolute path in the guest (Pathname)
        :param filename: a local file to write (FileOut)
        :param compress: optional, a string
        :param excludes: optional, a list of strings
        """
        return self._invoke(_A["mksquashfs"], (path, filename), {"compress": compress, "excludes": excludes})

    def mkswap(self, device: str, label: str | None = None, uuid: str | None = None) -> None:
        """Create a Linux swap area on a device, with optional label and UUID.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param label: optional, a string
        :param uuid: optional, a string
        """
        return self._invoke(_A["mkswap"], (device,), {"label": label, "uuid": uuid})

    mkswap_opts = mkswap

    def mkswap_L(self, label: str, device: str) -> None:
        """Create a Linux swap area on a device with a label.

        Deprecated: use :meth:`mkswap` instead.

        :param label: a string (String)
        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        warnings.warn("use GuestFS.mkswap() instead of GuestFS.mkswap_L()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["mkswap_L"], (label, device), {})

    def mkswap_U(self, uuid: str, device: str) -> None:
        """Create a Linux swap area on a device with a UUID.

        Deprecated: use :meth:`mkswap` instead.

        :param uuid: a string (String)
        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        warnings.warn("use GuestFS.mkswap() instead of GuestFS.mkswap_U()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["mkswap_U"], (uuid, device), {})

    def mkswap_file(self, path: str) -> None:
        """Write a swap signature to an existing file.

        :param path: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["mkswap_file"], (path,), {})

    def mktemp(self, tmpl: str, suffix: str | None = None) -> str:
        """Create a uniquely named temporary file from a template.

        :param tmpl: an absolute path in the guest (Pathname)
        :param suffix: optional, a string
        :returns: a string (RString)
        """
        return self._invoke(_A["mktemp"], (tmpl,), {"suffix": suffix})

    def modprobe(self, modulename: str) -> None:
        """Load a kernel module into the appliance.

        :param modulename: a string (String)
        """
        return self._invoke(_A["modprobe"], (modulename,), {})

    def mount(self, mountable: str, mountpoint: str) -> None:
        """Mount a filesystem on a directory in the guest.

        :param mountable: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :param mountpoint: a string (String)
        """
        return self._invoke(_A["mount"], (mountable, mountpoint), {})

    def mount_9p(self, mounttag: str, mountpoint: str, options: str | None = None) -> None:
        """Mount a 9p share of the appliance on a guest directory.

        Deprecated.

        :param mounttag: a string (String)
        :param mountpoint: a string (String)
        :param options: optional, a string
        """
        return self._invoke(_A["mount_9p"], (mounttag, mountpoint), {"options": options})

    def mount_local(
        self,
        localmountpoint: str,
        readonly: bool | None = None,
        options: str | None = None,
        cachetimeout: int | None = None,
        debugcalls: bool | None = None,
    ) -> None:
        """Expose the guest filesystems on a local directory through FUSE.

        :param localmountpoint: a string (String)
        :param readonly: optional, a boolean
        :param options: optional, a string
        :param cachetimeout: optional, an integer
        :param debugcalls: optional, a boolean
        """
        return self._invoke(_A["mount_local"], (localmountpoint,), {
            "readonly": readonly,
            "options": options,
            "cachetimeout": cachetimeout,
            "debugcalls": debugcalls,
        })

    def mount_local_run(self) -> None:
        """Serve FUSE requests for the local mount until it is unmounted."""
        return self._invoke(_A["mount_local_run"], (), {})

    def mount_loop(self, file: str, mountpoint: str) -> None:
        """Mount a filesystem image file through a loop device.

        :param file: an absolute path in the guest (Pathname)
        :param mountpoint: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["mount_loop"], (file, mountpoint), {})

    def mount_options(self, options: str, mountable: str, mountpoint: str) -> None:
        """Mount a filesystem on a guest directory with mount options.

        :param options: a string (String)
        :param mountable: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :param mountpoint: a string (String)
        """
        return self._invoke(_A["mount_options"], (options, mountable, mountpoint), {})

    def mount_ro(self, mountable: str, mountpoint: str) -> None:
        """Mount a filesystem read-only on a guest directory.

        :param mountable: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :param mountpoint: a string (String)
        """
        return self._invoke(_A["mount_ro"], (mountable, mountpoint), {})

    def mount_vfs(self, options: str, vfstype: str, mountable: str, mountpoint: str) -> None:
        """Mount a filesystem with options and an explicit filesystem type.

        :param options: a string (String)
        :param vfstype: a string (String)
        :param mountable: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :param mountpoint: a string (String)
        """
        return self._invoke(_A["mount_vfs"], (options, vfstype, mountable, mountpoint), {})

    def mountable_device(self, mountable: str) -> str:
        """Return the device part of a mountable.

        :param mountable: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: a device name (RString)
        """
        return self._invoke(_A["mountable_device"], (mountable,), {})

    def mountable_subvolume(self, mountable: str) -> str:
        """Return the btrfs subvolume part of a mountable.

        :param mountable: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: a string (RString)
        """
        return self._invoke(_A["mountable_subvolume"], (mountable,), {})

    def mountpoints(self) -> dict[str, str] | list[tuple[str, str]]:
        """Map each mounted device to the directory it is mounted on.

        :returns: pairs of strings (a dict when the handle has python_return_dict) (RHashtable)
        """
        return self._invoke(_A["mountpoints"], (), {})

    def mounts(self) -> list[str]:
        """List the devices of the mounted filesystems.

        :returns: a list of device names (RStringList)
        """
        return self._invoke(_A["mounts"], (), {})

    def mv(self, src: str, dest: str) -> None:
        """Move a file to a new name or into a directory.

        :param src: an absolute path in the guest (Pathname)
        :param dest: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["mv"], (src, dest), {})

    def nr_devices(self) -> int:
        """Return the number of whole block devices added to the handle.

        :returns: an integer (RInt)
        """
        return self._invoke(_A["nr_devices"], (), {})

    def ntfs_3g_probe(self, rw: bool, device: str) -> int:
        """Check whether an NTFS device can be mounted, read-write or read-only.

        :param rw: a boolean (Bool)
        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :returns: an integer (RInt)
        """
        return self._invoke(_A["ntfs_3g_probe"], (rw, device), {})

    def ntfs_chmod(self, device: str, mode: int, path: str, recursive: bool | None = None) -> None:
        """Change the permissions of a path on an NTFS filesystem, maybe recursively.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param mode: an integer (Int)
        :param path: a string (String)
        :param recursive: optional, a boolean
        """
        return self._invoke(_A["ntfs_chmod"], (device, mode, path), {"recursive": recursive})

    def ntfscat_i(self, device: str, inode: int, filename: str) -> None:
        """Save the NTFS file with a given inode number to a local file.

        :param device: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :param inode: a 64-bit integer (Int64)
        :param filename: a local file to write (FileOut)
        """
        return self._invoke(_A["ntfscat_i"], (device, inode, filename), {})

    def ntfsclone_in(self, backupfile: str, device: str) -> None:
        """Restore an ntfsclone image from a local file onto a device.

        :param backupfile: a local file to read (FileIn)
        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        return self._invoke(_A["ntfsclone_in"], (backupfile, device), {})

    def ntfsclone_out(
        self,
        device: str,
        backupfile: str,
        metadataonly: bool | None = None,
        rescue: bool | None = None,
        ignorefscheck: bool | None = None,
        preservetimestamps: bool | None = None,
        force: bool | None = None,
    ) -> None:
        """Save an NTFS filesystem to a local file in ntfsclone format.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param backupfile: a local file to write (FileOut)
        :param metadataonly: optional, a boolean
        :param rescue: optional, a boolean
        :param ignorefscheck: optional, a boolean
        :param preservetimestamps: optional, a boolean
        :param force: optional, a boolean
        """
        return self._invoke(_A["ntfsclone_out"], (device, backupfile), {
            "metadataonly": metadataonly,
            "rescue": rescue,
            "ignorefscheck": ignorefscheck,
            "preservetimestamps": preservetimestamps,
            "force": force,
        })

    def ntfsfix(self, device: str, clearbadsectors: bool | None = None) -> None:
        """Repair basic NTFS problems and reset the NTFS journal.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param clearbadsectors: optional, a boolean
        """
        return self._invoke(_A["ntfsfix"], (device,), {"clearbadsectors": clearbadsectors})

    def ntfsresize(self, device: str, size: int | None = None, force: bool | None = None) -> None:
        """Resize an NTFS filesystem to its device or to a given size.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param size: optional, a 64-bit integer
        :param force: optional, a boolean
        """
        return self._invoke(_A["ntfsresize"], (device,), {"size": size, "force": force})

    ntfsresize_opts = ntfsresize

    def ntfsresize_size(self, device: str, size: int) -> None:
        """Resize an NTFS filesystem to a given size in bytes.

        Deprecated: use :meth:`ntfsresize` instead.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param size: a 64-bit integer (Int64)
        """
        warnings.warn("use GuestFS.ntfsresize() instead of GuestFS.ntfsresize_size()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["ntfsresize_size"], (device, size), {})

    def parse_environment(self) -> None:
        """Set handle flags from the LIBGUESTFS_* environment variables."""
        return self._invoke(_A["parse_environment"], (), {})

    def parse_environment_list(self, environment: list[str]) -> None:
        """Set handle flags from a list of environment strings.

        :param environment: a list of strings (StringList)
        """
        return self._invoke(_A["parse_environment_list"], (environment,), {})

    def part_add(self, device: str, prlogex: str, startsect: int, endsect: int) -> None:
        """Add a primary, logical or extended partition between two sectors.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param prlogex: a string (String)
        :param startsect: a 64-bit integer (Int64)
        :param endsect: a 64-bit integer (Int64)
        """
        return self._invoke(_A["part_add"], (device, prlogex, startsect, endsect), {})

    def part_del(self, device: str, partnum: int) -> None:
        """Delete a numbered partition.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param partnum: an integer (Int)
        """
        return self._invoke(_A["part_del"], (device, partnum), {})

    def part_disk(self, device: str, parttype: str) -> None:
        """Write a partition table holding one partition that fills the disk.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param parttype: a string (String)
        """
        return self._invoke(_A["part_disk"], (device, parttype), {})

    def part_expand_gpt(self, device: str) -> None:
        """Move the backup GPT structures to the end of the disk.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        return self._invoke(_A["part_expand_gpt"], (device,), {})

    def part_get_bootable(self, device: str, partnum: int) -> int:
        """Tell whether a partition has the bootable flag set.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param partnum: an integer (Int)
        :returns: 1 for true, 0 for false (RBool)
        """
        return self._invoke(_A["part_get_bootable"], (device, partnum), {})

    def part_get_disk_guid(self, device: str) -> str:
        """Return the disk GUID of a GPT disk.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :returns: a string (RString)
        """
        return self._invoke(_A["part_get_disk_guid"], (device,), {})

    def part_get_gpt_attributes(self, device: str, partnum: int) -> int:
        """Return the attribute flags of a GPT partition.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param partnum: an integer (Int)
        :returns: a 64-bit integer (RInt64)
        """
        return self._invoke(_A["part_get_gpt_attributes"], (device, partnum), {})

    def part_get_gpt_guid(self, device: str, partnum: int) -> str:
        """Return the unique GUID of a GPT partition.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param partnum: an integer (Int)
        :returns: a string (RString)
        """
        return self._invoke(_A["part_get_gpt_guid"], (device, partnum), {})

    def part_get_gpt_type(self, device: str, partnum: int) -> str:
        """Return the type GUID of a GPT partition.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param partnum: an integer (Int)
        :returns: a string (RString)
        """
        return self._invoke(_A["part_get_gpt_type"], (device, partnum), {})

    def part_get_mbr_id(self, device: str, partnum: int) -> int:
        """Return the MBR type byte of a partition.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param partnum: an integer (Int)
        :returns: an integer (RInt)
        """
        return self._invoke(_A["part_get_mbr_id"], (device, partnum), {})

    def part_get_mbr_part_type(self, device: str, partnum: int) -> str:
        """Tell whether an MBR partition is primary, logical or extended.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param partnum: an integer (Int)
        :returns: a string (RString)
        """
        return self._invoke(_A["part_get_mbr_part_type"], (device, partnum), {})

    def part_get_name(self, device: str, partnum: int) -> str:
        """Return the name of a partition.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param partnum: an integer (Int)
        :returns: a string (RString)
        """
        return self._invoke(_A["part_get_name"], (device, partnum), {})

    def part_get_parttype(self, device: str) -> str:
        """Return the partition table type (msdos, gpt, ...) of a device.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :returns: a string (RString)
        """
        return self._invoke(_A["part_get_parttype"], (device,), {})

    def part_init(self, device: str, parttype: str) -> None:
        """Write a new, empty partition table of a given type.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param parttype: a string (String)
        """
        return self._invoke(_A["part_init"], (device, parttype), {})

    def part_list(self, device: str) -> list[Partition]:
        """List the partitions of a device with their start, end and size.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :returns: a list of partition structs (dicts) (RStructList)
        """
        return self._invoke(_A["part_list"], (device,), {})

    def part_resize(self, device: str, partnum: int, endsect: int) -> None:
        """Move the end sector of a partition.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param partnum: an integer (Int)
        :param endsect: a 64-bit integer (Int64)
        """
        return self._invoke(_A["part_resize"], (device, partnum, endsect), {})

    def part_set_bootable(self, device: str, partnum: int, bootable: bool) -> None:
        """Set or clear the bootable flag of a partition.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param partnum: an integer (Int)
        :param bootable: a boolean (Bool)
        """
        return self._invoke(_A["part_set_bootable"], (device, partnum, bootable), {})

    def part_set_disk_guid(self, device: str, guid: str) -> None:
        """Set the disk GUID of a GPT disk.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param guid: a GUID (8-4-4-4-12 hex digits) (GUID)
        """
        return self._invoke(_A["part_set_disk_guid"], (device, guid), {})

    def part_set_disk_guid_random(self, device: str) -> None:
        """Set the disk GUID of a GPT disk to a random value.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        return self._invoke(_A["part_set_disk_guid_random"], (device,), {})

    def part_set_gpt_attributes(self, device: str, partnum: int, attributes: int) -> None:
        """Set the attribute flags of a GPT partition.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param partnum: an integer (Int)
        :param attributes: a 64-bit integer (Int64)
        """
        return self._invoke(_A["part_set_gpt_attributes"], (device, partnum, attributes), {})

    def part_set_gpt_guid(self, device: str, partnum: int, guid: str) -> None:
        """Set the unique GUID of a GPT partition.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param partnum: an integer (Int)
        :param guid: a GUID (8-4-4-4-12 hex digits) (GUID)
        """
        return self._invoke(_A["part_set_gpt_guid"], (device, partnum, guid), {})

    def part_set_gpt_type(self, device: str, partnum: int, guid: str) -> None:
        """Set the type GUID of a GPT partition.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param partnum: an integer (Int)
        :param guid: a GUID (8-4-4-4-12 hex digits) (GUID)
        """
        return self._invoke(_A["part_set_gpt_type"], (device, partnum, guid), {})

    def part_set_mbr_id(self, device: str, partnum: int, idbyte: int) -> None:
        """Set the MBR type byte of a partition.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param partnum: an integer (Int)
        :param idbyte: an integer (Int)
        """
        return self._invoke(_A["part_set_mbr_id"], (device, partnum, idbyte), {})

    def part_set_name(self, device: str, partnum: int, name: str) -> None:
        """Set the name of a partition.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param partnum: an integer (Int)
        :param name: a string (String)
        """
        return self._invoke(_A["part_set_name"], (device, partnum, name), {})

    def part_to_dev(self, partition: str) -> str:
        """Return the whole-disk device that a partition belongs to.

        :param partition: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :returns: a device name (RString)
        """
        return self._invoke(_A["part_to_dev"], (partition,), {})

    def part_to_partnum(self, partition: str) -> int:
        """Return the partition number of a partition device.

        :param partition: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :returns: an integer (RInt)
        """
        return self._invoke(_A["part_to_partnum"], (partition,), {})

    def ping_daemon(self) -> None:
        """Check that the daemon in the appliance answers."""
        return self._invoke(_A["ping_daemon"], (), {})

    def pread(self, path: str, count: int, offset: int) -> bytes:
        """Read a number of bytes from a file at an offset.

        :param path: an absolute path in the guest (Pathname)
        :param count: an integer (Int)
        :param offset: a 64-bit integer (Int64)
        :returns: bytes (RBufferOut)
        """
        return self._invoke(_A["pread"], (path, count, offset), {})

    def pread_device(self, device: str, count: int, offset: int) -> bytes:
        """Read a number of bytes from a device at an offset.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param count: an integer (Int)
        :param offset: a 64-bit integer (Int64)
        :returns: bytes (RBufferOut)
        """
        return self._invoke(_A["pread_device"], (device, count, offset), {})

    def pvchange_uuid(self, device: str) -> None:
        """Give an LVM physical volume a new random UUID.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        return self._invoke(_A["pvchange_uuid"], (device,), {})

    def pvchange_uuid_all(self) -> None:
        """Give every LVM physical volume a new random UUID."""
        return self._invoke(_A["pvchange_uuid_all"], (), {})

    def pvcreate(self, device: str) -> None:
        """Make a device into an LVM physical volume.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        return self._invoke(_A["pvcreate"], (device,), {})

    def pvremove(self, device: str) -> None:
        """Wipe the LVM physical volume label from a device.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        return self._invoke(_A["pvremove"], (device,), {})

    def pvresize(self, device: str) -> None:
        """Resize an LVM physical volume to fill its device.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        return self._invoke(_A["pvresize"], (device,), {})

    def pvresize_size(self, device: str, size: int) -> None:
        """Resize an LVM physical volume to a given size in bytes.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param size: a 64-bit integer (Int64)
        """
        return self._invoke(_A["pvresize_size"], (device, size), {})

    def pvs(self) -> list[str]:
        """List the devices holding LVM physical volumes.

        :returns: a list of device names (RStringList)
        """
        return self._invoke(_A["pvs"], (), {})

    def pvs_full(self) -> list[PV]:
        """List the LVM physical volumes with all their fields.

        :returns: a list of lvm_pv structs (dicts) (RStructList)
        """
        return self._invoke(_A["pvs_full"], (), {})

    def pvuuid(self, device: str) -> str:
        """Return the UUID of an LVM physical volume.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :returns: a string (RString)
        """
        return self._invoke(_A["pvuuid"], (device,), {})

    def pwrite(self, path: str, content: bytes, offset: int) -> int:
        """Write a buffer into a file at an offset and return the bytes written.

        :param path: an absolute path in the guest (Pathname)
        :param content: bytes (BufferIn)
        :param offset: a 64-bit integer (Int64)
        :returns: an integer (RInt)
        """
        return self._invoke(_A["pwrite"], (path, content, offset), {})

    def pwrite_device(self, device: str, content: bytes, offset: int) -> int:
        """Write a buffer onto a device at an offset and return the bytes written.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param content: bytes (BufferIn)
        :param offset: a 64-bit integer (Int64)
        :returns: an integer (RInt)
        """
        return self._invoke(_A["pwrite_device"], (device, content, offset), {})

    def read_file(self, path: str) -> bytes:
        """Return the whole contents of a file as bytes.

        :param path: an absolute path in the guest (Pathname)
        :returns: bytes (RBufferOut)
        """
        return self._invoke(_A["read_file"], (path,), {})

    def read_lines(self, path: str) -> list[str]:
        """Return the lines of a text file without their line endings.

        :param path: an absolute path in the guest (Pathname)
        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["read_lines"], (path,), {})

    def readdir(self, dir: str) -> list[Dirent]:
        """List every entry of a directory with its type and inode number.

        :param dir: an absolute path in the guest (Pathname)
        :returns: a list of dirent structs (dicts) (RStructList)
        """
        return self._invoke(_A["readdir"], (dir,), {})

    def readlink(self, path: str) -> str:
        """Return the target of a symbolic link.

        :param path: an absolute path in the guest (Pathname)
        :returns: a string (RString)
        """
        return self._invoke(_A["readlink"], (path,), {})

    def readlinklist(self, path: str, names: list[str]) -> list[str]:
        """Return the symlink targets of several names in one directory.

        :param path: an absolute path in the guest (Pathname)
        :param names: a list of names relative to the directory argument (FilenameList)
        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["readlinklist"], (path, names), {})

    def realpath(self, path: str) -> str:
        """Return the absolute path with symlinks and dot elements resolved.

        :param path: an absolute path in the guest (Pathname)
        :returns: a string (RString)
        """
        return self._invoke(_A["realpath"], (path,), {})

    def remount(self, mountpoint: str, rw: bool | None = None) -> None:
        """Switch a mounted filesystem between read-only and read-write.

        :param mountpoint: an absolute path in the guest (Pathname)
        :param rw: optional, a boolean
        """
        return self._invoke(_A["remount"], (mountpoint,), {"rw": rw})

    def remove_drive(self, label: str) -> None:
        """Remove a drive added with a label, before launch.

        Deprecated.

        :param label: a string (String)
        """
        return self._invoke(_A["remove_drive"], (label,), {})

    def removexattr(self, xattr: str, path: str) -> None:
        """Remove an extended attribute from a path, following symlinks.

        :param xattr: a string (String)
        :param path: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["removexattr"], (xattr, path), {})

    def rename(self, oldpath: str, newpath: str) -> None:
        """Rename a path within one filesystem, like rename(2).

        :param oldpath: an absolute path in the guest (Pathname)
        :param newpath: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["rename"], (oldpath, newpath), {})

    def resize2fs(self, device: str) -> None:
        """Resize an ext2/3/4 filesystem to fill its device.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        return self._invoke(_A["resize2fs"], (device,), {})

    def resize2fs_M(self, device: str) -> None:
        """Shrink an ext2/3/4 filesystem to its smallest possible size.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        return self._invoke(_A["resize2fs_M"], (device,), {})

    def resize2fs_size(self, device: str, size: int) -> None:
        """Resize an ext2/3/4 filesystem to a given size in bytes.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param size: a 64-bit integer (Int64)
        """
        return self._invoke(_A["resize2fs_size"], (device, size), {})

    def rm(self, path: str) -> None:
        """Delete a single file.

        :param path: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["rm"], (path,), {})

    def rm_f(self, path: str) -> None:
        """Delete a file, ignoring the error if it does not exist.

        :param path: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["rm_f"], (path,), {})

    def rm_rf(self, path: str) -> None:
        """Delete a file or directory tree recursively, like rm -rf.

        :param path: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["rm_rf"], (path,), {})

    def rmdir(self, path: str) -> None:
        """Delete an empty directory.

        :param path: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["rmdir"], (path,), {})

    def rmmountpoint(self, exemptpath: str) -> None:
        """Remove a mountpoint made with mkmountpoint.

        :param exemptpath: a string (String)
        """
        return self._invoke(_A["rmmountpoint"], (exemptpath,), {})

    def rsync(self, src: str, dest: str, archive: bool | None = None, deletedest: bool | None = None) -> None:
        """Synchronize two guest directories with rsync.

        :param src: an absolute path in the guest (Pathname)
        :param dest: an absolute path in the guest (Pathname)
        :param archive: optional, a boolean
        :param deletedest: optional, a boolean
        """
        return self._invoke(_A["rsync"], (src, dest), {"archive": archive, "deletedest": deletedest})

    def rsync_in(
        self,
        remote: str,
        dest: str,
        archive: bool | None = None,
        deletedest: bool | None = None,
    ) -> None:
        """Synchronize a guest directory from a remote rsync server.

        :param remote: a string (String)
        :param dest: an absolute path in the guest (Pathname)
        :param archive: optional, a boolean
        :param deletedest: optional, a boolean
        """
        return self._invoke(_A["rsync_in"], (remote, dest), {"archive": archive, "deletedest": deletedest})

    def rsync_out(
        self,
        src: str,
        remote: str,
        archive: bool | None = None,
        deletedest: bool | None = None,
    ) -> None:
        """Synchronize a guest directory to a remote rsync server.

        :param src: an absolute path in the guest (Pathname)
        :param remote: a string (String)
        :param archive: optional, a boolean
        :param deletedest: optional, a boolean
        """
        return self._invoke(_A["rsync_out"], (src, remote), {"archive": archive, "deletedest": deletedest})

    def scrub_device(self, device: str) -> None:
        """Overwrite a device with patterns to make its data hard to recover.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        return self._invoke(_A["scrub_device"], (device,), {})

    def scrub_file(self, file: str) -> None:
        """Overwrite a file with patterns, then delete it.

        :param file: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["scrub_file"], (file,), {})

    def scrub_freespace(self, dir: str) -> None:
        """Fill the free space of a filesystem with files and scrub them.

        :param dir: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["scrub_freespace"], (dir,), {})

    def selinux_relabel(self, specfile: str, path: str, force: bool | None = None) -> None:
        """Relabel guest files with SELinux contexts from a spec file.

        Deprecated: use :meth:`setfiles` instead.

        :param specfile: a string (String)
        :param path: an absolute path in the guest (Pathname)
        :param force: optional, a boolean
        """
        warnings.warn("use GuestFS.setfiles() instead of GuestFS.selinux_relabel()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["selinux_relabel"], (specfile, path), {"force": force})

    def set_append(self, append: str | None) -> None:
        """Set extra options for the appliance kernel command line.

        :param append: a string, or None (OptString)
        """
        return self._invoke(_A["set_append"], (append,), {})

    def set_attach_method(self, backend: str) -> None:
        """Choose the backend the handle will use.

        Deprecated: use :meth:`set_backend` instead.

        :param backend: a string (String)
        """
        warnings.warn("use GuestFS.set_backend() instead of GuestFS.set_attach_method()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["set_attach_method"], (backend,), {})

    def set_autosync(self, autosync: bool) -> None:
        """Turn autosync of filesystems on handle close on or off.

        :param autosync: a boolean (Bool)
        """
        return self._invoke(_A["set_autosync"], (autosync,), {})

    def set_backend(self, backend: str) -> None:
        """Choose the backend the handle will use.

        :param backend: a string (String)
        """
        return self._invoke(_A["set_backend"], (backend,), {})

    def set_backend_setting(self, name: str, val: str) -> None:
        """Add or replace one backend setting.

        :param name: a string (String)
        :param val: a string (String)
        """
        return self._invoke(_A["set_backend_setting"], (name, val), {})

    def set_backend_settings(self, settings: list[str]) -> None:
        """Replace every backend setting.

        :param settings: a list of strings (StringList)
        """
        return self._invoke(_A["set_backend_settings"], (settings,), {})

    def set_cachedir(self, cachedir: str | None) -> None:
        """Set the directory where the appliance cache is kept.

        :param cachedir: a string, or None (OptString)
        """
        return self._invoke(_A["set_cachedir"], (cachedir,), {})

    def set_direct(self, direct: bool) -> None:
        """Turn direct appliance mode, passing stdio through, on or off.

        Deprecated: use :meth:`internal_get_console_socket` instead.

        :param direct: a boolean (Bool)
        """
        warnings.warn("use GuestFS.internal_get_console_socket() instead of GuestFS.set_direct()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["set_direct"], (direct,), {})

    def set_e2attrs(self, file: str, attrs: str, clear: bool | None = None) -> None:
        """Set or clear ext2-style inode attribute flags of a file.

        :param file: an absolute path in the guest (Pathname)
        :param attrs: a string (String)
        :param clear: optional, a boolean
        """
        return self._invoke(_A["set_e2attrs"], (file, attrs), {"clear": clear})

    def set_e2generation(self, file: str, generation: int) -> None:
        """Set the ext2 generation number of a file.

        :param file: an absolute path in the guest (Pathname)
        :param generation: a 64-bit integer (Int64)
        """
        return self._invoke(_A["set_e2generation"], (file, generation), {})

    def set_e2label(self, device: str, label: str) -> None:
        """Set the label of an ext2/3/4 filesystem.

        Deprecated: use :meth:`set_label` instead.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param label: a string (String)
        """
        warnings.warn("use GuestFS.set_label() instead of GuestFS.set_e2label()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["set_e2label"], (device, label), {})

    def set_e2uuid(self, device: str, uuid: str) -> None:
        """Set the UUID of an ext2/3/4 filesystem.

        Deprecated: use :meth:`set_uuid` instead.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param uuid: a string (String)
        """
        warnings.warn("use GuestFS.set_uuid() instead of GuestFS.set_e2uuid()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["set_e2uuid"], (device, uuid), {})

    def set_hv(self, hv: str) -> None:
        """Choose the hypervisor binary the handle will use.

        :param hv: a string (String)
        """
        return self._invoke(_A["set_hv"], (hv,), {})

    def set_identifier(self, identifier: str) -> None:
        """Set the handle identifier shown in trace and debug messages.

        :param identifier: a string (String)
        """
        return self._invoke(_A["set_identifier"], (identifier,), {})

    def set_label(self, mountable: str, label: str) -> None:
        """Set the label of a filesystem.

        :param mountable: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :param label: a string (String)
        """
        return self._invoke(_A["set_label"], (mountable, label), {})

    def set_libvirt_requested_credential(self, index: int, cred: bytes) -> None:
        """Give libvirt the answer for one requested credential.

        :param index: an integer (Int)
        :param cred: bytes (BufferIn)
        """
        return self._invoke(_A["set_libvirt_requested_credential"], (index, cred), {})

    def set_libvirt_supported_credentials(self, creds: list[str]) -> None:
        """Declare the libvirt credential types the program can supply.

        :param creds: a list of strings (StringList)
        """
        return self._invoke(_A["set_libvirt_supported_credentials"], (creds,), {})

    def set_memsize(self, memsize: int) -> None:
        """Set the appliance memory size in megabytes.

        :param memsize: an integer (Int)
        """
        return self._invoke(_A["set_memsize"], (memsize,), {})

    def set_network(self, network: bool) -> None:
        """Turn appliance networking on or off.

        :param network: a boolean (Bool)
        """
        return self._invoke(_A["set_network"], (network,), {})

    def set_path(self, searchpath: str | None) -> None:
        """Set the search path for the appliance kernel and initrd.

        :param searchpath: a string, or None (OptString)
        """
        return self._invoke(_A["set_path"], (searchpath,), {})

    def set_pgroup(self, pgroup: bool) -> None:
        """Choose whether child processes get their own process group.

        :param pgroup: a boolean (Bool)
        """
        return self._invoke(_A["set_pgroup"], (pgroup,), {})

    def set_program(self, program: str) -> None:
        """Set the program name stored in the handle.

        :param program: a string (String)
        """
        return self._invoke(_A["set_program"], (program,), {})

    def set_qemu(self, hv: str | None) -> None:
        """Choose the hypervisor binary the handle will use.

        Deprecated: use :meth:`set_hv` instead.

        :param hv: a string, or None (OptString)
        """
        warnings.warn("use GuestFS.set_hv() instead of GuestFS.set_qemu()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["set_qemu"], (hv,), {})

    def set_recovery_proc(self, recoveryproc: bool) -> None:
        """Choose whether a recovery process is started at launch.

        :param recoveryproc: a boolean (Bool)
        """
        return self._invoke(_A["set_recovery_proc"], (recoveryproc,), {})

    def set_selinux(self, selinux: bool) -> None:
        """Choose whether SELinux is enabled for the appliance at boot.

        Deprecated: use :meth:`setfiles` instead.

        :param selinux: a boolean (Bool)
        """
        warnings.warn("use GuestFS.setfiles() instead of GuestFS.set_selinux()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["set_selinux"], (selinux,), {})

    def set_smp(self, smp: int) -> None:
        """Set the number of virtual CPUs of the appliance.

        :param smp: an integer (Int)
        """
        return self._invoke(_A["set_smp"], (smp,), {})

    def set_tmpdir(self, tmpdir: str | None) -> None:
        """Set the directory where temporary files are made.

        :param tmpdir: a string, or None (OptString)
        """
        return self._invoke(_A["set_tmpdir"], (tmpdir,), {})

    def set_trace(self, trace: bool) -> None:
        """Turn call tracing on or off.

        :param trace: a boolean (Bool)
        """
        return self._invoke(_A["set_trace"], (trace,), {})

    def set_uuid(self, device: str, uuid: str) -> None:
        """Set the UUID of a filesystem.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param uuid: a string (String)
        """
        return self._invoke(_A["set_uuid"], (device, uuid), {})

    def set_uuid_random(self, device: str) -> None:
        """Set the UUID of a filesystem to a random value.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        return self._invoke(_A["set_uuid_random"], (device,), {})

    def set_verbose(self, verbose: bool) -> None:
        """Turn verbose messages on or off.

        :param verbose: a boolean (Bool)
        """
        return self._invoke(_A["set_verbose"], (verbose,), {})

    def setcon(self, context: str) -> None:
        """Set the SELinux security context of the daemon.

        Deprecated: use :meth:`setfiles` instead.

        :param context: a string (String)
        """
        warnings.warn("use GuestFS.setfiles() instead of GuestFS.setcon()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["setcon"], (context,), {})

    def setfiles(
        self,
        specfile: str,
        paths: list[str],
        force: bool | None = None,
        excludes: list[str] | None = None,
    ) -> None:
        """Relabel guest paths with SELinux file contexts from a spec file.

        :param specfile: a string (String)
        :param paths: a list of absolute guest paths (PathnameList)
        :param force: optional, a boolean
        :param excludes: optional, a list of strings
        """
        return self._invoke(_A["setfiles"], (specfile, paths), {"force": force, "excludes": excludes})

    def setxattr(self, xattr: str, val: str, vallen: int, path: str) -> None:
        """Set an extended attribute on a path, following symlinks.

        :param xattr: a string (String)
        :param val: a string (String)
        :param vallen: an integer (Int)
        :param path: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["setxattr"], (xattr, val, vallen, path), {})

    def sfdisk(self, device: str, cyls: int, heads: int, sectors: int, lines: list[str]) -> None:
        """Partition a device by passing lines of input to sfdisk.

        Deprecated: use :meth:`part_add` instead.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param cyls: an integer (Int)
        :param heads: an integer (Int)
        :param sectors: an integer (Int)
        :param lines: a list of strings (StringList)
        """
        warnings.warn("use GuestFS.part_add() instead of GuestFS.sfdisk()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["sfdisk"], (device, cyls, heads, sectors, lines), {})

    def sfdiskM(self, device: str, lines: list[str]) -> None:
        """Partition a device with sfdisk using sizes in megabytes.

        Deprecated: use :meth:`part_add` instead.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param lines: a list of strings (StringList)
        """
        warnings.warn("use GuestFS.part_add() instead of GuestFS.sfdiskM()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["sfdiskM"], (device, lines), {})

    def sfdisk_N(self, device: str, partnum: int, cyls: int, heads: int, sectors: int, line: str) -> None:
        """Change one partition of a device with sfdisk.

        Deprecated: use :meth:`part_add` instead.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param partnum: an integer (Int)
        :param cyls: an integer (Int)
        :param heads: an integer (Int)
        :param sectors: an integer (Int)
        :param line: a string (String)
        """
        warnings.warn("use GuestFS.part_add() instead of GuestFS.sfdisk_N()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["sfdisk_N"], (device, partnum, cyls, heads, sectors, line), {})

    def sfdisk_disk_geometry(self, device: str) -> str:
        """Return the disk geometry recorded in a partition table.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :returns: a string (RString)
        """
        return self._invoke(_A["sfdisk_disk_geometry"], (device,), {})

    def sfdisk_kernel_geometry(self, device: str) -> str:
        """Return the kernel's idea of a device's geometry.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :returns: a string (RString)
        """
        return self._invoke(_A["sfdisk_kernel_geometry"], (device,), {})

    def sfdisk_l(self, device: str) -> str:
        """Return the sfdisk listing of a device's partition table.

        Deprecated: use :meth:`part_list` instead.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :returns: a device name (RString)
        """
        warnings.warn("use GuestFS.part_list() instead of GuestFS.sfdisk_l()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["sfdisk_l"], (device,), {})

    def sh(self, command: str) -> str:
        """Run a command through the guest /bin/sh and return its output.

        :param command: a string (String)
        :returns: a string (RString)
        """
        return self._invoke(_A["sh"], (command,), {})

    def sh_lines(self, command: str) -> list[str]:
        """Run a command through the guest /bin/sh and return its output lines.

        :param command: a string (String)
        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["sh_lines"], (command,), {})

    def sh_out(self, command: str, output: str) -> None:
        """Run a command through the guest /bin/sh, sending its stdout to a local file.

        :param command: a string (String)
        :param output: a local file to write (FileOut)
        """
        return self._invoke(_A["sh_out"], (command, output), {})

    def shutdown(self) -> None:
        """Shut the appliance down cleanly, syncing first if autosync is on."""
        return self._invoke(_A["shutdown"], (), {})

    def sleep(self, secs: int) -> None:
        """Wait a number of seconds.

        :param secs: an integer (Int)
        """
        return self._invoke(_A["sleep"], (secs,), {})

    def stat(self, path: str) -> Stat:
        """Return stat information about a path.

        Deprecated: use :meth:`statns` instead.

        :param path: an absolute path in the guest (Pathname)
        :returns: a stat struct (dicts) (RStruct)
        """
        warnings.warn("use GuestFS.statns() instead of GuestFS.stat()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["stat"], (path,), {})

    def statns(self, path: str) -> StatNS:
        """Return stat information about a path with nanosecond timestamps.

        :param path: an absolute path in the guest (Pathname)
        :returns: a statns struct (dicts) (RStruct)
        """
        return self._invoke(_A["statns"], (path,), {})

    def statvfs(self, path: str) -> StatVFS:
        """Return statistics of the filesystem holding a path.

        :param path: an absolute path in the guest (Pathname)
        :returns: a statvfs struct (dicts) (RStruct)
        """
        return self._invoke(_A["statvfs"], (path,), {})

    def strings(self, path: str) -> list[str]:
        """Return the printable strings found in a file.

        :param path: an absolute path in the guest (Pathname)
        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["strings"], (path,), {})

    def strings_e(self, encoding: str, path: str) -> list[str]:
        """Return the printable strings of a file in a chosen encoding.

        :param encoding: a string (String)
        :param path: an absolute path in the guest (Pathname)
        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["strings_e"], (encoding, path), {})

    def swapoff_device(self, device: str) -> None:
        """Stop swapping to a device.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        return self._invoke(_A["swapoff_device"], (device,), {})

    def swapoff_file(self, file: str) -> None:
        """Stop swapping to a file.

        :param file: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["swapoff_file"], (file,), {})

    def swapoff_label(self, label: str) -> None:
        """Stop swapping to the swap partition with a label.

        :param label: a string (String)
        """
        return self._invoke(_A["swapoff_label"], (label,), {})

    def swapoff_uuid(self, uuid: str) -> None:
        """Stop swapping to the swap partition with a UUID.

        :param uuid: a string (String)
        """
        return self._invoke(_A["swapoff_uuid"], (uuid,), {})

    def swapon_device(self, device: str) -> None:
        """Start swapping to a device.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        return self._invoke(_A["swapon_device"], (device,), {})

    def swapon_file(self, file: str) -> None:
        """Start swapping to a file.

        :param file: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["swapon_file"], (file,), {})

    def swapon_label(self, label: str) -> None:
        """Start swapping to the swap partition with a label.

        :param label: a string (String)
        """
        return self._invoke(_A["swapon_label"], (label,), {})

    def swapon_uuid(self, uuid: str) -> None:
        """Start swapping to the swap partition with a UUID.

        :param uuid: a string (String)
        """
        return self._invoke(_A["swapon_uuid"], (uuid,), {})

    def sync(self) -> None:
        """Flush all pending writes to the disks."""
        return self._invoke(_A["sync"], (), {})

    def syslinux(self, device: str, directory: str | None = None) -> None:
        """Install the SYSLINUX bootloader on a FAT-formatted device.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param directory: optional, a string
        """
        return self._invoke(_A["syslinux"], (device,), {"directory": directory})

    def tail(self, path: str) -> list[str]:
        """Return up to the last ten lines of a file.

        :param path: an absolute path in the guest (Pathname)
        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["tail"], (path,), {})

    def tail_n(self, nrlines: int, path: str) -> list[str]:
        """Return the last N lines of a file, or all lines from line -N on.

        :param nrlines: an integer (Int)
        :param path: an absolute path in the guest (Pathname)
        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["tail_n"], (nrlines, path), {})

    def tar_in(
        self,
        tarfile: str,
        directory: str,
        compress: str | None = None,
        xattrs: bool | None = None,
        selinux: bool | None = None,
        acls: bool | None = None,
        keepdirlink: bool | None = None,
    ) -> None:
        """Unpack a local tar file into a guest directory.

        :param tarfile: a local file to read (FileIn)
        :param directory: an absolute path in the guest (Pathname)
        :param compress: optional, a string
        :param xattrs: optional, a boolean
        :param selinux: optional, a boolean
        :param acls: optional, a boolean
        :param keepdirlink: optional, a boolean
        """
        return self._invoke(_A["tar_in"], (tarfile, directory), {
            "compress": compress,
            "xattrs": xattrs,
            "selinux": selinux,
            "acls": acls,
            "keepdirlink": keepdirlink,
        })

    tar_in_opts = tar_in

    def tar_out(
        self,
        directory: str,
        tarfile: str,
        compress: str | None = None,
        numericowner: bool | None = None,
        excludes: list[str] | None = None,
        xattrs: bool | None = None,
        selinux: bool | None = None,
        acls: bool | None = None,
    ) -> None:
        """Pack a guest directory into a local tar file.

        :param directory: a string (String)
        :param tarfile: a local file to write (FileOut)
        :param compress: optional, a string
        :param numericowner: optional, a boolean
        :param excludes: optional, a list of strings
        :param xattrs: optional, a boolean
        :param selinux: optional, a boolean
        :param acls: optional, a boolean
        """
        return self._invoke(_A["tar_out"], (directory, tarfile), {
            "compress": compress,
            "numericowner": numericowner,
            "excludes": excludes,
            "xattrs": xattrs,
            "selinux": selinux,
            "acls": acls,
        })

    tar_out_opts = tar_out

    def tgz_in(self, tarball: str, directory: str) -> None:
        """Unpack a local gzip-compressed tar file into a guest directory.

        Deprecated: use :meth:`tar_in` instead.

        :param tarball: a local file to read (FileIn)
        :param directory: an absolute path in the guest (Pathname)
        """
        warnings.warn("use GuestFS.tar_in() instead of GuestFS.tgz_in()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["tgz_in"], (tarball, directory), {})

    def tgz_out(self, directory: str, tarball: str) -> None:
        """Pack a guest directory into a local gzip-compressed tar file.

        Deprecated: use :meth:`tar_out` instead.

        :param directory: an absolute path in the guest (Pathname)
        :param tarball: a local file to write (FileOut)
        """
        warnings.warn("use GuestFS.tar_out() instead of GuestFS.tgz_out()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["tgz_out"], (directory, tarball), {})

    def touch(self, path: str) -> None:
        """Update the timestamps of a file, creating it empty if it is missing.

        :param path: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["touch"], (path,), {})

    def truncate(self, path: str) -> None:
        """Cut an existing file down to zero length.

        :param path: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["truncate"], (path,), {})

    def truncate_size(self, path: str, size: int) -> None:
        """Shrink or extend an existing file to a given size.

        :param path: an absolute path in the guest (Pathname)
        :param size: a 64-bit integer (Int64)
        """
        return self._invoke(_A["truncate_size"], (path, size), {})

    def tune2fs(
        self,
        device: str,
        force: bool | None = None,
        maxmountcount: int | None = None,
        mountcount: int | None = None,
        errorbehavior: str | None = None,
        group: int | None = None,
        intervalbetweenchecks: int | None = None,
        reservedblockspercentage: int | None = None,
        lastmounteddirectory: str | None = None,
        reservedblockscount: int | None = None,
        user: int | None = None,
    ) -> None:
        """Adjust the tunable settings of an ext2/3/4 filesystem.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param force: optional, a boolean
        :param maxmountcount: optional, an integer
        :param mountcount: optional, an integer
        :param errorbehavior: optional, a string
        :param group: optional, a 64-bit integer
        :param intervalbetweenchecks: optional, an integer
        :param reservedblockspercentage: optional, an integer
        :param lastmounteddirectory: optional, a string
        :param reservedblockscount: optional, a 64-bit integer
        :param user: optional, a 64-bit integer
        """
        return self._invoke(_A["tune2fs"], (device,), {
            "force": force,
            "maxmountcount": maxmountcount,
            "mountcount": mountcount,
            "errorbehavior": errorbehavior,
            "group": group,
            "intervalbetweenchecks": intervalbetweenchecks,
            "reservedblockspercentage": reservedblockspercentage,
            "lastmounteddirectory": lastmounteddirectory,
            "reservedblockscount": reservedblockscount,
            "user": user,
        })

    def tune2fs_l(self, device: str) -> dict[str, str] | list[tuple[str, str]]:
        """Return the superblock fields of an ext2/3/4 filesystem.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :returns: pairs of strings (a dict when the handle has python_return_dict) (RHashtable)
        """
        return self._invoke(_A["tune2fs_l"], (device,), {})

    def txz_in(self, tarball: str, directory: str) -> None:
        """Unpack a local xz-compressed tar file into a guest directory.

        Deprecated: use :meth:`tar_in` instead.

        :param tarball: a local file to read (FileIn)
        :param directory: an absolute path in the guest (Pathname)
        """
        warnings.warn("use GuestFS.tar_in() instead of GuestFS.txz_in()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["txz_in"], (tarball, directory), {})

    def txz_out(self, directory: str, tarball: str) -> None:
        """Pack a guest directory into a local xz-compressed tar file.

        Deprecated: use :meth:`tar_out` instead.

        :param directory: an absolute path in the guest (Pathname)
        :param tarball: a local file to write (FileOut)
        """
        warnings.warn("use GuestFS.tar_out() instead of GuestFS.txz_out()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["txz_out"], (directory, tarball), {})

    def umask(self, mask: int) -> int:
        """Set the umask for new files and return the previous one.

        :param mask: an integer (Int)
        :returns: an integer (RInt)
        """
        return self._invoke(_A["umask"], (mask,), {})

    def umount(self, pathordevice: str, force: bool | None = None, lazyunmount: bool | None = None) -> None:
        """Unmount a filesystem given its mountpoint or device.

        :param pathordevice: a device name or an absolute path in the guest (Dev_or_Path)
        :param force: optional, a boolean
        :param lazyunmount: optional, a boolean
        """
        return self._invoke(_A["umount"], (pathordevice,), {"force": force, "lazyunmount": lazyunmount})

    umount_opts = umount

    def umount_all(self) -> None:
        """Unmount every mounted filesystem."""
        return self._invoke(_A["umount_all"], (), {})

    def umount_local(self, retry: bool | None = None) -> None:
        """Unmount the local FUSE mount of the guest filesystems.

        :param retry: optional, a boolean
        """
        return self._invoke(_A["umount_local"], (), {"retry": retry})

    def upload(self, filename: str, remotefilename: str) -> None:
        """Copy a local file onto a guest file or device.

        :param filename: a local file to read (FileIn)
        :param remotefilename: a device name or an absolute path in the guest (Dev_or_Path)
        """
        return self._invoke(_A["upload"], (filename, remotefilename), {})

    def upload_offset(self, filename: str, remotefilename: str, offset: int) -> None:
        """Copy a local file into a guest file or device at an offset.

        :param filename: a local file to read (FileIn)
        :param remotefilename: a device name or an absolute path in the guest (Dev_or_Path)
        :param offset: a 64-bit integer (Int64)
        """
        return self._invoke(_A["upload_offset"], (filename, remotefilename, offset), {})

    def user_cancel(self) -> None:
        """Cancel the upload or download in progress; safe from signal handlers."""
        return self._invoke(_A["user_cancel"], (), {})

    def utimens(self, path: str, atsecs: int, atnsecs: int, mtsecs: int, mtnsecs: int) -> None:
        """Set the access and modification times of a file in nanoseconds.

        :param path: an absolute path in the guest (Pathname)
        :param atsecs: a 64-bit integer (Int64)
        :param atnsecs: a 64-bit integer (Int64)
        :param mtsecs: a 64-bit integer (Int64)
        :param mtnsecs: a 64-bit integer (Int64)
        """
        return self._invoke(_A["utimens"], (path, atsecs, atnsecs, mtsecs, mtnsecs), {})

    def utsname(self) -> UTSName:
        """Return the appliance kernel name, release, version and machine.

        :returns: a utsname struct (dicts) (RStruct)
        """
        return self._invoke(_A["utsname"], (), {})

    def version(self) -> Version:
        """Return the version of the libguestfs library in use.

        :returns: a version struct (dicts) (RStruct)
        """
        return self._invoke(_A["version"], (), {})

    def vfs_label(self, mountable: str) -> str:
        """Return the label of a filesystem.

        :param mountable: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: a string (RString)
        """
        return self._invoke(_A["vfs_label"], (mountable,), {})

    def vfs_minimum_size(self, mountable: str) -> int:
        """Return the smallest size a filesystem could be shrunk to, in bytes.

        :param mountable: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: a 64-bit integer (RInt64)
        """
        return self._invoke(_A["vfs_minimum_size"], (mountable,), {})

    def vfs_type(self, mountable: str) -> str:
        """Return the type of a filesystem.

        :param mountable: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: a string (RString)
        """
        return self._invoke(_A["vfs_type"], (mountable,), {})

    def vfs_uuid(self, mountable: str) -> str:
        """Return the UUID of a filesystem.

        :param mountable: a device name, or btrfsvol:DEVICE/SUBVOLUME (Mountable)
        :returns: a string (RString)
        """
        return self._invoke(_A["vfs_uuid"], (mountable,), {})

    def vg_activate(self, activate: bool, volgroups: list[str]) -> None:
        """Activate or deactivate the logical volumes of the listed volume groups.

        :param activate: a boolean (Bool)
        :param volgroups: a list of strings (StringList)
        """
        return self._invoke(_A["vg_activate"], (activate, volgroups), {})

    def vg_activate_all(self, activate: bool) -> None:
        """Activate or deactivate every LVM logical volume.

        :param activate: a boolean (Bool)
        """
        return self._invoke(_A["vg_activate_all"], (activate,), {})

    def vgchange_uuid(self, vg: str) -> None:
        """Give an LVM volume group a new random UUID.

        :param vg: a string (String)
        """
        return self._invoke(_A["vgchange_uuid"], (vg,), {})

    def vgchange_uuid_all(self) -> None:
        """Give every LVM volume group a new random UUID."""
        return self._invoke(_A["vgchange_uuid_all"], (), {})

    def vgcreate(self, volgroup: str, physvols: list[str]) -> None:
        """Create an LVM volume group from physical volumes.

        :param volgroup: a string (String)
        :param physvols: a list of device names (DeviceList)
        """
        return self._invoke(_A["vgcreate"], (volgroup, physvols), {})

    def vglvuuids(self, vgname: str) -> list[str]:
        """Return the UUIDs of the logical volumes in a volume group.

        :param vgname: a string (String)
        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["vglvuuids"], (vgname,), {})

    def vgmeta(self, vgname: str) -> bytes:
        """Return the raw LVM metadata of a volume group.

        :param vgname: a string (String)
        :returns: bytes (RBufferOut)
        """
        return self._invoke(_A["vgmeta"], (vgname,), {})

    def vgpvuuids(self, vgname: str) -> list[str]:
        """Return the UUIDs of the physical volumes of a volume group.

        :param vgname: a string (String)
        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["vgpvuuids"], (vgname,), {})

    def vgremove(self, vgname: str) -> None:
        """Remove an LVM volume group and any logical volumes in it.

        :param vgname: a string (String)
        """
        return self._invoke(_A["vgremove"], (vgname,), {})

    def vgrename(self, volgroup: str, newvolgroup: str) -> None:
        """Rename an LVM volume group.

        :param volgroup: a string (String)
        :param newvolgroup: a string (String)
        """
        return self._invoke(_A["vgrename"], (volgroup, newvolgroup), {})

    def vgs(self) -> list[str]:
        """List the names of the LVM volume groups.

        :returns: a list of strings (RStringList)
        """
        return self._invoke(_A["vgs"], (), {})

    def vgs_full(self) -> list[VG]:
        """List the LVM volume groups with all their fields.

        :returns: a list of lvm_vg structs (dicts) (RStructList)
        """
        return self._invoke(_A["vgs_full"], (), {})

    def vgscan(self) -> None:
        """Rescan the block devices for LVM volumes.

        Deprecated: use :meth:`lvm_scan` instead.
        """
        warnings.warn("use GuestFS.lvm_scan() instead of GuestFS.vgscan()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["vgscan"], (), {})

    def vguuid(self, vgname: str) -> str:
        """Return the UUID of an LVM volume group.

        :param vgname: a string (String)
        :returns: a string (RString)
        """
        return self._invoke(_A["vguuid"], (vgname,), {})

    def wait_ready(self) -> None:
        """Do nothing; launching now waits by itself.

        Deprecated.
        """
        return self._invoke(_A["wait_ready"], (), {})

    def wc_c(self, path: str) -> int:
        """Count the bytes in a file.

        :param path: an absolute path in the guest (Pathname)
        :returns: an integer (RInt)
        """
        return self._invoke(_A["wc_c"], (path,), {})

    def wc_l(self, path: str) -> int:
        """Count the lines in a file.

        :param path: an absolute path in the guest (Pathname)
        :returns: an integer (RInt)
        """
        return self._invoke(_A["wc_l"], (path,), {})

    def wc_w(self, path: str) -> int:
        """Count the words in a file.

        :param path: an absolute path in the guest (Pathname)
        :returns: an integer (RInt)
        """
        return self._invoke(_A["wc_w"], (path,), {})

    def wipefs(self, device: str) -> None:
        """Erase filesystem and RAID signatures from a device.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        return self._invoke(_A["wipefs"], (device,), {})

    def write(self, path: str, content: bytes) -> None:
        """Create or overwrite a file with the given bytes.

        :param path: an absolute path in the guest (Pathname)
        :param content: bytes (BufferIn)
        """
        return self._invoke(_A["write"], (path, content), {})

    def write_append(self, path: str, content: bytes) -> None:
        """Append bytes to a file, creating it if needed.

        :param path: an absolute path in the guest (Pathname)
        :param content: bytes (BufferIn)
        """
        return self._invoke(_A["write_append"], (path, content), {})

    def write_file(self, path: str, content: str, size: int) -> None:
        """Create or overwrite a file with a string of a given size.

        Deprecated: use :meth:`write` instead.

        :param path: an absolute path in the guest (Pathname)
        :param content: a string (String)
        :param size: an integer (Int)
        """
        warnings.warn("use GuestFS.write() instead of GuestFS.write_file()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["write_file"], (path, content, size), {})

    def xfs_admin(
        self,
        device: str,
        extunwritten: bool | None = None,
        imgfile: bool | None = None,
        v2log: bool | None = None,
        projid32bit: bool | None = None,
        lazycounter: bool | None = None,
        label: str | None = None,
        uuid: str | None = None,
    ) -> None:
        """Change the settings, label or UUID of an unmounted XFS filesystem.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        :param extunwritten: optional, a boolean
        :param imgfile: optional, a boolean
        :param v2log: optional, a boolean
        :param projid32bit: optional, a boolean
        :param lazycounter: optional, a boolean
        :param label: optional, a string
        :param uuid: optional, a string
        """
        return self._invoke(_A["xfs_admin"], (device,), {
            "extunwritten": extunwritten,
            "imgfile": imgfile,
            "v2log": v2log,
            "projid32bit": projid32bit,
            "lazycounter": lazycounter,
            "label": label,
            "uuid": uuid,
        })

    def xfs_growfs(
        self,
        path: str,
        datasec: bool | None = None,
        logsec: bool | None = None,
        rtsec: bool | None = None,
        datasize: int | None = None,
        logsize: int | None = None,
        rtsize: int | None = None,
        rtextsize: int | None = None,
        maxpct: int | None = None,
    ) -> None:
        """Grow a mounted XFS filesystem.

        :param path: an absolute path in the guest (Pathname)
        :param datasec: optional, a boolean
        :param logsec: optional, a boolean
        :param rtsec: optional, a boolean
        :param datasize: optional, a 64-bit integer
        :param logsize: optional, a 64-bit integer
        :param rtsize: optional, a 64-bit integer
        :param rtextsize: optional, a 64-bit integer
        :param maxpct: optional, an integer
        """
        return self._invoke(_A["xfs_growfs"], (path,), {
            "datasec": datasec,
            "logsec": logsec,
            "rtsec": rtsec,
            "datasize": datasize,
            "logsize": logsize,
            "rtsize": rtsize,
            "rtextsize": rtextsize,
            "maxpct": maxpct,
        })

    def xfs_info(self, pathordevice: str) -> XFSInfo:
        """Return the geometry of an XFS filesystem as a struct.

        Deprecated: use :meth:`xfs_info2` instead.

        :param pathordevice: a device name or an absolute path in the guest (Dev_or_Path)
        :returns: a xfsinfo struct (dicts) (RStruct)
        """
        warnings.warn("use GuestFS.xfs_info2() instead of GuestFS.xfs_info()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["xfs_info"], (pathordevice,), {})

    def xfs_info2(self, pathordevice: str) -> dict[str, str] | list[tuple[str, str]]:
        """Return the xfs_info details of an XFS filesystem as a hashtable.

        :param pathordevice: a device name or an absolute path in the guest (Dev_or_Path)
        :returns: pairs of strings (a dict when the handle has python_return_dict) (RHashtable)
        """
        return self._invoke(_A["xfs_info2"], (pathordevice,), {})

    def xfs_repair(
        self,
        device: str,
        forcelogzero: bool | None = None,
        nomodify: bool | None = None,
        noprefetch: bool | None = None,
        forcegeometry: bool | None = None,
        maxmem: int | None = None,
        ihashsize: int | None = None,
        bhashsize: int | None = None,
        agstride: int | None = None,
        logdev: str | None = None,
        rtdev: str | None = None,
    ) -> int:
        """Check and repair an XFS filesystem and return a status code.

        :param device: a device name or an absolute path in the guest (Dev_or_Path)
        :param forcelogzero: optional, a boolean
        :param nomodify: optional, a boolean
        :param noprefetch: optional, a boolean
        :param forcegeometry: optional, a boolean
        :param maxmem: optional, a 64-bit integer
        :param ihashsize: optional, a 64-bit integer
        :param bhashsize: optional, a 64-bit integer
        :param agstride: optional, a 64-bit integer
        :param logdev: optional, a string
        :param rtdev: optional, a string
        :returns: an integer (RInt)
        """
        return self._invoke(_A["xfs_repair"], (device,), {
            "forcelogzero": forcelogzero,
            "nomodify": nomodify,
            "noprefetch": noprefetch,
            "forcegeometry": forcegeometry,
            "maxmem": maxmem,
            "ihashsize": ihashsize,
            "bhashsize": bhashsize,
            "agstride": agstride,
            "logdev": logdev,
            "rtdev": rtdev,
        })

    def yara_destroy(self) -> None:
        """Free the loaded Yara rules."""
        return self._invoke(_A["yara_destroy"], (), {})

    def yara_load(self, filename: str) -> None:
        """Load Yara rules from a local file.

        :param filename: a local file to read (FileIn)
        """
        return self._invoke(_A["yara_load"], (filename,), {})

    def yara_scan(self, path: str) -> list[YaraDetection]:
        """Scan a guest file with the loaded Yara rules and return the matches.

        :param path: an absolute path in the guest (Pathname)
        :returns: a list of yara_detection structs (dicts) (RStructList)
        """
        return self._invoke(_A["yara_scan"], (path,), {})

    def zegrep(self, regex: str, path: str) -> list[str]:
        """Return lines matching an extended regex from a possibly compressed file.

        Deprecated: use :meth:`grep` instead.

        :param regex: a string (String)
        :param path: an absolute path in the guest (Pathname)
        :returns: a list of strings (RStringList)
        """
        warnings.warn("use GuestFS.grep() instead of GuestFS.zegrep()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["zegrep"], (regex, path), {})

    def zegrepi(self, regex: str, path: str) -> list[str]:
        """Case-insensitive extended regex search in a possibly compressed file.

        Deprecated: use :meth:`grep` instead.

        :param regex: a string (String)
        :param path: an absolute path in the guest (Pathname)
        :returns: a list of strings (RStringList)
        """
        warnings.warn("use GuestFS.grep() instead of GuestFS.zegrepi()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["zegrepi"], (regex, path), {})

    def zero(self, device: str) -> None:
        """Overwrite the first few blocks of a device with zeroes.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        return self._invoke(_A["zero"], (device,), {})

    def zero_device(self, device: str) -> None:
        """Overwrite a whole device with zeroes.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        return self._invoke(_A["zero_device"], (device,), {})

    def zero_free_space(self, directory: str) -> None:
        """Overwrite the free space of a mounted filesystem with zeroes.

        :param directory: an absolute path in the guest (Pathname)
        """
        return self._invoke(_A["zero_free_space"], (directory,), {})

    def zerofree(self, device: str) -> None:
        """Zero the unused blocks and inodes of an ext2/3 filesystem with zerofree.

        :param device: a device name such as /dev/sda1 or /dev/VG/LV (Device)
        """
        return self._invoke(_A["zerofree"], (device,), {})

    def zfgrep(self, pattern: str, path: str) -> list[str]:
        """Return lines containing a fixed string from a possibly compressed file.

        Deprecated: use :meth:`grep` instead.

        :param pattern: a string (String)
        :param path: an absolute path in the guest (Pathname)
        :returns: a list of strings (RStringList)
        """
        warnings.warn("use GuestFS.grep() instead of GuestFS.zfgrep()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["zfgrep"], (pattern, path), {})

    def zfgrepi(self, pattern: str, path: str) -> list[str]:
        """Case-insensitive fixed string search in a possibly compressed file.

        Deprecated: use :meth:`grep` instead.

        :param pattern: a string (String)
        :param path: an absolute path in the guest (Pathname)
        :returns: a list of strings (RStringList)
        """
        warnings.warn("use GuestFS.grep() instead of GuestFS.zfgrepi()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["zfgrepi"], (pattern, path), {})

    def zfile(self, meth: str, path: str) -> str:
        """Describe the type of a compressed file after decompressing it.

        Deprecated: use :meth:`file` instead.

        :param meth: a string (String)
        :param path: an absolute path in the guest (Pathname)
        :returns: a string (RString)
        """
        warnings.warn("use GuestFS.file() instead of GuestFS.zfile()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["zfile"], (meth, path), {})

    def zgrep(self, regex: str, path: str) -> list[str]:
        """Return lines matching a regex from a possibly compressed file.

        Deprecated: use :meth:`grep` instead.

        :param regex: a string (String)
        :param path: an absolute path in the guest (Pathname)
        :returns: a list of strings (RStringList)
        """
        warnings.warn("use GuestFS.grep() instead of GuestFS.zgrep()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["zgrep"], (regex, path), {})

    def zgrepi(self, regex: str, path: str) -> list[str]:
        """Case-insensitive regex search in a possibly compressed file.

        Deprecated: use :meth:`grep` instead.

        :param regex: a string (String)
        :param path: an absolute path in the guest (Pathname)
        :returns: a list of strings (RStringList)
        """
        warnings.warn("use GuestFS.grep() instead of GuestFS.zgrepi()", DeprecationWarning, stacklevel=2)
        return self._invoke(_A["zgrepi"], (regex, path), {})

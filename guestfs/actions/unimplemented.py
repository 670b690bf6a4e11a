"""The actions this project does not implement yet, each with its reason.

One table for the daemon and the library: a call listed here answers
"not supported" with its reason, ``available()`` calls a group available
only when none of its members is listed here, the README's list of what
is checked against :func:`markdown` (``pytest --regenerate-output``
rewrites it), and a registry test fails when an
action has neither an implementation nor an entry here (or both).
"""

from __future__ import annotations

#: (family, reason, actions) — the source of :data:`NOT_IMPLEMENTED`.
FAMILIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("ntfs", "the ntfs tools are not in the appliance yet", (
        "case_sensitive_path", "ntfs_3g_probe", "ntfs_chmod", "ntfscat_i", "ntfsclone_in", "ntfsclone_out",
        "ntfsfix", "ntfsresize", "ntfsresize_size",
    )),
    ("Windows dynamic disks (LDM)", "ldmtool is not in the appliance yet", (
        "ldmtool_create_all", "ldmtool_diskgroup_disks", "ldmtool_diskgroup_name",
        "ldmtool_diskgroup_volumes", "ldmtool_remove_all", "ldmtool_scan", "ldmtool_scan_devices",
        "ldmtool_volume_hint", "ldmtool_volume_partitions", "ldmtool_volume_type", "list_ldm_partitions",
        "list_ldm_volumes",
    )),
    ("the systemd journal", "the journal reader is not written yet", (
        "internal_journal_get", "journal_close", "journal_get", "journal_get_data_threshold",
        "journal_get_realtime_usec", "journal_next", "journal_open", "journal_set_data_threshold",
        "journal_skip",
    )),
    ("inotify", "inotify is not written yet", (
        "inotify_add_watch", "inotify_close", "inotify_files", "inotify_init", "inotify_read",
        "inotify_rm_watch",
    )),
    ("yara", "yara is not in the appliance yet", (
        "internal_yara_scan", "yara_destroy", "yara_load", "yara_scan",
    )),
    ("sleuthkit", "the sleuthkit tools are not in the appliance yet", (
        "download_blocks", "download_inode", "filesystem_walk", "find_inode", "internal_filesystem_walk",
        "internal_find_inode",
    )),
    ("POSIX ACLs and capabilities", "ACLs and file capabilities are not written yet", (
        "acl_delete_def_file", "acl_get_file", "acl_set_file", "cap_get_file", "cap_set_file",
    )),
    ("rsync", "rsync needs appliance networking, not written yet", (
        "rsync", "rsync_in", "rsync_out",
    )),
    ("SELinux", "SELinux support is not written yet", (
        "getcon", "selinux_relabel", "setcon", "setfiles",
    )),
    ("the mke2fs and mke2journal families", "the mke2fs family is not written yet", (
        "mke2fs", "mke2fs_J", "mke2fs_JL", "mke2fs_JU", "mke2journal", "mke2journal_L", "mke2journal_U",
    )),
    ("the sfdisk family", "the sfdisk family is not written yet", (
        "sfdisk", "sfdiskM", "sfdisk_N", "sfdisk_disk_geometry", "sfdisk_kernel_geometry", "sfdisk_l",
    )),
    ("bootloaders and image tools", "this tool is not in the appliance yet", (
        "extlinux", "f2fs_expand", "grub_install", "isoinfo", "isoinfo_device", "mksquashfs", "syslinux",
    )),
    ("LVM extras", "not written yet", (
        "lvm_clear_filter", "lvm_set_filter", "vgmeta",
    )),
    ("9p shares", "9p shares need a virtio-9p device the backends do not add yet", (
        "list_9p", "mount_9p",
    )),
    ("inspection extras", "not written yet (inspection of applications and icons)", (
        "inspect_get_icon", "inspect_list_applications", "inspect_list_applications2",
        "internal_list_rpm_applications",
    )),
    ("FUSE (mount_local)", "FUSE mounts are not written yet", (
        "mount_local", "mount_local_run", "umount_local",
    )),
    ("libvirt authentication", "libvirt authentication callbacks are not written yet", (
        "get_libvirt_requested_credential_challenge", "get_libvirt_requested_credential_defresult",
        "get_libvirt_requested_credential_prompt", "get_libvirt_requested_credentials",
        "set_libvirt_requested_credential", "set_libvirt_supported_credentials",
    )),
    ("calls added after 1.48 and other calls", "not written yet", (
        "clevis_luks_unlock", "command_out", "copy_attributes", "debug_upload", "fill_dir",
        "internal_get_console_socket", "internal_lxattrlist", "internal_rhbz914931", "sh_out", "xfs_info2",
    )),
)

#: Action name → why it is not implemented yet.
NOT_IMPLEMENTED: dict[str, str] = {name: reason for _, reason, names in FAMILIES for name in names}


def markdown() -> str:
    """The README's list of what is missing, one bullet per family."""
    lines = []
    for family, reason, names in FAMILIES:
        calls = ", ".join(f"`{n}`" for n in names)
        lines.append(f"- **{family}** ({reason}): {calls}")
    return "\n".join(lines) + "\n"

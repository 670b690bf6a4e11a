"""The aug_* calls in the real appliance: reading and editing guest
configuration files (hosts, fstab, sshd_config, an apt source) through
Augeas, its save modes, transforms and its error details.

The expected values are what stock libguestfs 1.48.6 answers for the
same files; ``test_agrees_with_stock`` runs one script through stock's
binding and through ours and compares every outcome.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import err
from tests.stock_script import Step, assert_same_outcomes, run_script_on, run_script_on_stock

pytestmark = pytest.mark.appliance

# aug_init flags (augeas.h)
SAVE_BACKUP, SAVE_NEWFILE, NO_STDINC, SAVE_NOOP, NO_LOAD, NO_MODL_AUTOLOAD, ENABLE_SPAN = \
    1, 2, 8, 16, 32, 64, 128

HOSTS = b"127.0.0.1 localhost\n192.168.0.1 gw gateway\n"
FSTAB = b"/dev/sda1 / ext4 defaults 0 1\n/dev/sda2 swap swap defaults 0 0\n"
SSHD = b"Port 22\nPermitRootLogin no\n"
APT = b"deb http://deb.debian.org/debian bookworm main contrib\n"

#: Makes the guest tree every test edits (run on stock too).
PREPARE: list[Step] = [
    ("part_disk", ["/dev/sda", "mbr"], {}),
    ("mkfs", ["ext4", "/dev/sda1"], {}),
    ("mount", ["/dev/sda1", "/"], {}),
    ("mkdir_p", ["/etc/ssh"], {}),
    ("mkdir_p", ["/etc/apt"], {}),
    ("write", ["/etc/hosts", HOSTS], {}),
    ("write", ["/etc/fstab", FSTAB], {}),
    ("write", ["/etc/ssh/sshd_config", SSHD], {}),
    ("write", ["/etc/apt/sources.list", APT], {}),
    ("write", ["/etc/bad.conf", b"x"], {}),
]

#: Every aug_* call other than aug_init, with arguments.
BEFORE_INIT: list[tuple[str, tuple[Any, ...]]] = [
    ("aug_close", ()), ("aug_load", ()), ("aug_save", ()), ("aug_match", ("/x",)),
    ("aug_ls", ("/x",)), ("aug_defvar", ("a", None)), ("aug_transform", ("Hosts", "/etc/x")),
    ("aug_setm", ("/a", None, "v")), ("aug_defnode", ("a", "/b", "c")), ("aug_clear", ("/x",)),
    ("aug_insert", ("/x", "y", True)), ("aug_label", ("/x",)), ("aug_mv", ("/x", "/y")),
    ("aug_rm", ("/x",)), ("aug_set", ("/x", "y")), ("aug_get", ("/x",)),
]


def _prepare(g: Any) -> None:
    for method, args, kwargs in PREPARE:
        getattr(g, method)(*args, **kwargs)


def test_every_call_before_aug_init_says_to_call_it(g: Any) -> None:
    for name, args in BEFORE_INIT:
        assert err(getattr(g, name), *args) == \
            f"{name}: do_{name}: you must call 'aug-init' first to initialize Augeas"
    assert g.feature_available(["augeas"])
    g.available(["augeas"])


def test_read_and_edit_hosts_fstab_sshd_and_apt(g: Any) -> None:
    _prepare(g)
    g.aug_init("/", 0)
    assert g.aug_match("/files/etc/hosts/*") == ["/files/etc/hosts/1", "/files/etc/hosts/2"]
    assert g.aug_get("/files/etc/hosts/2/canonical") == "gw"
    assert g.aug_get("/files/etc/ssh/sshd_config/Port") == "22"
    assert g.aug_get("/files/etc/apt/sources.list/1/distribution") == "bookworm"
    assert g.aug_match("/files/etc/fstab/*/spec") == ["/files/etc/fstab/1/spec", "/files/etc/fstab/2/spec"]
    assert g.aug_ls("/files/etc/ssh/sshd_config") == [
        "/files/etc/ssh/sshd_config/PermitRootLogin", "/files/etc/ssh/sshd_config/Port"]
    assert g.aug_label("/files/etc/hosts/1/ipaddr") == "ipaddr"
    # Variables and nodes defined by expression.
    assert g.aug_defvar("h", "/files/etc/hosts/*") == 2
    assert g.aug_match("$h/canonical") == ["/files/etc/hosts/1/canonical", "/files/etc/hosts/2/canonical"]
    assert g.aug_defvar("n", "count(/files/etc/hosts/*)") == 0
    assert g.aug_defnode("new", "/files/etc/hosts/3/ipaddr", "10.0.0.1") == {"i": 1, "b": 1}
    assert g.aug_defnode("p", "/files/etc/ssh/sshd_config/Port", "x") == {"i": 1, "b": 0}
    assert g.aug_get("$new") == "10.0.0.1"
    g.aug_set("/files/etc/hosts/3/canonical", "newhost")
    assert g.aug_setm("/files/etc/hosts/*", "alias[last()+1]", "extra") == 3
    assert g.aug_rm("/files/etc/hosts/2/alias[1]") == 1
    g.aug_insert("/files/etc/ssh/sshd_config/Port", "PermitEmptyPasswords", True)
    g.aug_set("/files/etc/ssh/sshd_config/PermitEmptyPasswords", "no")
    g.aug_set("/files/etc/ssh/sshd_config/Port", "2222")
    g.aug_set("/files/etc/fstab/2/spec", "/dev/sdb1")
    g.aug_set("/files/etc/apt/sources.list/1/component[last()+1]", "non-free")
    g.aug_save()
    assert g.cat("/etc/hosts") == ("127.0.0.1 localhost extra\n192.168.0.1 gw extra\n"
                                   "10.0.0.1\tnewhost extra\n")
    assert g.cat("/etc/ssh/sshd_config") == "PermitEmptyPasswords no\nPort 2222\nPermitRootLogin no\n"
    assert g.cat("/etc/fstab") == "/dev/sda1 / ext4 defaults 0 1\n/dev/sdb1 swap swap defaults 0 0\n"
    assert g.cat("/etc/apt/sources.list") == \
        "deb http://deb.debian.org/debian bookworm main contrib non-free\n"
    g.aug_close()
    assert "you must call 'aug-init' first" in err(g.aug_get, "/files/etc/hosts/1/ipaddr")


def test_errors_carry_augeas_details(g: Any) -> None:
    _prepare(g)
    g.aug_init("/", NO_MODL_AUTOLOAD)
    g.aug_transform("Hosts", "/etc/hosts")
    g.aug_load()
    assert err(g.aug_get, "/files/etc/hosts/9/ipaddr") == "aug_get: no matching node"
    assert err(g.aug_get, "/files/etc/hosts/*/ipaddr") == (
        "aug_get: aug_get: /files/etc/hosts/*/ipaddr: Too many matches for path expression: "
        "There are 2 nodes matching /files/etc/hosts/*/ipaddr")
    assert err(g.aug_get, "/files/etc/hosts") == "aug_get: Augeas returned NULL match"
    assert err(g.aug_match, "/files/etc/hosts[") == (
        "aug_match: aug_match: /files/etc/hosts[: Invalid path expression: illegal string literal: "
        "/files/etc/hosts[|=|")
    assert err(g.aug_set, "/files/etc/hosts/*/ipaddr", "x") == \
        "aug_set: aug_set: /files/etc/hosts/*/ipaddr: x: Too many matches for path expression"
    assert err(g.aug_setm, "/files/etc/hosts[", None, "v") == (
        "aug_setm: aug_setm: /files/etc/hosts[: (null): v: Invalid path expression: "
        "illegal string literal: /files/etc/hosts[|=|")
    assert err(g.aug_insert, "/files/etc/hosts/*", "9", True) == \
        "aug_insert: aug_insert: /files/etc/hosts/*: 9 [before=1]: Too many matches for path expression"
    assert err(g.aug_mv, "/files/etc/hosts/1", "/files/etc/hosts/1/x") == (
        "aug_mv: aug_mv: /files/etc/hosts/1: /files/etc/hosts/1/x: Cannot move node into its "
        "descendant: destination /files/etc/hosts/1/x is a descendant of /files/etc/hosts/1")
    assert err(g.aug_label, "/files/etc/hosts/8") == "aug_label: no matching nodes found"
    assert err(g.aug_ls, "/files/etc/") == "aug_ls: don't use aug-ls with a path that ends with / ] *"
    assert err(g.aug_defvar, "v", "/files/etc/hosts[").startswith(
        "aug_defvar: aug_defvar: v: /files/etc/hosts[: Invalid path expression")
    assert g.aug_rm("/nonexist") == 0
    # The handle survives every error.
    assert g.aug_get("/files/etc/hosts/1/ipaddr") == "127.0.0.1"
    # A node without a value cannot be saved by the sshd lens: aug_save fails
    # and the reason is in the tree, as Augeas reports it.
    g.aug_transform("Sshd", "/etc/ssh/sshd_config")
    g.aug_load()
    g.aug_clear("/files/etc/ssh/sshd_config/Banner")
    assert err(g.aug_get, "/files/etc/ssh/sshd_config/Banner") == "aug_get: Augeas returned NULL match"
    assert err(g.aug_save) == "aug_save: aug_save: No error"
    assert "/augeas/files/etc/ssh/sshd_config/error" in g.aug_match("/augeas//error")
    assert g.cat("/etc/ssh/sshd_config") == SSHD.decode()


def test_save_modes_and_transforms(g: Any) -> None:
    _prepare(g)
    # NO_LOAD: nothing under /files until aug_load.
    g.aug_init("/", NO_LOAD | NO_MODL_AUTOLOAD)
    assert g.aug_match("/files//*") == []
    g.aug_transform("Hosts", "/etc/hosts")
    g.aug_transform("Hosts", "/etc/bad.conf")
    g.aug_load()
    assert g.aug_get("/files/etc/hosts/1/canonical") == "localhost"
    assert g.aug_get("/augeas/files/etc/bad.conf/error") == "parse_failed"
    g.aug_transform("Hosts", "/etc/hosts", remove=True)
    assert g.aug_match("/augeas/load/Hosts/*") == [
        "/augeas/load/Hosts/lens", "/augeas/load/Hosts/incl[1]", "/augeas/load/Hosts/incl[2]",
        "/augeas/load/Hosts/excl"]
    assert g.aug_get("/augeas/load/Hosts/excl") == "/etc/hosts"
    g.aug_load()
    assert g.aug_match("/files/etc/hosts") == []

    def edit(flags: int, spec: str) -> None:
        g.aug_init("/", flags | NO_MODL_AUTOLOAD)
        g.aug_transform("Fstab", "/etc/fstab")
        g.aug_load()
        g.aug_set("/files/etc/fstab/1/spec", spec)
        g.aug_save()

    edit(SAVE_BACKUP, "/dev/sdc1")
    assert g.cat("/etc/fstab").startswith("/dev/sdc1 / ext4")
    assert g.read_file("/etc/fstab.augsave") == FSTAB
    edit(SAVE_NEWFILE, "/dev/sdd1")
    assert g.cat("/etc/fstab").startswith("/dev/sdc1 / ext4")
    assert g.cat("/etc/fstab.augnew").startswith("/dev/sdd1 / ext4")
    edit(SAVE_NOOP, "/dev/sde1")
    assert g.aug_match("/augeas/events/saved") == ["/augeas/events/saved"]
    assert g.aug_get("/augeas/events/saved") == "/files/etc/fstab"
    assert g.cat("/etc/fstab").startswith("/dev/sdc1 / ext4")
    g.aug_close()


#: The script both libraries run after PREPARE; every outcome is compared.
#: (A relative aug_init root is left out: the reply comes from the Pathname
#: policy shared by every call, not from this family.)
STOCK_SCRIPT: list[Step] = [
    ("aug_init", ["/", 0], {}),
    ("aug_match", ["/files/etc/hosts/*"], {}),
    ("aug_get", ["/files/etc/hosts/1/ipaddr"], {}),
    ("aug_get", ["/files/etc/hosts/9/ipaddr"], {}),
    ("aug_get", ["/files/etc/hosts/*/ipaddr"], {}),
    ("aug_get", ["/files/etc/hosts["], {}),
    ("aug_get", ["/files/etc/hosts"], {}),
    ("aug_get", ["/"], {}),
    ("aug_label", ["/files/etc/hosts/1"], {}),
    ("aug_label", ["/files/etc/hosts/*"], {}),
    ("aug_label", ["/files/etc/hosts/8"], {}),
    ("aug_label", ["/"], {}),
    ("aug_ls", ["/"], {}),
    ("aug_ls", [""], {}),
    ("aug_ls", ["/files/etc"], {}),
    ("aug_ls", ["/files/etc/"], {}),
    ("aug_ls", ["/files/etc/hosts[1]"], {}),
    ("aug_ls", ["/files/etc/*"], {}),
    ("aug_ls", ["/nonexist"], {}),
    ("aug_match", [""], {}),
    ("aug_match", ["/files/etc/apt/sources.list/1/*"], {}),
    ("aug_match", ["/files/etc/fstab/*/spec"], {}),
    ("aug_match", ["/augeas/load/Hosts/*"], {}),
    ("aug_defvar", ["h", "/files/etc/hosts/*"], {}),
    ("aug_match", ["$h"], {}),
    ("aug_defvar", ["n", "count(/files/etc/hosts/*)"], {}),
    ("aug_defvar", ["s", "'abc'"], {}),
    ("aug_get", ["$s"], {}),
    ("aug_defvar", ["h", None], {}),
    ("aug_match", ["$h"], {}),
    ("aug_defvar", ["v", "/files/etc/hosts["], {}),
    ("aug_defnode", ["x", "/files/etc/hosts/3/ipaddr", "10.0.0.1"], {}),
    ("aug_defnode", ["x", "/files/etc/ssh/sshd_config/Port", "2222"], {}),
    ("aug_defnode", ["d", "/files/etc/hosts[", "x"], {}),
    ("aug_get", ["$x"], {}),
    ("aug_set", ["/files/etc/hosts/3/canonical", "newhost"], {}),
    ("aug_set", ["/files/etc/hosts/*/ipaddr", "x"], {}),
    ("aug_set", ["/files/etc/hosts[", "x"], {}),
    ("aug_setm", ["/files/etc/hosts/*", "alias[last()+1]", "al"], {}),
    ("aug_setm", ["/files/etc/hosts/*", None, "v"], {}),
    ("aug_setm", ["/nonexist", "x", "y"], {}),
    ("aug_setm", ["/files/etc/hosts[", None, "v"], {}),
    ("aug_insert", ["/files/etc/ssh/sshd_config/Port", "PermitEmptyPasswords", True], {}),
    ("aug_insert", ["/files/etc/hosts/*", "9", True], {}),
    ("aug_insert", ["/files/etc/hosts/1", "a/b", False], {}),
    ("aug_insert", ["/nonexist", "a", False], {}),
    ("aug_set", ["/files/etc/ssh/sshd_config/PermitEmptyPasswords", "no"], {}),
    ("aug_mv", ["/files/etc/hosts/1", "/files/etc/hosts/1/x"], {}),
    ("aug_mv", ["/nonexist", "/x"], {}),
    ("aug_mv", ["/files/etc/hosts/*", "/x"], {}),
    ("aug_mv", ["/files/etc/fstab/2", "/files/etc/fstab/3"], {}),
    ("aug_rm", ["/files/etc/hosts/*[ipaddr='v']"], {}),
    ("aug_rm", ["/files/etc/hosts/2/alias"], {}),
    ("aug_rm", ["/nonexist"], {}),
    ("aug_rm", ["/files/etc/hosts["], {}),
    ("aug_clear", ["/files/etc/ssh/sshd_config/Banner"], {}),
    ("aug_clear", ["/files/etc/hosts["], {}),
    ("aug_get", ["/files/etc/ssh/sshd_config/Banner"], {}),
    ("aug_label", ["/files/etc/ssh/sshd_config/Banner"], {}),
    ("aug_save", [], {}),
    ("aug_match", ["/augeas//error"], {}),
    ("aug_match", ["/augeas/files/etc/ssh/sshd_config/error/*"], {}),
    ("aug_rm", ["/files/etc/ssh/sshd_config/Banner"], {}),
    ("aug_set", ["/files/etc/hosts/1/ipaddr", "10.1.1.1"], {}),
    ("aug_save", [], {}),
    ("cat", ["/etc/hosts"], {}),
    ("cat", ["/etc/ssh/sshd_config"], {}),
    ("cat", ["/etc/fstab"], {}),
    ("aug_close", [], {}),
    ("aug_close", [], {}),
    ("aug_init", ["/", NO_LOAD | NO_MODL_AUTOLOAD], {}),
    ("aug_match", ["/files//*"], {}),
    ("aug_transform", ["Hosts", "/etc/hosts"], {}),
    ("aug_transform", ["Hosts.lns", "/etc/bad.conf"], {}),
    ("aug_transform", ["Nonexist", "/etc/hosts"], {}),
    ("aug_load", [], {}),
    ("aug_match", ["/files//*"], {}),
    ("aug_match", ["/augeas//error"], {}),
    ("aug_get", ["/augeas/files/etc/bad.conf/error"], {}),
    ("aug_get", ["/augeas/files/etc/bad.conf/error/message"], {}),
    ("aug_transform", ["Hosts", "/etc/hosts"], {"remove": True}),
    ("aug_match", ["/augeas/load/Hosts/*"], {}),
    ("aug_load", [], {}),
    ("aug_match", ["/files/etc/*"], {}),
    ("aug_init", ["/", SAVE_BACKUP | NO_MODL_AUTOLOAD], {}),
    ("aug_transform", ["Fstab", "/etc/fstab"], {}),
    ("aug_load", [], {}),
    ("aug_set", ["/files/etc/fstab/1/spec", "/dev/sdc1"], {}),
    ("aug_save", [], {}),
    ("ls", ["/etc"], {}),
    ("cat", ["/etc/fstab.augsave"], {}),
    ("aug_init", ["/", SAVE_NEWFILE | NO_MODL_AUTOLOAD], {}),
    ("aug_transform", ["Fstab", "/etc/fstab"], {}),
    ("aug_load", [], {}),
    ("aug_set", ["/files/etc/fstab/1/spec", "/dev/sdd1"], {}),
    ("aug_save", [], {}),
    ("cat", ["/etc/fstab.augnew"], {}),
    ("aug_init", ["/", SAVE_NOOP | NO_MODL_AUTOLOAD], {}),
    ("aug_transform", ["Fstab", "/etc/fstab"], {}),
    ("aug_load", [], {}),
    ("aug_set", ["/files/etc/fstab/1/spec", "/dev/sde1"], {}),
    ("aug_save", [], {}),
    ("aug_match", ["/augeas/events/saved"], {}),
    ("cat", ["/etc/fstab"], {}),
    ("aug_init", ["/nonexist", NO_MODL_AUTOLOAD], {}),
    ("aug_match", ["/files/*"], {}),
    # No standard include: no lens is found, the transform's error says so.
    ("aug_init", ["/", NO_STDINC | NO_MODL_AUTOLOAD], {}),
    ("aug_match", ["/augeas/load/*"], {}),
    ("aug_transform", ["Hosts", "/etc/hosts"], {}),
    ("aug_load", [], {}),
    ("aug_match", ["/augeas//error"], {}),
    ("aug_get", ["/augeas/load/Hosts/error"], {}),
    ("aug_match", ["/files//*"], {}),
    ("aug_init", ["/", ENABLE_SPAN | NO_MODL_AUTOLOAD], {}),
    ("aug_get", ["/augeas/span"], {}),
    ("aug_close", [], {}),
]


@pytest.mark.stock
@pytest.mark.slow
# Over 20 s under TCG with stock's launch: make conformance, not CI.
@pytest.mark.conformance
def test_agrees_with_stock(g: Any) -> None:
    stock = run_script_on_stock([("add_drive_scratch", [64 << 20], {}), ("launch", [], {})],
                                PREPARE + STOCK_SCRIPT)
    ours = run_script_on(g, PREPARE + STOCK_SCRIPT)
    assert_same_outcomes(PREPARE + STOCK_SCRIPT, ours, stock)
    # Not vacuous: the script read and changed real files.
    outcome = dict(zip([s[0] + repr(s[1]) for s in PREPARE + STOCK_SCRIPT], ours))
    assert outcome["aug_get['/files/etc/hosts/1/ipaddr']"] == {"ok": "127.0.0.1"}
    assert outcome["cat['/etc/fstab.augsave']"]["ok"].startswith("/dev/sda1 / ext4")

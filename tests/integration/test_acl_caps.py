"""POSIX ACLs and file capabilities in the real appliance: acl_get_file,
acl_set_file, acl_delete_def_file, cap_get_file, cap_set_file.

The text forms are libacl's and libcap's (``acl_to_text``'s long form,
``cap_to_text``), as stock libguestfs 1.48.6 returns them; the last test
runs one script through stock and through ours and compares every step.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import err
from tests.stock_script import Step, assert_same_outcomes, run_script_on, run_script_on_stock

pytestmark = pytest.mark.appliance

#: Files to work on (run on stock too).
PREPARE: list[Step] = [
    ("part_disk", ["/dev/sda", "mbr"], {}),
    ("mkfs", ["ext4", "/dev/sda1"], {}),
    ("mount", ["/dev/sda1", "/"], {}),
    ("touch", ["/f"], {}),
    ("mkdir", ["/d"], {}),
    ("mkdir", ["/l"], {}),
    ("ln_s", ["../f", "/l/up"], {}),
    ("ln_s", ["f", "/l/dangling"], {}),
]


def _prepare(g: Any) -> None:
    for method, args, kwargs in PREPARE:
        getattr(g, method)(*args, **kwargs)


def test_acl_round_trip(g: Any) -> None:
    assert g.feature_available(["acl", "linuxcaps"])
    g.available(["acl", "linuxcaps"])
    _prepare(g)
    assert g.acl_get_file("/f", "access") == "user::rw-\ngroup::r--\nother::r--\n"
    # Short and long forms are both accepted; the answer is the long form.
    g.acl_set_file("/f", "access", "u::rwx,g::r-x,o::---,u:500:rw-,m::rwx")
    assert g.acl_get_file("/f", "access") == "user::rwx\nuser:500:rw-\ngroup::r-x\nmask::rwx\nother::---\n"
    # The ACL's base entries are the mode.
    assert g.stat("/f")["mode"] & 0o777 == 0o770
    g.acl_set_file("/f", "access", "user::rw-,group::r--,group:42:r-x,mask::r-x,other::r--")
    assert g.acl_get_file("/f", "access") == \
        "user::rw-\ngroup::r--\ngroup:42:r-x\nmask::r-x\nother::r--\n"
    # Symbolic links are followed.
    assert g.acl_get_file("/l/up", "access") == g.acl_get_file("/f", "access")


def test_default_acls_on_directories(g: Any) -> None:
    _prepare(g)
    assert g.acl_get_file("/d", "default") == ""
    g.acl_set_file("/d", "default", "u::rwx,g::r-x,o::---,u:1000:r-x,m::r-x")
    assert g.acl_get_file("/d", "default") == "user::rwx\nuser:1000:r-x\ngroup::r-x\nmask::r-x\nother::---\n"
    # A file made in the directory inherits it as its access ACL.
    g.touch("/d/child")
    assert "user:1000:r-x" in g.acl_get_file("/d/child", "access")
    g.acl_delete_def_file("/d")
    assert g.acl_get_file("/d", "default") == ""
    g.acl_delete_def_file("/d")  # nothing to delete is no error
    # Files have no default ACL.
    assert err(g.acl_get_file, "/f", "default") == "acl_get_file: /f: Permission denied"
    assert err(g.acl_set_file, "/f", "default", "u::rwx,g::r-x,o::---") == \
        "acl_set_file: /f: Permission denied"


def test_acl_refusals(g: Any) -> None:
    _prepare(g)
    for bad in ("bogus", "", "ACCESS"):
        assert err(g.acl_get_file, "/f", bad) == f"acl_get_file: invalid acltype parameter: {bad}"
        assert err(g.acl_set_file, "/f", bad, "u::rwx") == f"acl_set_file: invalid acltype parameter: {bad}"
    assert err(g.acl_get_file, "/nonexist", "access") == "acl_get_file: /nonexist: No such file or directory"
    assert err(g.acl_get_file, "/l/dangling", "access") == \
        "acl_get_file: /l/dangling: No such file or directory"
    assert err(g.acl_set_file, "/f", "access", "garbage") == \
        "acl_set_file: could not parse acl string: garbage: acl_from_text: No such file or directory"
    # A named entry without a mask is no valid ACL.
    assert err(g.acl_set_file, "/f", "access", "u::rwx,g::r-x,o::---,u:500:rw-") == \
        "acl_set_file: /f: Invalid argument"
    assert err(g.acl_delete_def_file, "/nonexist") == \
        "acl_delete_def_file: /nonexist: No such file or directory"
    assert err(g.acl_get_file, "rel", "access") == \
        "acl_get_file: acl_get_file_stub: path must start with a / character"


def test_capabilities(g: Any) -> None:
    _prepare(g)
    assert g.cap_get_file("/f") == ""
    g.cap_set_file("/f", "cap_net_raw+ep")
    assert g.cap_get_file("/f") == "cap_net_raw=ep"
    assert g.cap_get_file("/l/up") == "cap_net_raw=ep"
    g.cap_set_file("/f", "cap_chown,cap_sys_admin=eip")
    assert g.cap_get_file("/f") == "cap_chown,cap_sys_admin=eip"
    g.cap_set_file("/f", "all=ep")
    assert g.cap_get_file("/f") == "=ep"
    g.cap_set_file("/f", "=")
    assert g.cap_get_file("/f") == "="
    # Directories have none and take none.
    assert g.cap_get_file("/d") == ""
    assert err(g.cap_set_file, "/d", "cap_net_raw+ep") == "cap_set_file: /d: Invalid argument"
    assert err(g.cap_set_file, "/f", "garbage") == \
        "cap_set_file: could not parse cap string: garbage: cap_from_text: Invalid argument"
    assert err(g.cap_get_file, "/nonexist") == "cap_get_file: /nonexist: No such file or directory"
    assert err(g.cap_set_file, "/nonexist", "cap_net_raw+ep") == \
        "cap_set_file: /nonexist: No such file or directory"


#: The compared script.
SCRIPT: list[Step] = [
    ("acl_get_file", ["/f", "access"], {}),
    ("acl_get_file", ["/d", "default"], {}),
    ("acl_get_file", ["/f", "default"], {}),
    ("acl_get_file", ["/f", "bogus"], {}),
    ("acl_set_file", ["/f", "access", "u::rwx,g::r-x,o::---,u:500:rw-,m::rwx"], {}),
    ("acl_get_file", ["/f", "access"], {}),
    ("acl_set_file", ["/f", "access", "user::rw-,user:0:rwx,group::r--,mask::rwx,other::r--"], {}),
    ("acl_get_file", ["/f", "access"], {}),
    ("acl_set_file", ["/f", "access", "u:root:rw-,u::rwx,g::r-x,o::---,m::rw-"], {}),
    ("acl_set_file", ["/f", "access", "garbage"], {}),
    ("acl_set_file", ["/f", "access", ""], {}),
    ("acl_get_file", ["/f", "access"], {}),
    ("acl_set_file", ["/f", "access", "u::rwx,g::r-x,o::---,u:500:rw-"], {}),
    ("acl_set_file", ["/d", "default", "u::rwx,g::r-x,o::---,g:7:rwx,m::rwx"], {}),
    ("acl_get_file", ["/d", "default"], {}),
    ("acl_get_file", ["/d", "access"], {}),
    ("acl_delete_def_file", ["/d"], {}),
    ("acl_get_file", ["/d", "default"], {}),
    ("acl_delete_def_file", ["/f"], {}),
    ("acl_delete_def_file", ["/nonexist"], {}),
    ("acl_get_file", ["/l/dangling", "access"], {}),
    ("acl_get_file", ["/l/up", "access"], {}),
    ("cap_get_file", ["/f"], {}),
    ("cap_set_file", ["/f", "cap_net_raw+ep"], {}),
    ("cap_get_file", ["/f"], {}),
    ("cap_set_file", ["/f", "cap_net_raw,cap_sys_admin=eip cap_chown+e"], {}),
    ("cap_get_file", ["/f"], {}),
    ("cap_set_file", ["/f", "cap_setuid=i cap_kill=p"], {}),
    ("cap_get_file", ["/f"], {}),
    ("cap_set_file", ["/f", ""], {}),
    ("cap_get_file", ["/f"], {}),
    ("cap_set_file", ["/f", "garbage"], {}),
    ("cap_set_file", ["/d", "cap_net_raw+ep"], {}),
    ("cap_get_file", ["/d"], {}),
    ("cap_get_file", ["/l/up"], {}),
    ("cap_get_file", ["/l/dangling"], {}),
    # The xattr calls' messages name the call without its "l" in both forms.
    ("lgetxattr", ["/f", "user.nosuch"], {}),
    ("getxattr", ["/f", "user.nosuch"], {}),
    ("lgetxattr", ["/nonexist", "user.x"], {}),
    ("lremovexattr", ["user.nosuch", "/f"], {}),
    ("lsetxattr", ["bad", "v", 1, "/f"], {}),
    ("lgetxattrs", ["/nonexist"], {}),
]


# Over 20 s under TCG with stock's launch: make conformance, not CI.
@pytest.mark.conformance
def test_agrees_with_stock(g: Any) -> None:
    stock = run_script_on_stock([("add_drive_scratch", [64 << 20], {}), ("launch", [], {}), *PREPARE],
                                SCRIPT)
    _prepare(g)
    assert_same_outcomes(SCRIPT, run_script_on(g, SCRIPT), stock)

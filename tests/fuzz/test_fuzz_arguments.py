"""Hostile arguments into every method of the handle.

Random values of every Python type (huge and negative ints, floats, None,
bytes, text with NUL bytes and lone surrogates, nested lists, objects) go
to every action's method on a handle in the CONFIG state.  Each call must
succeed or raise ``TypeError``, ``ValueError``, ``OverflowError`` or
``RuntimeError`` whose message names the action (the binding's exception
classes), never another exception.  Calls that would do real work on the
host are left out (launch boots a VM, disk_create writes images …); the
daemon ones answer "call launch first".
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import guestfs
from guestfs.actions import ACTIONS
from tests.fuzz.conftest import Tally

#: Library-side calls with host side effects a fuzzer must not trigger.
HOST_EFFECTS = {
    "launch", "run", "disk_create", "add_drive_scratch", "internal_test_set_output",
    "add_domain", "add_libvirt_dom", "mount_local_run", "user_cancel", "shutdown", "kill_subprocess",
}
NAMES = sorted(n for n, a in ACTIONS.items() if n not in HOST_EFFECTS)
ALLOWED = (TypeError, ValueError, OverflowError, RuntimeError)

_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)
values = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.integers(-(2**70), 2**70),
        st.floats(allow_nan=True), st.binary(max_size=40), _TEXT,
        st.sampled_from(["", "/", "/dev/sda", "/dev/sda1", "btrfsvol:/dev/sda/x", "a\0b", "\ud800",
                         "\udcff", "x" * 5000, "-1", "0x10", "ext4", "mbr", "/etc/../..//"]),
        st.builds(object),
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.tuples(inner, inner),
                            st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=8,
)


@given(name=st.sampled_from(NAMES), data=st.data())
def test_hostile_arguments_give_the_bindings_exceptions(name: str, data: st.DataObject, tally: Tally,
                                                        tmp_path_factory: Any) -> None:
    act = ACTIONS[name]
    n_pos = len(act.args)
    args = data.draw(st.lists(values, min_size=max(0, n_pos - 1), max_size=n_pos + 1), label="args")
    opts = data.draw(st.dictionaries(st.sampled_from([o.name for o in act.optargs] + ["bogus"]),
                                     values, max_size=3), label="optargs")
    cwd = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("args"))  # anything a call makes stays here
    g = guestfs.GuestFS(environment=False)
    try:
        getattr(g, name)(*args, **opts)
    except ALLOWED as e:
        tally.saw(type(e).__name__)
        assert str(e), f"{name}: an exception without a message"
    except BaseException:
        tally.bad()
        raise
    else:
        tally.saw("accepted")
    finally:
        g.close()
        os.chdir(cwd)


def test_every_method_is_fuzzed_but_host_effects() -> None:
    assert len(NAMES) > 600
    assert not HOST_EFFECTS & set(NAMES)
    assert HOST_EFFECTS - {"run"} <= set(ACTIONS)

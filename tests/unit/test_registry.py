"""The actions registry (``guestfs/actions``) checked against the protocol facts
and the stock libguestfs 1.48 Python binding, plus per-action codec round trips
(libguestfs ``checks.ml`` and ``tests_c_api.ml`` run as tests)."""

from __future__ import annotations

import ast
import inspect
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest

from guestfs import GuestFS
from guestfs.actions import ACTIONS, BY_PROC, Action, get_action
from guestfs.protocol import LocalProtocolError, RemoteProtocolError
from guestfs.protocol import constants as C
from guestfs.protocol.facts import load_facts
from guestfs.protocol.xdr import StructCodec
from tests.helpers import STOCK_BINDING, sample_arg, sample_ret

FACTS = load_facts()
FACT_ACTIONS = {a["name"]: a for a in FACTS["actions"]}
DAEMON = sorted((a for a in ACTIONS.values() if a.daemon), key=lambda a: a.name)
#: Optargs added after 1.48, so they may trail the stock binding's.
NEWER_OPTARGS = {"cryptsetup_open": ["cipher"], "e2fsck": ["forceno"], "tar_in": ["keepdirlink"]}
#: Methods of the binding's GuestFS class that are not actions.
BINDING_NON_ACTIONS = {"close", "set_event_callback", "delete_event_callback"}


def _ids(acts: list[Action]) -> list[str]:
    return [a.name for a in acts]


# -- the registry against the facts -----------------------------------------------

def test_every_fact_action_is_registered() -> None:
    assert set(FACT_ACTIONS) <= set(ACTIONS)
    assert len(ACTIONS) == FACTS["counts"]["actions"]


# readdir keeps its 1.48 daemon layout: see test_readdir_is_daemon_proc_138.
@pytest.mark.parametrize("name", sorted(set(FACT_ACTIONS) - {"readdir"}))
def test_action_matches_facts(name: str) -> None:
    f = FACT_ACTIONS[name]
    act = ACTIONS[name]
    assert act.proc_nr == f["proc_nr"]
    assert act.daemon == f["daemon"]
    assert [(a.name, a.kind, a.subtype) for a in act.args] == \
        [(a["name"], a["kind"], a["subtype"]) for a in f["args"]]
    assert [(o.name, o.kind, o.bit) for o in act.optargs] == \
        [(o["name"], o["kind"], o["bit"]) for o in f["optargs"]]
    assert act.optargs_valid_mask == f["optargs_valid_mask"]
    r = f["ret"]
    assert (act.ret.kind, act.ret.struct, act.ret.subtype) == (r["kind"], r.get("struct"), r.get("subtype"))
    assert act.args_xdr == f["args_xdr"]
    assert act.ret_xdr == f["ret_xdr"]
    assert [a.name for a in act.args if a.subtype == "FileIn"] == f["filein_args"]
    assert [a.name for a in act.args if a.subtype == "FileOut"] == f["fileout_args"]


def test_readdir_is_daemon_proc_138() -> None:
    """libguestfs 1.48's daemon has readdir at 138; later ones moved it to the library."""
    act = ACTIONS["readdir"]
    assert act.daemon and act.proc_nr == 138
    assert BY_PROC[138] is act
    old = FACT_ACTIONS["readdir"]["at_v1_48_6"]
    assert act.args_xdr == old["args_xdr"] and act.ret_xdr == old["ret_xdr"]
    assert act.ret.kind == "RStructList" and act.ret.struct == "dirent"


def test_proc_numbers_unique_and_in_range() -> None:
    procs = [a.proc_nr or 0 for a in ACTIONS.values() if a.daemon]
    assert len(procs) == len(set(procs)) == len(BY_PROC)
    assert all(isinstance(p, int) and 0 < p <= C.MAX_PROC_NR for p in procs)
    assert max(procs) == C.MAX_PROC_NR
    assert all(a.proc_nr is None for a in ACTIONS.values() if not a.daemon)
    assert all(BY_PROC[a.proc_nr] is a for a in ACTIONS.values() if a.daemon and a.proc_nr is not None)


def test_proc_numbers_increase_with_age() -> None:
    """Numbers are append-only: every daemon action new since 1.48 is numbered
    after every one 1.48 already had."""
    new = {d["name"] for d in FACTS["compat"]["daemon_actions_new_since"]}
    old_max = max(a.proc_nr or 0 for a in ACTIONS.values() if a.daemon and a.name not in new)
    assert new and min(ACTIONS[n].proc_nr or 0 for n in new) > old_max
    by_num = sorted(new, key=lambda n: ACTIONS[n].proc_nr or 0)
    facts_new = sorted(FACTS["compat"]["daemon_actions_new_since"], key=lambda d: d["proc_nr"])
    assert [ACTIONS[n].proc_nr for n in by_num] == [d["proc_nr"] for d in facts_new]


#: Upstream names that carry a mkfs/sfdisk option letter in capitals (frozen API).
OPTION_LETTER_NAMES = {"mke2fs_J", "mke2fs_JL", "mke2fs_JU", "mke2journal_L", "mke2journal_U",
                       "mkswap_L", "mkswap_U", "resize2fs_M", "sfdiskM", "sfdisk_N"}


def test_names_are_snake_case_without_prefix() -> None:
    pattern = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
    odd = set()
    for act in ACTIONS.values():
        for name in (act.name, *act.aliases):
            assert not name.startswith("guestfs_"), name
            if not pattern.match(name):
                odd.add(name)
    assert odd == OPTION_LETTER_NAMES
    assert all(re.match(r"^[a-z][a-z0-9_]*[A-Z]*$", n) for n in odd)


def test_aliases_resolve() -> None:
    assert get_action("add_drive_opts") is ACTIONS["add_drive"]
    assert get_action("mount") is ACTIONS["mount"]
    with pytest.raises(KeyError):
        get_action("no_such_action")


def test_optarg_bits_and_limits() -> None:
    for act in ACTIONS.values():
        assert [o.bit for o in act.optargs] == list(range(len(act.optargs))), act.name
        assert len(act.optargs) <= FACTS["constants"]["max_optargs"], act.name


# -- GuestFS methods ------------------------------------------------------------------

def _signature(name: str) -> tuple[list[str], list[tuple[str, Any]]]:
    sig = inspect.signature(getattr(GuestFS, name))
    params = list(sig.parameters.values())
    assert params[0].name == "self"
    positional = [p.name for p in params[1:] if p.default is inspect.Parameter.empty]
    optional = [(p.name, p.default) for p in params[1:] if p.default is not inspect.Parameter.empty]
    return positional, optional


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_method_signature(name: str) -> None:
    act = ACTIONS[name]
    positional, optional = _signature(name)
    assert positional == [a.name for a in act.args]
    assert optional == [(o.name, None) for o in act.optargs]
    for alias in act.aliases:
        assert getattr(GuestFS, alias) is getattr(GuestFS, name)


def test_opts_aliases_exist() -> None:
    """Every ``non_c_aliases`` name (``add_drive_opts`` …) is a method too."""
    aliases = {al for f in FACT_ACTIONS.values() for al in f["non_c_aliases"]}
    assert {"add_drive_opts", "mkfs_opts", "tar_in_opts", "umount_opts"} <= aliases
    for al in aliases:
        assert callable(getattr(GuestFS, al, None)), al


def _stock_methods() -> dict[str, tuple[list[str], list[str]]]:
    """Parameter names of every method of the stock binding's GuestFS class
    (positional ones, then the ones with defaults), and its alias assignments."""
    with open(STOCK_BINDING) as f:
        tree = ast.parse(f.read())
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "GuestFS")
    out: dict[str, tuple[list[str], list[str]]] = {}
    for node in cls.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            names = [a.arg for a in node.args.args[1:]]
            nopt = len(node.args.defaults)
            out[node.name] = (names[: len(names) - nopt], names[len(names) - nopt:])
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Name):
            for t in node.targets:
                assert isinstance(t, ast.Name)
                out[t.id] = out[node.value.id]
    return out


@pytest.fixture(scope="module")
def stock_methods() -> dict[str, tuple[list[str], list[str]]]:
    if not os.path.exists(STOCK_BINDING):
        from guestfs.testing import skip_or_fail
        skip_or_fail(f"{STOCK_BINDING} is missing (apt-get install python3-guestfs)")
    return _stock_methods()


def test_stock_binding_parsed(stock_methods: dict[str, tuple[list[str], list[str]]]) -> None:
    """Sanity check of the parse: a few well-known signatures."""
    assert stock_methods["mount"] == (["mountable", "mountpoint"], [])
    assert stock_methods["add_drive_opts"] == stock_methods["add_drive"]
    assert stock_methods["add_drive"][1][:3] == ["readonly", "format", "iface"]
    assert len(stock_methods) > 600


def test_every_stock_method_exists(stock_methods: dict[str, tuple[list[str], list[str]]]) -> None:
    missing = sorted(n for n in stock_methods if n not in BINDING_NON_ACTIONS and not hasattr(GuestFS, n))
    assert missing == []


def test_signatures_match_stock(stock_methods: dict[str, tuple[list[str], list[str]]]) -> None:
    """Positional names, then optarg names in order; only the three optargs
    newer than 1.48 may be extra, at the end."""
    checked = 0
    problems = []
    for name, (s_pos, s_opt) in sorted(stock_methods.items()):
        if name in BINDING_NON_ACTIONS:
            continue
        act = get_action(name)
        if act.visibility == "internal":
            continue
        pos, opt = _signature(name)
        opt_names = [n for n, _ in opt]
        extra = opt_names[len(s_opt):]
        if pos != s_pos or opt_names[: len(s_opt)] != s_opt or extra != NEWER_OPTARGS.get(act.name, []):
            problems.append((name, (pos, opt_names), (s_pos, s_opt)))
        checked += 1
    assert problems == []
    assert checked > 550


# -- derived XDR layouts --------------------------------------------------------------

def _expected_args_xdr(act: Action) -> list[str]:
    """The rpcgen declarations of the args struct, from the facts' xdr_mapping."""
    m = FACTS["xdr_mapping"]
    out = [m["arg"][a.kind] % a.name for a in act.wire_args]
    for o in act.optargs:
        kind = m["optarg_as_arg"][o.kind].split()[0]
        out.append(m["arg"][kind] % o.name)
    return out


def _expected_ret_xdr(act: Action) -> list[str]:
    tmpl = FACTS["xdr_mapping"]["ret"][act.ret.kind]
    if act.ret.kind == "RErr":
        return []
    name = act.ret.name or ""
    if act.ret.kind in ("RStruct", "RStructList"):
        return [tmpl % (act.ret.struct, name)]
    return [tmpl % name]


@pytest.mark.parametrize("act", DAEMON, ids=_ids(DAEMON))
def test_args_xdr_derived_from_mapping(act: Action) -> None:
    want = _expected_args_xdr(act)
    got = [f["xdr"] for f in act.args_xdr or []]
    assert got == want
    assert (act.args_xdr is None) == (not want)
    names = [a.name for a in act.wire_args] + [o.name for o in act.optargs]
    assert [f["name"] for f in act.args_xdr or []] == names
    assert [f["xdr"] for f in act.ret_xdr or []] == _expected_ret_xdr(act)


def test_stream_args_never_in_the_struct() -> None:
    omitted = set(FACTS["xdr_mapping"]["args_omitted_subtypes"])
    assert omitted == {"FileIn", "FileOut"}
    for act in DAEMON:
        names = {f["name"] for f in act.args_xdr or []}
        assert not any(a.name in names for a in act.args if a.subtype in omitted), act.name
        assert not any(a.kind == "Pointer" for a in act.args), act.name


# -- per-action codec round trips -------------------------------------------------------

def _args(act: Action, variant: int) -> dict[str, Any]:
    return {a.name: sample_arg(a.kind, variant + i) for i, a in enumerate(act.wire_args)}


def _opt_sets(act: Action) -> Iterator[dict[str, Any]]:
    yield {}
    yield {o.name: sample_arg(o.kind, o.bit) for o in act.optargs}
    for o in act.optargs:
        yield {o.name: sample_arg(o.kind, o.bit + 1)}
    if len(act.optargs) > 2:
        yield {o.name: sample_arg(o.kind, 2) for o in act.optargs[::2]}


@pytest.mark.parametrize("act", DAEMON, ids=_ids(DAEMON))
def test_args_round_trip(act: Action) -> None:
    for variant in range(3):
        args = _args(act, variant)
        for opts in _opt_sets(act):
            payload, mask = act.encode_args(args, opts)
            assert mask == sum(1 << o.bit for o in act.optargs if o.name in opts)
            assert mask & ~act.optargs_valid_mask == 0
            got_args, got_opts = act.decode_args(payload, mask)
            assert got_args == args
            assert got_opts == opts


@pytest.mark.parametrize("act", DAEMON, ids=_ids(DAEMON))
def test_ret_round_trip(act: Action) -> None:
    for variant in range(2):
        value = sample_ret(act, variant)
        got = act.decode_ret(act.encode_ret(value))
        if act.ret.kind == "RBool":
            assert got is value
        else:
            assert got == value
    if act.ret.kind == "RHashtable":
        assert act.decode_ret(act.encode_ret({"a": "1", "b": "2"})) == [("a", "1"), ("b", "2")]


WITH_OPTARGS = [a for a in DAEMON if a.optargs]


@pytest.mark.parametrize("act", WITH_OPTARGS, ids=_ids(WITH_OPTARGS))
def test_decode_accepts_shorter_struct_from_older_peers(act: Action) -> None:
    """A peer that knows fewer optargs sends a struct without the trailing ones."""
    assert act.args_xdr is not None
    args = _args(act, 0)
    n_pos = len(act.wire_args)
    for known in range(len(act.optargs)):
        old = StructCodec("old", act.args_xdr[: n_pos + known])
        opts = {o.name: sample_arg(o.kind, 1) for o in act.optargs[:known]}
        payload = old.encode({**args, **opts})
        mask = (1 << known) - 1
        got_args, got_opts = act.decode_args(payload, mask)
        assert got_args == args
        assert got_opts == opts


def test_stock_1_48_layouts_decode() -> None:
    """The three actions whose layout grew since 1.48 accept the 1.48 struct."""
    for name, new in NEWER_OPTARGS.items():
        act = ACTIONS[name]
        old = FACT_ACTIONS[name]["at_v1_48_6"]
        assert [o["name"] for o in old["optargs"]] + new == [o.name for o in act.optargs]
        codec = StructCodec("old", old["args_xdr"])
        values = {f["name"]: sample_arg(_kind_of(act, f["name"]), 0) for f in old["args_xdr"]}
        mask = (1 << len(old["optargs"])) - 1
        got_args, got_opts = act.decode_args(codec.encode(values), mask)
        assert {**got_args, **got_opts} == values


def _kind_of(act: Action, name: str) -> str:
    return str(next(x.kind for x in (*act.args, *act.optargs) if x.name == name))


@pytest.mark.parametrize("act", DAEMON, ids=_ids(DAEMON))
def test_decode_rejects_unknown_optarg_bits(act: Action) -> None:
    payload, _ = act.encode_args(_args(act, 0), {})
    for bit in (len(act.optargs), 63):
        with pytest.raises(RemoteProtocolError, match="bitmask"):
            act.decode_args(payload, 1 << bit)


@pytest.mark.parametrize("act", DAEMON, ids=_ids(DAEMON))
def test_decode_rejects_trailing_bytes(act: Action) -> None:
    payload, mask = act.encode_args(_args(act, 0), {o.name: sample_arg(o.kind) for o in act.optargs})
    with pytest.raises(RemoteProtocolError):
        act.decode_args(payload + b"\0\0\0\0", mask)
    if act.ret_codec is None:
        with pytest.raises(RemoteProtocolError):
            act.decode_ret(b"\0\0\0\0")


def test_encode_rejects_unknown_optargs() -> None:
    with pytest.raises(LocalProtocolError, match="unknown optional"):
        ACTIONS["mkfs"].encode_args({"fstype": "ext4", "device": "/dev/sda"}, {"nosuch": 1})
    with pytest.raises(LocalProtocolError):
        ACTIONS["mount"].encode_args({"mountable": "/dev/sda"}, {})


def test_odd_hashtable_rejected() -> None:
    act = next(a for a in DAEMON if a.ret.kind == "RHashtable")
    assert act.ret_codec is not None
    payload = act.ret_codec.encode({act.ret_codec.names[0]: ["k", "v", "orphan"]})
    with pytest.raises(RemoteProtocolError, match="odd"):
        act.decode_ret(payload)

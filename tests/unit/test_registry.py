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
from guestfs.actions import ACTIONS, BY_PROC, Action, ArgKind, get_action
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

#: guestfish 1.48's own commands and its guestfish-only action names, from
#: ``man guestfish`` (not from our code), so the check below stays independent.
STOCK_FISH_LOCAL = {
    "help", "quit", "add", "add-ro", "alloc", "allocate", "append", "attach-method", "autosync",
    "backend", "btrfs-balance", "cachedir", "delete-event", "direct", "display", "domain", "echo",
    "edit", "emacs", "event", "get-uuid", "glob", "hexedit", "hv", "identifier", "lcd", "less",
    "list-events", "man", "manual", "memsize", "more", "network", "path", "pgroup", "pid",
    "program", "qemu", "recovery-proc", "reopen", "run", "scratch", "selinux", "setenv", "smp",
    "sparse", "supported", "time", "tmpdir", "trace", "unmount", "unmount-all", "unsetenv",
    "verbose", "vi",
}


@pytest.fixture(scope="module")
def stock_fish_commands() -> set[str]:
    """The command names stock guestfish 1.48 lists (``guestfish -h``)."""
    import shutil
    import subprocess

    if shutil.which("guestfish") is None or not os.path.exists("/usr/bin/guestfish"):
        from guestfs.testing import skip_or_fail
        skip_or_fail("stock guestfish is missing (apt-get install guestfish)")
    out = subprocess.run(["/usr/bin/guestfish", "-h"], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    return {line.split()[0] for line in out.splitlines()[1:] if line and not line[0].isspace()
            and not line.startswith("Use ")}


def test_registry_matches_stock_guestfish(stock_fish_commands: set[str]) -> None:
    """Checked against stock guestfish's list, not against the facts the
    registry was built from: every action stock offers is registered, and every
    public action of 1.48 we register is one stock offers."""
    assert len(stock_fish_commands) > 600
    ours = {n.replace("_", "-") for a in ACTIONS.values() for n in (a.name, *a.aliases)}
    missing = stock_fish_commands - STOCK_FISH_LOCAL - ours
    assert not missing, f"stock guestfish offers actions we do not register: {sorted(missing)}"
    public_148 = {a.name.replace("_", "-") for a in ACTIONS.values()
                  if a.visibility == "public" and a.facts.get("in_1_48")
                  and all(arg.kind.fish_word for arg in a.args)}  # a C pointer has no word
    invented = public_148 - stock_fish_commands
    assert not invented, f"registered as public 1.48 actions but unknown to stock: {sorted(invented)}"
    assert ACTIONS.keys() >= set(FACT_ACTIONS)


@pytest.mark.parametrize("act", DAEMON, ids=[a.name for a in DAEMON])
def test_kinds_agree_with_the_wire_layout(act: Action) -> None:
    """Each argument's kind travels as the XDR type the layout declares, and
    stream kinds (FileIn/FileOut) are exactly the fields left out of it."""
    fields = {f["name"]: f["type"] for f in act.args_xdr or []}
    for a in act.args:
        if a.kind.stream:
            assert a.name not in fields
        else:
            assert fields[a.name] == a.kind.xdr_type, a.name
    for o in act.optargs:
        assert fields[o.name] == o.kind.xdr_type, o.name


def test_readdir_is_daemon_proc_138() -> None:
    """libguestfs 1.48's daemon has readdir at 138; later ones moved it to the library."""
    act = ACTIONS["readdir"]
    assert act.daemon and act.proc_nr == 138
    assert BY_PROC[138] is act
    old = FACT_ACTIONS["readdir"]["at_v1_48_6"]
    assert act.args_xdr == old["args_xdr"] and act.ret_xdr == old["ret_xdr"]
    assert act.ret.name == "RStructList" and getattr(act.ret, "struct", None) == "dirent"


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
    """The rpcgen declarations of the args struct, from the facts' xdr_mapping
    (a check of the facts file's own consistency)."""
    m = FACTS["xdr_mapping"]
    f = FACT_ACTIONS[act.name] if act.name != "readdir" else FACT_ACTIONS["readdir"]["at_v1_48_6"]
    args = f.get("args", FACT_ACTIONS[act.name]["args"])
    omitted = set(m["args_omitted_subtypes"])
    out = [m["arg"][a["kind"]] % a["name"] for a in args if a.get("subtype") not in omitted]
    for o in f.get("optargs", FACT_ACTIONS[act.name]["optargs"]):
        kind = m["optarg_as_arg"][o["kind"]].split()[0]
        out.append(m["arg"][kind] % o["name"])
    return out


def _expected_ret_xdr(act: Action) -> list[str]:
    r = FACT_ACTIONS[act.name]["ret"]
    tmpl = FACTS["xdr_mapping"]["ret"][r["kind"]]
    if r["kind"] == "RErr":
        return []
    name = r.get("name") or ""
    if r["kind"] in ("RStruct", "RStructList"):
        return [tmpl % (r["struct"], name)]
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
        assert not any(a.name in names for a in act.args if a.kind.stream), act.name
        assert not any(a.kind.xdr_type == "none" for a in act.args), act.name


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
        if act.ret.name == "RBool":
            assert got is value
        else:
            assert got == value
    if act.ret.name == "RHashtable":
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


def _kind_of(act: Action, name: str) -> ArgKind:
    return next(x.kind for x in (*act.args, *act.optargs) if x.name == name)


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
    act = next(a for a in DAEMON if a.ret.name == "RHashtable")
    assert act.ret_codec is not None
    payload = act.ret_codec.encode({act.ret_codec.names[0]: ["k", "v", "orphan"]})
    with pytest.raises(RemoteProtocolError, match="odd"):
        act.decode_ret(payload)


# -- the typed public face against the stock binding's annotations ---------------------

#: The stock binding's annotations in our spelling.  Its RBool methods say
#: ``bool`` but return 0/1 ints (so do ours, typed ``int``); its structs are
#: plain ``dict``s where ours are TypedDicts.
_STOCK_TYPES = {
    "str": "str", "int": "int", "bool": "bool", "bytes": "bytes", "List[str]": "list[str]",
    "None": "None",
}


def _ours(annotation: str) -> str:
    """Our annotation with struct TypedDict names folded to ``dict``."""
    from guestfs import _methods
    for name in dir(_methods):
        obj = getattr(_methods, name)
        if isinstance(obj, type) and issubclass(obj, dict) and name != "dict":
            annotation = re.sub(rf"\b{name}\b", "dict", annotation)
    return annotation


def _stock(annotation: str, ret: bool = False) -> str:
    """A stock annotation in our spelling."""
    m = re.fullmatch(r"Optional\[(.*)\]", annotation)
    if m:
        return _stock(m.group(1), ret) + " | None"
    if annotation == "List[dict]":
        return "list[dict]"
    if annotation == "Union[List[Tuple[str, str]], dict]":
        return "dict[str, str] | list[tuple[str, str]]"
    if ret and annotation == "bool":
        return "int"
    return _STOCK_TYPES.get(annotation, annotation)


def _stock_annotations() -> dict[str, tuple[list[str], str | None]]:
    with open(STOCK_BINDING) as f:
        tree = ast.parse(f.read())
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "GuestFS")
    out = {}
    for node in cls.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            params = [ast.unparse(a.annotation) if a.annotation else "object" for a in node.args.args[1:]]
            out[node.name] = (params, ast.unparse(node.returns) if node.returns else None)
    return out


def test_annotations_match_stock(stock_methods: dict[str, tuple[list[str], list[str]]]) -> None:
    """Every method's argument and return types, as IDEs see them, say what
    the stock binding's annotations say (an independent source for the kinds)."""
    problems = []
    checked = 0
    for name, (params, ret) in sorted(_stock_annotations().items()):
        if name in BINDING_NON_ACTIONS:
            continue
        sig = inspect.signature(getattr(GuestFS, name))
        ours = [_ours(str(p.annotation)) for p in list(sig.parameters.values())[1:len(params) + 1]]
        theirs = [_stock(p) for p in params]
        if ours != theirs:
            problems.append((name, ours, theirs))
        if ret is not None and _ours(str(sig.return_annotation)) != _stock(ret, ret=True):
            problems.append((name, sig.return_annotation, ret))
        checked += 1
    assert problems == []
    assert checked > 550


# -- implemented or listed ---------------------------------------------------------------

def test_every_action_is_implemented_or_listed() -> None:
    """Each action has exactly one of: an implementation (daemon or library
    side, as the registry says) or an entry in the not-implemented table."""
    from guestfs.actions.unimplemented import NOT_IMPLEMENTED
    from guestfs.library import LIBRARY_IMPLS
    from guestfs_daemon import dispatch

    dispatch.load_impls()
    neither, both = [], []
    for act in ACTIONS.values():
        implemented = act.name in (dispatch.IMPLS if act.daemon else LIBRARY_IMPLS)
        if act.daemon and act.name in LIBRARY_IMPLS:
            implemented = True  # a daemon action the library runs itself (readdir, …)
        listed = act.name in NOT_IMPLEMENTED
        if not implemented and not listed:
            neither.append(act.name)
        if implemented and listed:
            both.append(act.name)
    assert neither == []
    assert both == []
    assert set(NOT_IMPLEMENTED) <= set(ACTIONS)
    assert all(reason.strip() for reason in NOT_IMPLEMENTED.values())


def test_unimplemented_calls_say_why(monkeypatch: pytest.MonkeyPatch) -> None:
    """A call on the table answers "not supported" with its reason, on the daemon
    side and on the library side (when no entry of a side is left on the table,
    a call of that side is taken off its implementation for the check)."""
    from guestfs.actions.unimplemented import NOT_IMPLEMENTED
    from guestfs.library import LIBRARY_IMPLS
    from guestfs_daemon import dispatch
    from guestfs_daemon.errors import NotSupported

    name = next((n for n in sorted(NOT_IMPLEMENTED) if ACTIONS[n].daemon), None)
    if name is None:
        name = "list_9p"
        monkeypatch.delitem(dispatch.IMPLS, name)
        monkeypatch.setitem(NOT_IMPLEMENTED, name, "a reason for the test")
    with pytest.raises(NotSupported) as e:
        dispatch.lookup(ACTIONS[name])
    assert NOT_IMPLEMENTED[name] in str(e.value) and e.value.errno == "ENOTSUP"
    lib = next((n for n in sorted(NOT_IMPLEMENTED) if not ACTIONS[n].daemon and not ACTIONS[n].args),
               None)
    if lib is None:
        lib = "get_libvirt_requested_credentials"
        monkeypatch.delitem(LIBRARY_IMPLS, lib)
        monkeypatch.setitem(NOT_IMPLEMENTED, lib, "a reason for the test")
    with pytest.raises(RuntimeError, match=f"^{lib}: this function is not supported") as le:
        getattr(GuestFS(environment=False), lib)()
    assert NOT_IMPLEMENTED[lib] in str(le.value)

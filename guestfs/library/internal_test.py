"""The ``internal_test*`` binding-test actions.

They exercise every argument and return kind without an appliance:
``internal_test`` sends its arguments through an XDR codec derived from the
argument kinds (the same mapping daemon actions use) and prints what comes
back; ``internal_test_r*`` return a value of each kind made from a string,
and the ``*err`` variants fail.
"""

from __future__ import annotations

import re
import sys
from typing import IO, TYPE_CHECKING, Any

from ..actions import ACTIONS
from ..actions._registry import struct_codecs
from ..errors import GuestFSError
from ..protocol.facts import load_facts
from ..protocol.xdr import StructCodec, zero_value
from . import LIBRARY_IMPLS, library_action

if TYPE_CHECKING:
    from ..handle import GuestFS

def _codec(name: str) -> StructCodec:
    """The args codec of an internal_test action, from its kinds' XDR types."""
    act = ACTIONS[name]
    fields = [{"name": a.name, "type": a.kind.xdr_type} for a in act.wire_args]
    fields += [{"name": o.name, "type": o.kind.xdr_type} for o in act.optargs]
    return StructCodec(f"{name}_args", fields)


def _output(g: GuestFS) -> IO[str]:
    return getattr(g, "_test_output", None) or sys.stdout


def _echo(name: str) -> Any:
    act = ACTIONS[name]
    codec = _codec(name)

    def impl(g: GuestFS, *args: Any, **opts: Any) -> None:
        values = {a.name: v for a, v in zip(act.args, args)}
        wire = {f["name"]: values.get(f["name"], opts.get(f["name"])) for f in codec.fields}
        for f in codec.fields:  # unset optargs travel as zero values
            if wire[f["name"]] is None and f["type"] != "optional_string":
                wire[f["name"]] = zero_value(f)
        back = codec.decode(codec.encode(wire))
        out = _output(g)
        for a in act.args:
            v = values[a.name] if a.kind.stream else back[a.name]
            out.write(a.kind.echo(v) + "\n")
        for o in act.optargs:
            out.write(f"{o.name}: {o.kind.echo(back[o.name] if o.name in opts else None)}\n")
        out.flush()
    return impl


for _name in ("internal_test", "internal_test_only_optargs", "internal_test_63_optargs"):
    LIBRARY_IMPLS[_name] = _echo(_name)


@library_action("internal_test_set_output")
def set_output(g: GuestFS, filename: str) -> None:
    """Send internal_test's output to a file instead of stdout."""
    try:
        g._test_output = open(filename, "w")  # noqa: SIM115 - closed by close_output
    except OSError as e:
        raise GuestFSError(f"{filename}: {e.strerror}") from None


@library_action("internal_test_close_output")
def close_output(g: GuestFS) -> None:
    """Close the file set by internal_test_set_output."""
    f = getattr(g, "_test_output", None)
    if f is not None:
        f.close()
        g._test_output = None


def _lvm_pv(i: int) -> dict[str, Any]:
    """A made-up PV struct whose fields carry ``i``."""
    fields = next(s["fields"] for s in load_facts()["structs"] if s["name"] == "lvm_pv")
    out: dict[str, Any] = {}
    for f in fields:
        if f["type"] == "opaque_fixed":
            out[f["name"]] = "12345678901234567890123456789012"
        elif f["type"] == "string":
            stem = {"pv_name": "pv", "pv_fmt": None, "pv_attr": "attr", "pv_tags": "tag"}[f["name"]]
            out[f["name"]] = "unknown" if stem is None else f"{stem}{i}"
        else:
            out[f["name"]] = i
    # Round-trip through the real struct codec so marshalling is exercised.
    sc = struct_codecs()["lvm_pv"]
    return sc.decode(sc.encode(out))


def _scanf_int(v: str, what: str, pattern: str) -> int:
    """Parse like C ``sscanf``: leading blanks, then the longest valid prefix."""
    m = re.match(pattern, v)
    if not m:
        raise ValueError(f"expecting {what} argument")
    sign = -1 if m.group(1) == "-" else 1
    digits = m.group(2)
    if what == "int64" and digits[:2].lower() == "0x":
        return sign * int(digits[2:], 16)
    if what == "int64" and digits.startswith("0") and len(digits) > 1:
        return sign * int(digits, 8)
    return sign * int(digits)


_RETURNS = {
    # %d and %SCNi64 (base prefixes) conversions, as libguestfs's C code uses.
    "rint": lambda v: _scanf_int(v, "int", r"\s*([-+]?)(\d+)"),
    "rint64": lambda v: _scanf_int(v, "int64", r"\s*([-+]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)"),
    "rbool": lambda v: v == "true",
    "rconststring": lambda v: "static string",
    "rconstoptstring": lambda v: "static string",
    "rstring": str, "rstringlist": lambda v: [str(i) for i in range(int(v))],
    "rstruct": lambda v: _lvm_pv(0), "rstructlist": lambda v: [_lvm_pv(i) for i in range(int(v))],
    "rhashtable": lambda v: [(str(i), str(i)) for i in range(int(v))],
    "rbufferout": lambda v: v.encode(),
}


def _make_return(name: str, fn: Any) -> Any:
    def impl(g: GuestFS, val: str) -> Any:
        try:
            return fn(val)
        except ValueError as e:
            raise GuestFSError(f"{name}: {e}", "EINVAL") from None
    return impl


def _fail(g: GuestFS) -> None:
    raise GuestFSError("error")


for _kind, _fn in _RETURNS.items():
    LIBRARY_IMPLS[f"internal_test_{_kind}"] = _make_return(f"internal_test_{_kind}", _fn)
    LIBRARY_IMPLS[f"internal_test_{_kind}err"] = _fail
# RConstOptString cannot report an error: its "err" variant returns NULL.
LIBRARY_IMPLS["internal_test_rconstoptstringerr"] = lambda g: None

"""Generates ``guestfs/_methods.py``: every action as a typed method.

``python -m guestfs.actions.codegen`` rewrites the file from the registry,
its kinds and the summaries; ``--check`` exits 1 if the file on disk is
stale (``make lint`` and a unit test run it).  Generated code rather than a
stub file, so the signatures IDEs and mypy see are the ones that run.
"""

from __future__ import annotations

import argparse
import keyword
import os
import sys
from collections.abc import Iterator

from ..protocol.facts import load_facts
from ._registry import ACTIONS, Action
from ._summaries import SUMMARIES

OUTPUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "_methods.py")

#: Python types of the return structs' fields, by generator field type.
_FIELD_TYPES = {
    "FChar": "str", "FString": "str", "FDevice": "str", "FUUID": "str", "FBuffer": "bytes",
    "FInt32": "int", "FUInt32": "int", "FInt64": "int", "FUInt64": "int", "FBytes": "int",
    "FOptPercent": "float | None",
}

HEADER = '''"""Every libguestfs action as a typed method (GENERATED: do not edit).

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
'''


def struct_class(name: str) -> str:
    """The TypedDict name of a return struct (``statns`` → ``StatNS``)."""
    camel = next(s["camel_name"] for s in load_facts()["structs"] if s["name"] == name)
    return str(camel)


def _ret_type(act: Action) -> str:
    struct = getattr(act.ret, "struct", None)
    if struct is not None:
        cls = struct_class(struct)
        return f"list[{cls}]" if getattr(act.ret, "many", False) else cls
    return act.ret.py_type


def _pyname(name: str) -> str:
    return name + "_" if keyword.iskeyword(name) else name


def _structs() -> Iterator[str]:
    for s in load_facts()["structs"]:
        yield ""
        yield ""
        yield f"class {s['camel_name']}(TypedDict):"
        yield f'    """The ``{s["name"]}`` struct some actions return."""'
        yield ""
        for f in s["fields"]:
            yield f"    {f['name']}: {_FIELD_TYPES[f['ftype']]}"


def docstring(act: Action) -> list[str]:
    """The docstring lines of an action's method: summary, deprecation, args, return."""
    lines = [SUMMARIES.get(act.name, f"The {act.name} action.")]
    if act.facts.get("deprecated"):
        lines += ["", "Deprecated" + (f": use :meth:`{act.deprecated_by}` instead." if act.deprecated_by
                                      else ".")]
    params = [f":param {a.name}: {a.kind.doc} ({a.kind.name})" for a in act.args]
    params += [f":param {o.name}: optional, {o.kind.doc}" for o in act.optargs]
    rtype = _ret_type(act)
    if params or rtype != "None":
        lines.append("")
    lines += params
    if rtype != "None":
        lines.append(f":returns: {act.ret.doc} ({act.ret.name})")
    return lines


def _method(act: Action, name: str) -> Iterator[str]:
    args = [f"{_pyname(a.name)}: {a.kind.py_type}" for a in act.args]
    opts = [f"{_pyname(o.name)}: {o.kind.py_type} | None = None" for o in act.optargs]
    head = f"    def {name}("
    tail = f") -> {_ret_type(act)}:"
    one_line = head + ", ".join(["self", *args, *opts]) + tail
    yield ""
    if len(one_line) <= 110:
        yield one_line
    else:
        yield head
        for p in ["self", *args, *opts]:
            yield f"        {p},"
        yield "    " + tail
    doc = docstring(act)
    if len(doc) == 1:
        yield f'        """{doc[0]}"""'
    else:
        yield f'        """{doc[0]}'
        for line in doc[1:]:
            yield f"        {line}".rstrip()
        yield '        """'
    if act.deprecated_by:
        yield (f'        warnings.warn("use GuestFS.{act.deprecated_by}() instead of '
               f'GuestFS.{act.name}()", DeprecationWarning, stacklevel=2)')
    names = [_pyname(a.name) for a in act.args]
    positional = "(" + ", ".join(names) + ("," if len(names) == 1 else "") + ")"
    optional = "{" + ", ".join(f'"{o.name}": {_pyname(o.name)}' for o in act.optargs) + "}"
    call = f'        return self._invoke(_A["{act.name}"], {positional}, {optional})'
    if len(call) <= 110:
        yield call
    else:
        yield f'        return self._invoke(_A["{act.name}"], {positional}, {{'
        for o in act.optargs:
            yield f'            "{o.name}": {_pyname(o.name)},'
        yield "        })"


def generate() -> str:
    """The text of ``guestfs/_methods.py``."""
    out = HEADER.splitlines()
    out += list(_structs())
    out += ["", "", "class ActionMethods:",
            '    """Every action of the registry, as a method (the base of ``GuestFS``)."""',
            "",
            "    if TYPE_CHECKING:",
            "        def _invoke(self, act: Action, args: tuple[Any, ...],",
            "                    opts: Mapping[str, Any]) -> Any: ...",
            ]
    for name in sorted(ACTIONS):
        act = ACTIONS[name]
        out += list(_method(act, name))
        for alias in act.aliases:
            out += ["", f"    {alias} = {name}"]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check``, compare) the generated module."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--check", action="store_true", help="exit 1 if the file is not up to date")
    opts = ap.parse_args(argv)
    text = generate()
    try:
        with open(OUTPUT) as f:
            current = f.read()
    except FileNotFoundError:
        current = ""
    if opts.check:
        if current != text:
            print(f"{OUTPUT} is stale: run python -m guestfs.actions.codegen", file=sys.stderr)
            return 1
        return 0
    if current != text:
        with open(OUTPUT, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

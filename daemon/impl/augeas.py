"""The aug_* calls: editing guest configuration files through Augeas.

One Augeas handle lives in the daemon between ``aug_init`` and
``aug_close`` (a new ``aug_init`` replaces it), its root the sysroot
path of the caller's root, as in libguestfs's daemon.  The C library is
reached through ``daemon/lib/augeaslib.py``; this module gives the
answers and the error replies stock libguestfs 1.48 gives: Augeas's own
error message, minor message and details after the call's arguments
(``aug_set: PATH: VALUE: Too many matches for path expression``).
"""

from __future__ import annotations

from typing import Any

from ..dispatch import action
from ..errors import DaemonError
from ..lib.augeaslib import ENOMEM, Augeas
from ..lib.guestroot import real

#: The handle of the last aug_init, or None.
_aug: Augeas | None = None


def _need(call: str) -> Augeas:
    """The open handle, or stock's reply for a call made before aug_init."""
    if _aug is None:
        raise DaemonError(f"do_{call}: you must call 'aug-init' first to initialize Augeas")
    return _aug


def _failed(aug: Augeas, *what: str) -> DaemonError:
    """The error reply for a failed Augeas call: ``what…: augeas's error``."""
    head = ": ".join(what)
    if aug.error_code() == ENOMEM:
        return DaemonError(f"{head}: augeas out of memory", "ENOMEM")
    return DaemonError(f"{head}: {aug.error_text()}")


def _close() -> None:
    global _aug
    if _aug is not None:
        _aug.close()
        _aug = None


@action("aug_init")
def aug_init(root: str, flags: int) -> None:
    """Open a new Augeas handle rooted at the guest directory ``root`` (closing any previous one).

    ``flags`` are Augeas's own ``aug_init`` flags, passed on unchecked as
    stock does.  An error Augeas reports while loading makes the call fail
    (with Augeas's words) and leaves no handle.
    """
    global _aug
    _close()
    # The root's own links resolve inside the guest (Augeas works outside the chroot).
    aug = Augeas(real(root, follow=True), flags)
    if aug.error_code() != 0:
        err = _failed(aug, "aug_init", f"{root} (flags {flags})")
        aug.close()
        raise err
    _aug = aug


@action("aug_close")
def aug_close() -> None:
    """Free the Augeas handle (unsaved changes are lost)."""
    _need("aug_close")
    _close()


@action("aug_defvar")
def aug_defvar(name: str, expr: str | None) -> int:
    """Define (or, with no ``expr``, undefine) the variable ``$name``.

    :returns: the number of nodes ``expr`` selects, 0 for a value that is not a nodeset.
    """
    aug = _need("aug_defvar")
    r = aug.defvar(name, expr)
    if r == -1:
        raise _failed(aug, "aug_defvar", name, "(null)" if expr is None else expr)
    return r


@action("aug_defnode")
def aug_defnode(name: str, expr: str, val: str) -> dict[str, Any]:
    """Define ``$name`` as the nodeset of ``expr``, creating the node (set to ``val``) if none matches.

    :returns: the ``int_bool`` struct: the nodeset's size and whether a node was created.
    """
    aug = _need("aug_defnode")
    r, created = aug.defnode(name, expr, val)
    if r == -1:
        raise _failed(aug, "aug_defnode", name, expr, val)
    return {"i": r, "b": int(created)}


@action("aug_get")
def aug_get(augpath: str) -> str:
    """The value of the one node ``augpath`` matches (no node, several, or no value: an error)."""
    aug = _need("aug_get")
    r, value = aug.get(augpath)
    if r == 0:
        raise DaemonError("no matching node")
    if r != 1:
        raise _failed(aug, "aug_get", augpath)
    if value is None:
        raise DaemonError("Augeas returned NULL match")
    return value


@action("aug_set")
def aug_set(augpath: str, val: str) -> None:
    """Set the one node ``augpath`` matches to ``val`` (created, with its parents, if missing)."""
    aug = _need("aug_set")
    if aug.set(augpath, val) == -1:
        raise _failed(aug, "aug_set", augpath, val)


@action("aug_clear")
def aug_clear(augpath: str) -> None:
    """Set the node ``augpath`` to no value at all (what aug_set cannot express)."""
    aug = _need("aug_clear")
    if aug.set(augpath, None) == -1:
        raise _failed(aug, "aug_clear", augpath)


@action("aug_setm")
def aug_setm(base: str, sub: str | None, val: str) -> int:
    """Set ``sub`` below every node ``base`` matches (the nodes themselves with no ``sub``).

    :returns: the number of nodes changed.
    """
    aug = _need("aug_setm")
    r = aug.setm(base, sub, val)
    if r == -1:
        raise _failed(aug, "aug_setm", base, "(null)" if sub is None else sub, val)
    return r


@action("aug_insert")
def aug_insert(augpath: str, label: str, before: bool) -> None:
    """Insert a sibling node ``label`` before or after the one node ``augpath`` matches."""
    aug = _need("aug_insert")
    if aug.insert(augpath, label, before) == -1:
        raise _failed(aug, "aug_insert", augpath, f"{label} [before={int(before)}]")


@action("aug_rm")
def aug_rm(augpath: str) -> int:
    """Remove every node ``augpath`` matches, with their children.

    :returns: how many nodes were removed.
    """
    aug = _need("aug_rm")
    r = aug.rm(augpath)
    if r == -1:
        raise _failed(aug, "aug_rm", augpath)
    return r


@action("aug_mv")
def aug_mv(src: str, dest: str) -> None:
    """Move the one node ``src`` matches to ``dest`` (replacing what is there)."""
    aug = _need("aug_mv")
    if aug.mv(src, dest) == -1:
        raise _failed(aug, "aug_mv", src, dest)


@action("aug_match")
def aug_match(augpath: str) -> list[str]:
    """The paths, each naming exactly one node, of the nodes ``augpath`` matches, in tree order."""
    aug = _need("aug_match")
    return _match(aug, augpath)


def _match(aug: Augeas, augpath: str) -> list[str]:
    r, paths = aug.match(augpath)
    if r == -1:
        raise _failed(aug, "aug_match", augpath)
    return paths


@action("aug_ls")
def aug_ls(augpath: str) -> list[str]:
    """The children of ``augpath``, sorted (``aug_match PATH/*``).

    A path ending in ``/``, ``]`` or ``*`` is refused as stock does:
    appending ``/*`` to it would not mean "its children".
    """
    aug = _need("aug_ls")
    if len(augpath) > 1 and augpath[-1] in "/]*":
        raise DaemonError("don't use aug-ls with a path that ends with / ] *")
    pattern = "/*" if augpath == "/" else f"{augpath}/*"
    # Byte order, like the C library's strcmp sort.
    return sorted(_match(aug, pattern), key=lambda p: p.encode("utf-8", "surrogateescape"))


@action("aug_label")
def aug_label(augpath: str) -> str:
    """The label (last path component) of the one node ``augpath`` matches."""
    aug = _need("aug_label")
    r, label = aug.label(augpath)
    if r == 0:
        raise DaemonError("no matching nodes found")
    if r != 1:
        raise _failed(aug, "aug_label", augpath)
    if label is None:  # the root node: stock words it as a failed internal check
        raise DaemonError(f"internal error: expected label != NULL (r = {r})")
    return label


@action("aug_save")
def aug_save() -> None:
    """Write the changed files back into the guest, as ``aug_init``'s flags say."""
    aug = _need("aug_save")
    if aug.save() == -1:
        raise _failed(aug, "aug_save")


@action("aug_load")
def aug_load() -> None:
    """(Re)load the files the transforms under ``/augeas/load`` name into ``/files``."""
    aug = _need("aug_load")
    if aug.load() == -1:
        raise _failed(aug, "aug_load")


@action("aug_transform")
def aug_transform(lens: str, file: str, remove: bool = False) -> None:
    """Make ``lens`` handle ``file`` from the next ``aug_load`` (or, with ``remove``, exclude it)."""
    aug = _need("aug_transform")
    if aug.transform(lens, file, remove) == -1:
        raise _failed(aug, "aug_transform", lens, file, "excl" if remove else "incl")

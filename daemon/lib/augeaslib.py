"""Debian's Augeas C library (libaugeas0), bound with ctypes for the aug_* family.

Why not python3-augeas: that binding discards what libguestfs's answers
are made of.  Its ``get`` returns None alike for "no node", "too many
nodes" and "a node without a value"; no call exposes ``aug_error`` and
its messages (stock's error replies quote them); ``match`` frees the C
strings with the Python allocator.  So this module declares the few C
functions the family needs, with their real signatures, and keeps every
return code.  ``daemon/impl/augeas.py`` words the replies.

The library is loaded on first use (not at daemon start: most sessions
never touch Augeas, and loading costs time under TCG).
"""

from __future__ import annotations

import ctypes
from ctypes import POINTER, byref, c_char_p, c_int, c_uint, c_void_p

from ..errors import DaemonError

#: The shared library Debian's libaugeas0 installs.
SONAME = "libaugeas.so.0"

#: aug_init flag: keep the handle even when initialisation reports an
#: error, so that the error can be read and reported (as stock does).
NO_ERR_CLOSE = 1 << 8
#: aug_error code for "out of memory".
ENOMEM = 1

_lib: ctypes.CDLL | None = None
_libc = ctypes.CDLL(None)
_libc.free.argtypes = [c_void_p]
_libc.free.restype = None


def _declare(lib: ctypes.CDLL) -> None:
    """Give every function used here its C prototype (ctypes would guess int)."""
    aug = c_void_p
    sig: dict[str, tuple[object, list[object]]] = {
        "aug_init": (aug, [c_char_p, c_char_p, c_uint]),
        "aug_close": (None, [aug]),
        "aug_error": (c_int, [aug]),
        "aug_error_message": (c_char_p, [aug]),
        "aug_error_minor_message": (c_char_p, [aug]),
        "aug_error_details": (c_char_p, [aug]),
        "aug_get": (c_int, [aug, c_char_p, POINTER(c_char_p)]),
        "aug_label": (c_int, [aug, c_char_p, POINTER(c_char_p)]),
        "aug_set": (c_int, [aug, c_char_p, c_char_p]),
        "aug_setm": (c_int, [aug, c_char_p, c_char_p, c_char_p]),
        "aug_defvar": (c_int, [aug, c_char_p, c_char_p]),
        "aug_defnode": (c_int, [aug, c_char_p, c_char_p, c_char_p, POINTER(c_int)]),
        "aug_insert": (c_int, [aug, c_char_p, c_char_p, c_int]),
        "aug_rm": (c_int, [aug, c_char_p]),
        "aug_mv": (c_int, [aug, c_char_p, c_char_p]),
        "aug_match": (c_int, [aug, c_char_p, POINTER(POINTER(c_void_p))]),
        "aug_save": (c_int, [aug]),
        "aug_load": (c_int, [aug]),
        "aug_transform": (c_int, [aug, c_char_p, c_char_p, c_int]),
    }
    for name, (restype, argtypes) in sig.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes


def library() -> ctypes.CDLL:
    """The loaded, declared library.

    :raises DaemonError: libaugeas0 is not in the appliance.
    """
    global _lib
    if _lib is None:
        try:
            lib = ctypes.CDLL(SONAME)
        except OSError as e:
            raise DaemonError(f"augeas library not available: {e}", "ENOTSUP") from None
        _declare(lib)
        _lib = lib
    return _lib


def present() -> bool:
    """True if the library can be loaded (the "augeas" optional group)."""
    try:
        library()
    except DaemonError:
        return False
    return True


def _enc(s: str | None) -> bytes | None:
    return None if s is None else s.encode("utf-8", "surrogateescape")


def _dec(b: bytes | None) -> str | None:
    return None if b is None else b.decode("utf-8", "surrogateescape")


class Augeas:
    """One Augeas handle: the C calls with their return codes kept.

    Methods return what the C function returns (-1 on error); the error
    itself is read with :meth:`error_code` and :meth:`error_text`.
    """

    def __init__(self, root: str, flags: int) -> None:
        """``aug_init(root, NULL, flags | NO_ERR_CLOSE)``.

        :raises DaemonError: the library returned no handle at all.
        """
        self._lib = library()
        handle = self._lib.aug_init(_enc(root), None, (flags | NO_ERR_CLOSE) & 0xFFFFFFFF)
        if not handle:
            raise DaemonError("augeas initialization failed")
        self._h: int | None = handle

    def _handle(self) -> int:
        if self._h is None:
            raise DaemonError("the Augeas handle is closed")
        return self._h

    def close(self) -> None:
        """Free the handle (idempotent)."""
        if self._h is not None:
            self._lib.aug_close(self._h)
            self._h = None

    # -- errors ----------------------------------------------------------------

    def error_code(self) -> int:
        """``aug_error``: 0 when the last call reported no error."""
        return int(self._lib.aug_error(self._handle()))

    def error_text(self) -> str:
        """The last error as ``message[: minor][: details]``, the way stock words it."""
        h = self._handle()
        parts = [_dec(self._lib.aug_error_message(h)) or ""]
        for fn in (self._lib.aug_error_minor_message, self._lib.aug_error_details):
            extra = _dec(fn(h))
            if extra:
                parts.append(extra)
        return ": ".join(parts)

    # -- the tree ----------------------------------------------------------------

    def get(self, path: str) -> tuple[int, str | None]:
        """``aug_get``: (number of matches or -1, the value, None for a NULL value)."""
        value = c_char_p()
        r = self._lib.aug_get(self._handle(), _enc(path), byref(value))
        return int(r), _dec(value.value) if r == 1 else None

    def label(self, path: str) -> tuple[int, str | None]:
        """``aug_label``: (number of matches or -1, the label or None)."""
        label = c_char_p()
        r = self._lib.aug_label(self._handle(), _enc(path), byref(label))
        return int(r), _dec(label.value) if r == 1 else None

    def set(self, path: str, value: str | None) -> int:
        """``aug_set`` (a None value clears the node)."""
        return int(self._lib.aug_set(self._handle(), _enc(path), _enc(value)))

    def setm(self, base: str, sub: str | None, value: str) -> int:
        """``aug_setm``: the number of nodes changed, or -1."""
        return int(self._lib.aug_setm(self._handle(), _enc(base), _enc(sub), _enc(value)))

    def defvar(self, name: str, expr: str | None) -> int:
        """``aug_defvar``: nodes in the nodeset (0 for other values), or -1."""
        return int(self._lib.aug_defvar(self._handle(), _enc(name), _enc(expr)))

    def defnode(self, name: str, expr: str, value: str) -> tuple[int, bool]:
        """``aug_defnode``: (nodes in the nodeset or -1, whether a node was created)."""
        created = c_int(0)
        r = self._lib.aug_defnode(self._handle(), _enc(name), _enc(expr), _enc(value), byref(created))
        return int(r), bool(created.value)

    def insert(self, path: str, label: str, before: bool) -> int:
        """``aug_insert``: 0, or -1."""
        return int(self._lib.aug_insert(self._handle(), _enc(path), _enc(label), int(before)))

    def rm(self, path: str) -> int:
        """``aug_rm``: the number of nodes removed, or -1."""
        return int(self._lib.aug_rm(self._handle(), _enc(path)))

    def mv(self, src: str, dest: str) -> int:
        """``aug_mv``: 0, or -1."""
        return int(self._lib.aug_mv(self._handle(), _enc(src), _enc(dest)))

    def match(self, path: str) -> tuple[int, list[str]]:
        """``aug_match``: (number of matches or -1, the matching paths in tree order)."""
        array = POINTER(c_void_p)()
        r = int(self._lib.aug_match(self._handle(), _enc(path), byref(array)))
        paths: list[str] = []
        if r > 0 and array:
            try:
                for i in range(r):
                    p = array[i]
                    if p:
                        paths.append(_dec(ctypes.string_at(p)) or "")
                        _libc.free(p)
            finally:
                _libc.free(array)
        return r, paths

    # -- files ----------------------------------------------------------------

    def save(self) -> int:
        """``aug_save``: 0, or -1."""
        return int(self._lib.aug_save(self._handle()))

    def load(self) -> int:
        """``aug_load``: 0, or -1."""
        return int(self._lib.aug_load(self._handle()))

    def transform(self, lens: str, file: str, excl: bool) -> int:
        """``aug_transform``: 0, or -1."""
        return int(self._lib.aug_transform(self._handle(), _enc(lens), _enc(file), int(excl)))

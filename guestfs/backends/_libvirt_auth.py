"""libvirt authentication through the ``libvirt_auth`` event (one handle's state).

The user declares the credential types it can answer
(``set_libvirt_supported_credentials``).  When the library opens a libvirt
connection (``add_domain``, the libvirt backend) with those types and a
``libvirt_auth`` callback registered, the connection is opened with
``libvirt.openAuth``; libvirt's auth callback fires the event once, with the
URI as its message, and the user reads the requested credentials and answers
them by index (the ``get_libvirt_requested_*`` /
``set_libvirt_requested_credential`` calls, valid only during the event).
With no types declared, the connection prompts on the terminal as stock
does (libvirt's default authentication, with libguestfs's banner first):
see :func:`terminal_callback`.  This module does not import libvirt: the
credential type numbers are libvirt's stable ``VIR_CRED_*`` values.
"""

from __future__ import annotations

import os
import sys
import termios
import threading
import weakref
from typing import TYPE_CHECKING, Any

from ..errors import GuestFSError
from ..events import EVENT_LIBVIRT_AUTH

if TYPE_CHECKING:
    from ..events import EventRegistry
    from ..handle import GuestFS

#: Credential type name → libvirt's ``VIR_CRED_*`` number.
CREDENTIAL_TYPES: dict[str, int] = {
    "username": 1, "authname": 2, "language": 3, "cnonce": 4, "passphrase": 5,
    "echoprompt": 6, "noechoprompt": 7, "realm": 8, "external": 9,
}
_TYPE_NAMES = {n: name for name, n in CREDENTIAL_TYPES.items()}

#: The types libvirt's own default authentication answers (not ``username``:
#: libvirt leaves it out, it would only prompt for the user name twice).
TERMINAL_TYPES: list[int] = [CREDENTIAL_TYPES[n] for n in (
    "authname", "echoprompt", "realm", "passphrase", "noechoprompt", "external")]

#: libvirt-python's credential lists: [type, prompt, challenge, defresult, result].
PROMPT, CHALLENGE, DEFRESULT, RESULT = 1, 2, 3, 4


class LibvirtAuth:
    """The supported credential types of one handle and the request in progress."""

    def __init__(self, events: EventRegistry) -> None:
        self.events = events
        self.supported: list[int] = []
        #: libvirt's credential lists while the event runs, else None.
        self.requested: list[list[Any]] | None = None

    def set_supported(self, names: list[str]) -> None:
        """Replace the supported types; an empty list goes back to the plain open.

        :raises GuestFSError: a name that is not a libvirt credential type.
        """
        types = []
        for name in names:
            if name not in CREDENTIAL_TYPES:
                raise GuestFSError(f"unknown credential type \u2018{name}\u2019", "EINVAL")
            types.append(CREDENTIAL_TYPES[name])
        self.supported = types

    def open_args(self, uri: str | None) -> list[Any] | None:
        """The ``auth`` argument of ``libvirt.openAuth`` for ``uri``, or None
        when the plain ``libvirt.open`` applies.

        No types declared: the terminal prompts (:func:`terminal_callback`),
        as stock's default.  Types declared and a ``libvirt_auth`` callback:
        the event.  Types declared and nobody listening: the plain open
        (libvirt gets no answers either way, as with stock).
        """
        if not self.supported:
            return [list(TERMINAL_TYPES), terminal_callback, uri]
        if not self.events.wants(EVENT_LIBVIRT_AUTH):
            return None
        return [list(self.supported), self._callback, uri]

    def _callback(self, creds: list[list[Any]], uri: str | None) -> int:
        """libvirt's auth callback: fire the event once; answers land in ``creds``.

        A connection opened from within the event (a nested ``add_domain``)
        has its own request; the outer one is back when it returns.
        """
        outer, self.requested = self.requested, creds
        try:
            self.events.emit(EVENT_LIBVIRT_AUTH, uri or "")
        finally:
            self.requested = outer
        return 0

    # -- the calls valid during the event ------------------------------------

    def _creds(self, caller: str) -> list[list[Any]]:
        if self.requested is None:
            raise GuestFSError(f"guestfs_impl_{caller} should only be called from within the "
                               "GUESTFS_EVENT_LIBVIRT_AUTH event handler", "EINVAL")
        return self.requested

    def _cred(self, caller: str, index: int) -> list[Any]:
        creds = self._creds(caller)
        if not 0 <= index < len(creds):
            raise GuestFSError("credential index out of range", "EINVAL")
        return creds[index]

    def requested_types(self) -> list[str]:
        """The names of the credential types libvirt asks for, in its order."""
        return [_TYPE_NAMES.get(c[0], str(c[0]))
                for c in self._creds("get_libvirt_requested_credentials")]

    def field(self, caller: str, index: int, which: int) -> str:
        """The prompt, challenge or default result of credential ``index`` ("" if none)."""
        return str(self._cred(caller, index)[which] or "")

    def answer(self, index: int, cred: bytes) -> None:
        """Set the answer of credential ``index``.

        :raises GuestFSError: outside the event, a bad index, or an answer
            libvirt-python cannot pass (it takes text: UTF-8 without NUL).
        """
        c = self._cred("set_libvirt_requested_credential", index)
        try:
            text = cred.decode("utf-8")
        except UnicodeDecodeError:
            raise GuestFSError("set_libvirt_requested_credential: the credential is not valid "
                               "UTF-8 (libvirt-python passes credentials as text)",
                               "EINVAL") from None
        if "\0" in text:
            raise GuestFSError("set_libvirt_requested_credential: the credential contains a "
                               "NUL byte (libvirt-python passes credentials as C strings)",
                               "EINVAL")
        c[RESULT] = text


# -- the terminal prompts (no types declared) ------------------------------------

def terminal_callback(creds: list[list[Any]], uri: str | None) -> int:
    """libvirt's auth callback when the user declared no credential types.

    As stock: a two-line banner naming the URI on stdout, then for each
    credential its prompt and ": " (stdout, flushed).  A user name, realm
    or echoed prompt is one line of stdin (end of file: empty); a password
    or unechoed prompt is read from the controlling terminal with echo off
    (a newline written after it), or from stdin when there is no terminal.
    An empty answer takes libvirt's default result, else "".  An
    ``external`` credential other than PolicyKit, a type libvirt's default
    does not answer, or a failed write refuses (-1: libvirt fails the
    connection with its own message).  ^C (the terminal keeps its
    signals, unlike getpass(3)) refuses too: see :func:`take_interrupt`.
    """
    try:
        out = sys.stdout
        if out is None:
            return -1
        shown = "NULL" if uri is None else uri  # libvirt's default URI: stock's word
        out.write(f"libvirt needs authentication to connect to libvirt URI {shown}\n"
                  "(see also: http://libvirt.org/auth.html http://libvirt.org/uri.html)\n")
        out.flush()
        for c in creds:
            kind = c[0]
            if kind == CREDENTIAL_TYPES["external"]:
                if c[CHALLENGE] != "PolicyKit":
                    return -1
                continue  # the user may have authenticated outside libvirt
            if kind not in _TERMINAL_ANSWERED:
                return -1
            out.write(f"{c[PROMPT] or ''}: ")
            out.flush()
            if kind in (CREDENTIAL_TYPES["passphrase"], CREDENTIAL_TYPES["noechoprompt"]):
                answer = read_password()
            else:
                answer = _strip_newline(sys.stdin.readline() if sys.stdin is not None else "")
            c[RESULT] = answer or c[DEFRESULT] or ""
    except (OSError, ValueError):
        return -1
    except KeyboardInterrupt:
        # libvirt-python would print the traceback and carry on: refuse the
        # request quietly and let the opener raise it once libvirt returns.
        _interrupted.flag = True
        return -1
    return 0


_interrupted = threading.local()


def take_interrupt() -> bool:
    """Whether ^C stopped the terminal prompts of this thread's last open (and forget it)."""
    flag = bool(getattr(_interrupted, "flag", False))
    _interrupted.flag = False
    return flag


_TERMINAL_ANSWERED = {CREDENTIAL_TYPES[n] for n in (
    "username", "authname", "echoprompt", "realm", "passphrase", "noechoprompt")}


def _strip_newline(line: str) -> str:
    return line[:-1] if line.endswith("\n") else line


def read_password() -> str:
    """One line from the controlling terminal with echo off (stdin without one).

    When echo was turned off and the line ended with a newline, a newline
    is written to the terminal (the one the user typed was not echoed).
    End of file gives "".
    """
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        return _strip_newline(sys.stdin.readline() if sys.stdin is not None else "")
    try:
        try:
            saved: list[Any] | None = termios.tcgetattr(fd)
        except termios.error:
            saved = None
        if saved is not None:
            quiet = list(saved)
            quiet[3] &= ~termios.ECHO
            try:
                termios.tcsetattr(fd, termios.TCSAFLUSH, quiet)
            except termios.error:
                saved = None
        data = b""
        try:
            while not data.endswith(b"\n"):
                chunk = os.read(fd, 1024)
                if not chunk:
                    break
                data += chunk
        finally:
            if saved is not None:
                termios.tcsetattr(fd, termios.TCSAFLUSH, saved)
                if data.endswith(b"\n"):
                    os.write(fd, b"\n")
        return _strip_newline(data.decode("utf-8", errors="replace"))
    finally:
        os.close(fd)


_STATES: weakref.WeakKeyDictionary[GuestFS, LibvirtAuth] = weakref.WeakKeyDictionary()


def auth_of(g: GuestFS) -> LibvirtAuth:
    """The libvirt authentication state of handle ``g`` (made on first use)."""
    state = _STATES.get(g)
    if state is None:
        state = _STATES[g] = LibvirtAuth(g._events)
    return state

"""libvirt authentication: the six credential calls and the ``libvirt_auth`` event.

Without a daemon: the calls outside the event (compared with stock), and
the auth callback driven directly with credential lists shaped as
libvirt-python passes them.  With a daemon: a private ``libvirtd``
(session mode, run as ``nobody`` in a temporary directory, so the system
libvirtd is not touched) listening on its own unix socket with
``auth_unix_rw = "sasl"`` (DIGEST-MD5 against a sasldb made with
``saslpasswd2``); ``add_domain`` and the libvirt backend's connection
answer the password through the event, right and wrong, and the same
script runs through stock libguestfs 1.48 for comparison.
"""

from __future__ import annotations

import io
import json
import os
import pty
import pwd
import re
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Iterator
from typing import Any

import pytest

import guestfs
from guestfs.backends import _libvirt_auth
from guestfs.backends._libvirt_auth import CREDENTIAL_TYPES, auth_of, terminal_callback
from guestfs.testing import skip_or_fail
from tests.helpers import REPO, STOCK_PYTHON, require_stock
from tests.stock_script import Step, assert_same_outcomes, run_script_on, run_script_on_stock

USER, PASSWORD, DOMAIN = "alice", "s3cret-pass", "some-domain"


def event_recorder(g: Any, answers: dict[str, bytes | str]) -> list[dict[str, Any]]:
    """Register a ``libvirt_auth`` callback answering ``answers`` by type; returns its log."""
    log: list[dict[str, Any]] = []

    def cb(ev: int, eh: int, buf: str | None, array: list[int]) -> None:
        types = g.get_libvirt_requested_credentials()
        log.append({
            "event": ev, "buf": buf, "array": list(array), "types": types,
            "fields": [(g.get_libvirt_requested_credential_prompt(i),
                        g.get_libvirt_requested_credential_challenge(i),
                        g.get_libvirt_requested_credential_defresult(i))
                       for i in range(len(types))],
        })
        for i, t in enumerate(types):
            if t in answers:
                g.set_libvirt_requested_credential(i, answers[t])
    g.set_event_callback(cb, guestfs.EVENT_LIBVIRT_AUTH)
    return log


@pytest.fixture
def g() -> Iterator[Any]:
    h = guestfs.GuestFS(python_return_dict=True)
    yield h
    h.close()


# -- outside the event (no daemon) --------------------------------------------

OUTSIDE: list[Step] = [
    ("set_libvirt_supported_credentials", [["foo"]], {}),
    ("set_libvirt_supported_credentials", [["USERNAME"]], {}),
    ("set_libvirt_supported_credentials", [["passphrase", "bogus"]], {}),
    ("set_libvirt_supported_credentials", [sorted(CREDENTIAL_TYPES)], {}),
    ("set_libvirt_supported_credentials", [["username", "username"]], {}),
    ("set_libvirt_supported_credentials", [[]], {}),
    ("get_libvirt_requested_credentials", [], {}),
    ("get_libvirt_requested_credential_prompt", [0], {}),
    ("get_libvirt_requested_credential_prompt", [-1], {}),
    ("get_libvirt_requested_credential_challenge", [0], {}),
    ("get_libvirt_requested_credential_defresult", [3], {}),
    ("set_libvirt_requested_credential", [0, b"x"], {}),
    ("set_libvirt_requested_credential", [0, "x"], {}),
]


def test_outside_the_event_as_stock(g: Any) -> None:
    """Unknown type names and every getter/setter outside the event: stock's answers."""
    ours = run_script_on(g, OUTSIDE)
    assert ours[0] == {"error": "RuntimeError", "message": "unknown credential type \u2018foo\u2019"}
    assert ours[6]["message"] == ("guestfs_impl_get_libvirt_requested_credentials should only be "
                                  "called from within the GUESTFS_EVENT_LIBVIRT_AUTH event handler")
    assert_same_outcomes(OUTSIDE, ours, run_script_on_stock([], OUTSIDE))


def test_bad_name_keeps_the_previous_list(g: Any) -> None:
    g.set_libvirt_supported_credentials(["authname", "passphrase"])
    with pytest.raises(RuntimeError, match="unknown credential type \u2018nope\u2019"):
        g.set_libvirt_supported_credentials(["realm", "nope"])
    assert auth_of(g).supported == [CREDENTIAL_TYPES["authname"], CREDENTIAL_TYPES["passphrase"]]


def test_plain_open_unless_declared_and_listened(g: Any) -> None:
    """No types declared: the terminal prompts; declared: the event, with a
    libvirt_auth callback (else libvirt.open)."""
    auth = auth_of(g)
    terminal = auth.open_args("test:///default")
    assert terminal is not None and terminal[1] is terminal_callback
    assert terminal[0] == [CREDENTIAL_TYPES[n] for n in ("authname", "echoprompt", "realm",
                                                        "passphrase", "noechoprompt", "external")]
    assert terminal[2] == "test:///default"
    g.set_libvirt_supported_credentials(["passphrase"])
    assert auth.open_args("test:///default") is None  # nobody listens
    eh = g.set_event_callback(lambda *a: None, guestfs.EVENT_LIBVIRT_AUTH)
    args = auth.open_args("test:///default")
    assert args is not None and args[0] == [CREDENTIAL_TYPES["passphrase"]]
    assert args[2] == "test:///default"
    g.set_libvirt_supported_credentials([])
    terminal = auth.open_args("test:///default")
    assert terminal is not None and terminal[1] is terminal_callback
    g.set_libvirt_supported_credentials(["passphrase"])
    g.delete_event_callback(eh)
    assert auth.open_args("test:///default") is None


# -- the callback driven directly (no daemon) -----------------------------------

def fake_creds() -> list[list[Any]]:
    """Credential lists as libvirt-python hands them: [type, prompt, challenge, defresult, result]."""
    return [[CREDENTIAL_TYPES["authname"], "Please enter your authentication name",
             "Authentication Name", "root", None],
            [CREDENTIAL_TYPES["passphrase"], "Please enter your password", None, None, None],
            [CREDENTIAL_TYPES["realm"], "Realm", "", None, None]]


def test_callback_fires_the_event_once(g: Any) -> None:
    g.set_libvirt_supported_credentials(["authname", "passphrase", "realm"])
    log = event_recorder(g, {"authname": b"alice", "passphrase": "p\u00e4ss"})
    auth = auth_of(g)
    args = auth.open_args("qemu+unix:///system?socket=/x")
    assert args is not None
    creds = fake_creds()
    assert args[1](creds, args[2]) == 0
    assert log == [{
        "event": guestfs.EVENT_LIBVIRT_AUTH, "buf": "qemu+unix:///system?socket=/x", "array": [],
        "types": ["authname", "passphrase", "realm"],
        "fields": [("Please enter your authentication name", "Authentication Name", "root"),
                   ("Please enter your password", "", ""), ("Realm", "", "")],
    }]
    # Answers are text for libvirt-python; an unanswered credential stays None.
    assert [c[4] for c in creds] == ["alice", "p\u00e4ss", None]
    # The request is over once the event returns.
    with pytest.raises(RuntimeError, match="should only be called from within"):
        g.get_libvirt_requested_credentials()


def test_nested_request_restores_the_outer_one(g: Any) -> None:
    """A connection opened from within the event has its own request; the outer is back after."""
    g.set_libvirt_supported_credentials(["authname", "passphrase", "realm"])
    seen: list[tuple[str | None, list[str]]] = []

    def cb(ev: int, eh: int, buf: str | None, array: list[int]) -> None:
        seen.append((buf, g.get_libvirt_requested_credentials()))
        if buf == "outer":
            assert a is not None
            a[1]([[CREDENTIAL_TYPES["passphrase"], "pw", None, None, None]], "inner")
            seen.append((buf, g.get_libvirt_requested_credentials()))
    g.set_event_callback(cb, guestfs.EVENT_LIBVIRT_AUTH)
    a = auth_of(g).open_args("outer")
    assert a is not None
    a[1](fake_creds(), a[2])
    assert seen == [("outer", ["authname", "passphrase", "realm"]), ("inner", ["passphrase"]),
                    ("outer", ["authname", "passphrase", "realm"])]


def test_default_uri_gives_an_empty_message(g: Any) -> None:
    """With libvirt's default URI the event's message is "" (stock crashes there)."""
    g.set_libvirt_supported_credentials(["passphrase"])
    log = event_recorder(g, {})
    args = auth_of(g).open_args(None)
    assert args is not None
    args[1]([[CREDENTIAL_TYPES["passphrase"], "pw", None, None, None]], args[2])
    assert [e["buf"] for e in log] == [""]


@pytest.mark.parametrize("call, args", [
    ("get_libvirt_requested_credential_prompt", [3]),
    ("get_libvirt_requested_credential_challenge", [-1]),
    ("get_libvirt_requested_credential_defresult", [99]),
    ("set_libvirt_requested_credential", [3, b"x"]),
    ("set_libvirt_requested_credential", [-1, b"x"]),
])
def test_index_out_of_range_during_the_event(g: Any, call: str, args: list[Any]) -> None:
    g.set_libvirt_supported_credentials(["authname", "passphrase", "realm"])
    caught: list[str] = []

    def cb(*_: Any) -> None:
        try:
            getattr(g, call)(*args)
        except RuntimeError as e:
            caught.append(str(e))
    g.set_event_callback(cb, guestfs.EVENT_LIBVIRT_AUTH)
    a = auth_of(g).open_args("test:///default")
    assert a is not None
    a[1](fake_creds(), a[2])
    assert caught == ["credential index out of range"]


@pytest.mark.parametrize("cred, why", [(b"\xff\xfe", "not valid UTF-8"),
                                       (b"a\0b", "contains a NUL byte")])
def test_answers_libvirt_python_cannot_pass(g: Any, cred: bytes, why: str) -> None:
    g.set_libvirt_supported_credentials(["passphrase"])
    caught: list[str] = []

    def cb(*_: Any) -> None:
        try:
            g.set_libvirt_requested_credential(0, cred)
        except RuntimeError as e:
            caught.append(str(e))
    g.set_event_callback(cb, guestfs.EVENT_LIBVIRT_AUTH)
    a = auth_of(g).open_args("test:///default")
    assert a is not None
    creds = [[CREDENTIAL_TYPES["passphrase"], "pw", None, None, None]]
    a[1](creds, a[2])
    assert len(caught) == 1 and why in caught[0] and creds[0][4] is None


def test_test_driver_through_openauth(g: Any, tmp_path: Any) -> None:
    """A URI that needs no authentication (libvirt's test driver, with a node
    file defining one guest): openAuth connects and the event never fires."""
    pytest.importorskip("libvirt", reason="libvirt-python is not installed")
    disk = tmp_path / "disk.img"
    disk.write_bytes(b"\0" * 65536)
    node = tmp_path / "node.xml"
    node.write_text(f"<node><domain type='test'><name>{DOMAIN}</name><memory>65536</memory>"
                    "<os><type>hvm</type></os><devices><disk type='file' device='disk'>"
                    f"<source file='{disk}'/><target dev='vda' bus='virtio'/></disk></devices>"
                    "</domain></node>")
    g.set_libvirt_supported_credentials(["authname", "passphrase"])
    log = event_recorder(g, {})
    assert g.add_domain(DOMAIN, libvirturi=f"test://{node}", readonly=True) == 1
    assert log == []
    assert [(d.filename, d.readonly) for d in g._drives] == [(str(disk), True)]


# -- the terminal prompts driven directly (no daemon) ----------------------------

BANNER = ("libvirt needs authentication to connect to libvirt URI {uri}\n"
          "(see also: http://libvirt.org/auth.html http://libvirt.org/uri.html)\n")


def run_terminal(monkeypatch: Any, creds: list[list[Any]], stdin: str,
                 passwords: list[str]) -> tuple[int, str]:
    """``terminal_callback`` on ``creds`` with ``stdin``; the terminal answers ``passwords``."""
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(_libvirt_auth, "read_password", lambda: passwords.pop(0))
    return terminal_callback(creds, "qemu:///x"), out.getvalue()


def test_terminal_prompts_and_answers(monkeypatch: Any) -> None:
    creds = fake_creds() + [[CREDENTIAL_TYPES["echoprompt"], "Say", None, "dflt", None]]
    rc, out = run_terminal(monkeypatch, creds, "bob\n\n", ["pw"])
    assert rc == 0
    assert out == (BANNER.format(uri="qemu:///x") + "Please enter your authentication name: "
                   "Please enter your password: Realm: Say: ")
    # An empty line or end of file takes libvirt's default result, else "".
    assert [c[4] for c in creds] == ["bob", "pw", "", "dflt"]
    creds = fake_creds()
    rc, _ = run_terminal(monkeypatch, creds, "", [""])
    assert rc == 0 and [c[4] for c in creds] == ["root", "", ""]


def test_terminal_default_uri_is_named_null(monkeypatch: Any) -> None:
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stdin", io.StringIO("bob\n"))
    creds = [[CREDENTIAL_TYPES["authname"], "Name", None, None, None]]
    assert terminal_callback(creds, None) == 0
    assert out.getvalue() == BANNER.format(uri="NULL") + "Name: " and creds[0][4] == "bob"


def test_terminal_external_and_unknown_types(monkeypatch: Any) -> None:
    """PolicyKit is skipped (no prompt, no result); another external or a type
    libvirt's default does not answer refuses the whole request."""
    ext = CREDENTIAL_TYPES["external"]
    creds = [[ext, "polkit", "PolicyKit", None, None]]
    assert run_terminal(monkeypatch, creds, "", []) == (0, BANNER.format(uri="qemu:///x"))
    assert creds[0][4] is None
    assert run_terminal(monkeypatch, [[ext, "x", "other", None, None]], "", [])[0] == -1
    assert run_terminal(monkeypatch, [[CREDENTIAL_TYPES["cnonce"], "n", None, None, None]],
                        "", [])[0] == -1


# -- a private libvirtd with SASL -----------------------------------------------

class SaslDaemon:
    """A session-mode libvirtd run as ``nobody`` in ``root``, SASL DIGEST-MD5 on its socket."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.sock = os.path.join(root, "run", "libvirt-sock")
        self.uri = f"qemu+unix:///session?socket={self.sock}"
        self.disk = os.path.join(root, "disk.img")
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        r = self.root
        for d in ("run", "home", "config", "cache", "sasl"):
            os.makedirs(os.path.join(r, d))
        with open(os.path.join(r, "libvirtd.conf"), "w") as f:
            f.write(f'unix_sock_dir = "{r}/run"\nauth_unix_rw = "sasl"\nauth_unix_ro = "sasl"\n'
                    'unix_sock_rw_perms = "0777"\n')
        with open(os.path.join(r, "sasl", "libvirt.conf"), "w") as f:
            f.write(f"mech_list: digest-md5\nsasldb_path: {r}/sasl/passwd.db\n")
        subprocess.run(["saslpasswd2", "-p", "-c", "-a", "libvirt", "-f", f"{r}/sasl/passwd.db",
                        USER], input=PASSWORD.encode(), check=True, capture_output=True)
        with open(self.disk, "wb") as f:
            f.truncate(1024 * 1024)
        nobody = pwd.getpwnam("nobody")
        for dirpath, _dirnames, filenames in os.walk(r):
            for p in [dirpath, *(os.path.join(dirpath, n) for n in filenames)]:
                os.chown(p, nobody.pw_uid, nobody.pw_gid)
        os.chmod(r, 0o755)
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": f"{r}/home",
               "XDG_RUNTIME_DIR": f"{r}/run", "XDG_CONFIG_HOME": f"{r}/config",
               "XDG_CACHE_HOME": f"{r}/cache", "SASL_CONF_PATH": f"{r}/sasl"}
        log = open(os.path.join(r, "libvirtd.log"), "wb")
        self.proc = subprocess.Popen(
            ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups",
             "/usr/sbin/libvirtd", "--config", f"{r}/libvirtd.conf"],
            env=env, cwd=r, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"libvirtd exited ({self.proc.returncode}): {self.log_tail()}")
            if os.path.exists(self.sock):
                try:
                    with socket.socket(socket.AF_UNIX) as s:
                        s.connect(self.sock)
                    return
                except OSError:
                    pass
            time.sleep(0.2)
        raise RuntimeError(f"libvirtd did not listen on {self.sock}: {self.log_tail()}")

    def log_tail(self) -> str:
        with open(os.path.join(self.root, "libvirtd.log"), errors="replace") as f:
            return f.read()[-2000:]

    def define_domain(self) -> None:
        """Define ``DOMAIN`` (one raw disk), authenticating with libvirt-python directly."""
        import libvirt

        def cb(creds: list[list[Any]], _: Any) -> int:
            for c in creds:
                c[4] = USER if c[0] == libvirt.VIR_CRED_AUTHNAME else PASSWORD
            return 0
        conn = libvirt.openAuth(self.uri, [[libvirt.VIR_CRED_AUTHNAME, libvirt.VIR_CRED_PASSPHRASE],
                                           cb, None], 0)
        try:
            conn.defineXML(
                f"<domain type='qemu'><name>{DOMAIN}</name><memory>65536</memory>"
                "<os><type>hvm</type></os><devices><disk type='file' device='disk'>"
                f"<driver name='qemu' type='raw'/><source file='{self.disk}'/>"
                "<target dev='vda' bus='virtio'/></disk></devices></domain>")
        finally:
            conn.close()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def sasl_daemon_missing() -> str | None:
    """Why the private SASL libvirtd cannot run here, or None."""
    try:
        import libvirt  # noqa: F401
    except ImportError:
        return "libvirt-python is not installed (pip install libvirt-python)"
    if os.geteuid() != 0:
        return "starting a private libvirtd as 'nobody' needs root"
    for prog in ("/usr/sbin/libvirtd", "saslpasswd2", "setpriv"):
        if shutil.which(prog) is None:
            return f"{prog} is missing (apt-get install libvirt-daemon sasl2-bin util-linux)"
    if not os.path.exists("/usr/lib/x86_64-linux-gnu/sasl2/libdigestmd5.so"):
        return "the DIGEST-MD5 SASL plugin is missing (apt-get install libsasl2-modules)"
    return None


@pytest.fixture(scope="module")
def daemon() -> Iterator[SaslDaemon]:
    why = sasl_daemon_missing()
    if why:
        skip_or_fail(why)
    root = tempfile.mkdtemp(prefix="lvauth-", dir="/tmp")  # short: a unix socket path
    d = SaslDaemon(root)
    try:
        d.start()
        d.define_domain()
        yield d
    finally:
        d.stop()
        shutil.rmtree(root, ignore_errors=True)


def test_add_domain_right_password(g: Any, daemon: SaslDaemon) -> None:
    g.set_libvirt_supported_credentials(["authname", "passphrase"])
    log = event_recorder(g, {"authname": USER.encode(), "passphrase": PASSWORD.encode()})
    assert g.add_domain(DOMAIN, libvirturi=daemon.uri, readonly=True) == 1
    assert [(d.filename, d.readonly) for d in g._drives] == [(daemon.disk, True)]
    assert len(log) == 1
    assert log[0]["buf"] == daemon.uri and log[0]["array"] == []
    assert log[0]["types"] == ["authname", "passphrase"]
    assert [f[0] for f in log[0]["fields"]] == ["Please enter your authentication name",
                                                "Please enter your password"]


@pytest.mark.parametrize("answers", [{"authname": USER, "passphrase": "wrong"},
                                     {"authname": USER}],
                         ids=["wrong-password", "no-password"])
def test_add_domain_refused(g: Any, daemon: SaslDaemon, answers: dict[str, bytes | str]) -> None:
    g.set_libvirt_supported_credentials(["authname", "passphrase"])
    log = event_recorder(g, answers)
    with pytest.raises(RuntimeError, match=r"^could not connect to libvirt .*: authentication "
                       "failed"):
        g.add_domain(DOMAIN, libvirturi=daemon.uri, readonly=True)
    assert len(log) == 1 and g._drives == []


def test_add_domain_without_a_callback(g: Any, daemon: SaslDaemon) -> None:
    """Types declared but nobody listening: the plain open, which libvirt refuses."""
    g.set_libvirt_supported_credentials(["authname", "passphrase"])
    with pytest.raises(RuntimeError, match="authentication failed"):
        g.add_domain(DOMAIN, libvirturi=daemon.uri, readonly=True)


def test_backend_connection_authenticates(daemon: SaslDaemon, tmp_path: Any) -> None:
    """The libvirt backend's connection answers through the event too: a wrong
    password stops the launch at the connection, the right one gets past it
    (to createXML, which the session daemon, running as nobody, cannot do
    with root's run directory)."""
    fake = tmp_path / "appliance"
    fake.mkdir()
    for part in ("README.fixed", "kernel", "initrd", "root"):
        (fake / part).write_bytes(b"")
    outcomes = {}
    # A private sockdir (read from $XDG_RUNTIME_DIR by the constructor): a
    # refused or failed launch must leave no guestfs-XXXX socket directory.
    sockdir = tmp_path / "sock"
    sockdir.mkdir()
    for password in ("wrong", PASSWORD):
        saved = os.environ.get("XDG_RUNTIME_DIR")
        os.environ["XDG_RUNTIME_DIR"] = str(sockdir)
        try:
            h = guestfs.GuestFS(python_return_dict=True)
        finally:
            if saved is None:
                del os.environ["XDG_RUNTIME_DIR"]
            else:
                os.environ["XDG_RUNTIME_DIR"] = saved
        try:
            h.set_path(str(fake))
            h.set_tmpdir(str(tmp_path))
            h.set_backend(f"libvirt:{daemon.uri}")
            h.add_drive_scratch(1024 * 1024)
            h.set_libvirt_supported_credentials(["authname", "passphrase"])
            log = event_recorder(h, {"authname": USER, "passphrase": password})
            with pytest.raises(RuntimeError) as e:
                h.launch()
            outcomes[password] = (len(log), log[0]["buf"], str(e.value))
            assert h.is_config()
            assert os.listdir(sockdir) == [], f"{password!r}: the launch left its socket directory"
            assert not [p for p in os.listdir(h._tmpdir) if p.startswith("run")]
        finally:
            h.close()
    n, buf, msg = outcomes["wrong"]
    assert (n, buf) == (1, daemon.uri)
    assert msg.startswith("could not connect to libvirt") and "authentication failed" in msg
    n, buf, msg = outcomes[PASSWORD]
    assert (n, buf) == (1, daemon.uri)
    assert msg.startswith("could not create the appliance through libvirt"), msg


# -- the same script through stock libguestfs -----------------------------------

#: Runs with either binding: argv = URI, JSON out (one record per attempt).
PROBE = r'''
import json, sys
import guestfs
uri = sys.argv[1]
attempts = json.loads(sys.argv[2])
out = []
for creds, answers in attempts:
    g = guestfs.GuestFS(python_return_dict=True)
    g.set_libvirt_supported_credentials(creds)
    events = []
    def cb(ev, eh, buf, array, g=g, answers=answers, events=events):
        rec = {"event": ev, "buf": buf, "array": list(array), "calls": []}
        def call(name, *args):
            try:
                rec["calls"].append([name, repr(args), "ok", getattr(g, name)(*args)])
            except RuntimeError as e:
                rec["calls"].append([name, repr(args), "error", str(e)])
        call("get_libvirt_requested_credentials")
        n = len(rec["calls"][0][3])
        for i in (0, 1, n, -1):
            for f in ("prompt", "challenge", "defresult"):
                call("get_libvirt_requested_credential_" + f, i)
        call("set_libvirt_requested_credential", n, b"x")
        call("set_libvirt_supported_credentials", ["username"])
        for i, t in enumerate(rec["calls"][0][3]):
            if t in answers:
                call("set_libvirt_requested_credential", i, answers[t].encode())
        events.append(rec)
    g.set_event_callback(cb, guestfs.EVENT_LIBVIRT_AUTH)
    try:
        result = ["ok", g.add_domain("some-domain", libvirturi=uri, readonly=True)]
    except RuntimeError as e:
        result = ["error", str(e)]
    g.close()
    out.append({"creds": creds, "events": events, "result": result})
print(json.dumps(out))
'''

ATTEMPTS = [
    (["authname", "passphrase"], {"authname": USER, "passphrase": PASSWORD}),
    (["authname", "passphrase"], {"authname": USER, "passphrase": "wrong"}),
    (["authname", "passphrase"], {"authname": USER}),
    (["passphrase", "authname", "realm"], {"authname": USER, "passphrase": PASSWORD}),
    (["passphrase"], {"passphrase": PASSWORD}),  # libvirt also needs authname: no event
    (["username"], {}),  # no SASL mechanism works with these: no event
]

def run_probe(python: str, uri: str, pythonpath: str | None) -> list[dict[str, Any]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIBGUESTFS_")
           and k != "PYTHONPATH"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    cp = subprocess.run([python, "-c", PROBE, uri, json.dumps(ATTEMPTS)], capture_output=True,
                        env=env, cwd="/", timeout=120, stdin=subprocess.DEVNULL)
    assert cp.returncode == 0, cp.stderr.decode(errors="replace")
    out: list[dict[str, Any]] = json.loads(cp.stdout)
    return out


def test_same_as_stock(daemon: SaslDaemon) -> None:
    """Event message, requested types, prompts, every in-event error and the
    outcome of each attempt, as stock 1.48 gives them."""
    require_stock()
    ours = run_probe(sys.executable, daemon.uri, REPO)
    stock = run_probe(STOCK_PYTHON, daemon.uri, None)
    assert [r["result"][0] for r in ours] == ["ok", "error", "error", "ok", "error", "error"]
    assert [len(r["events"]) for r in ours] == [1, 1, 1, 1, 0, 0]
    for o, s in zip(ours, stock):
        assert o == s, f"differs from stock for creds {o['creds']}"


# -- no types declared: the terminal prompts, against the private daemon ---------

#: add_domain with nothing declared; argv = URI.  stdout: the prompts, then the outcome.
TERMINAL_PROBE = r'''
import sys
import guestfs
g = guestfs.GuestFS(python_return_dict=True)
try:
    uri = sys.argv[1] if len(sys.argv) > 1 else None
    print("RESULT", g.add_domain("some-domain", libvirturi=uri, readonly=True))
except RuntimeError as e:
    print("ERROR", str(e))
except KeyboardInterrupt:
    import os, termios
    print("INTERRUPTED", "echo", os.isatty(0) and bool(termios.tcgetattr(0)[3] & termios.ECHO))
'''


def probe_env(pythonpath: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIBGUESTFS_")
           and k != "PYTHONPATH"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    return env


def terminal_piped(python: str, uri: str | None, stdin: str, pythonpath: str | None,
                   default_uri: str | None = None, probe: str = TERMINAL_PROBE) -> tuple[str, str]:
    """The probe with ``stdin`` piped and no controlling terminal: (stdout, stderr).

    ``uri`` None: libvirt's default URI, which is ``default_uri``."""
    env = probe_env(pythonpath)
    if default_uri is not None:
        env["LIBVIRT_DEFAULT_URI"] = default_uri
    cp = subprocess.run([python, "-c", probe, *([uri] if uri is not None else [])],
                        input=stdin.encode(), capture_output=True, env=env, cwd="/", timeout=60,
                        start_new_session=True)
    assert cp.returncode == 0, cp.stderr.decode(errors="replace")
    out = re.sub(r"ERROR could not connect to libvirt \((?:URI = [^)]*|code \d+, domain \d+)\): ",
                 "ERROR could not connect to libvirt: ", cp.stdout.decode())
    return out, cp.stderr.decode(errors="replace")


PIPED = {"right": (f"{USER}\n{PASSWORD}\n", "RESULT 1\n"),
         "wrong": (f"{USER}\nwrong\n",
                   "ERROR could not connect to libvirt: authentication failed: authentication "
                   "failed\n"),
         "eof": ("", "ERROR could not connect to libvirt: authentication failed: Failed to step "
                 "SASL negotiation: -1 (SASL(-1): generic failure: All-whitespace username.)\n")}


@pytest.mark.parametrize("case", sorted(PIPED))
def test_terminal_prompts_piped(daemon: SaslDaemon, case: str) -> None:
    """Nothing declared, stdin piped, no terminal: the banner and libvirt's
    prompts on stdout, the answers from stdin; a wrong password and end of
    file fail with libvirt's message (and do not hang)."""
    stdin, outcome = PIPED[case]
    out, err = terminal_piped(sys.executable, daemon.uri, stdin, REPO)
    assert out == (BANNER.format(uri=daemon.uri) + "Please enter your authentication name: "
                   "Please enter your password: " + outcome)
    if case != "right":
        assert "libvirt: XML-RPC error : authentication failed" in err


def terminal_pty(python: str, uri: str, answers: list[str | None],
                 pythonpath: str | None) -> str:
    """The probe on a pseudo-terminal (its controlling terminal): each prompt
    (": " at the end of the output) gets the next answer (None: end of file,
    ^D; "^C": an interrupt); a password is typed only once echo is off.  Returns all the output."""
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.chdir("/")
            os.execve(python, [python, "-c", TERMINAL_PROBE, uri], probe_env(pythonpath))
        finally:
            os._exit(127)
    out = b""
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if answers and out.endswith(b": "):
                if out.endswith(b"password: "):
                    while termios.tcgetattr(fd)[3] & termios.ECHO:
                        assert time.monotonic() < deadline, "echo never went off"
                        time.sleep(0.05)
                a = answers.pop(0)
                os.write(fd, b"\x04" if a is None else b"\x03" if a == "^C"
                         else a.encode() + b"\n")
            r, _, _ = select.select([fd], [], [], 0.2)
            if r:
                try:
                    data = os.read(fd, 4096)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not data:
                    break
                out += data
        else:
            raise AssertionError(f"the probe hung: {out!r}")
    finally:
        os.close(fd)
        if os.waitpid(pid, os.WNOHANG) == (0, 0):
            os.kill(pid, 9)
            os.waitpid(pid, 0)
    return re.sub(r"could not connect to libvirt \((?:URI = [^)]*|code \d+, domain \d+)\): ",
                  "could not connect to libvirt: ", out.decode(errors="replace"))


def test_terminal_prompts_on_a_tty(daemon: SaslDaemon) -> None:
    """On a terminal: the user name echoes, the password does not (a newline
    follows it); ^D for the password gives an empty one, which libvirt refuses."""
    banner = BANNER.format(uri=daemon.uri).replace("\n", "\r\n")
    out = terminal_pty(sys.executable, daemon.uri, [USER, PASSWORD], REPO)
    assert out == (banner + f"Please enter your authentication name: {USER}\r\n"
                   "Please enter your password: \r\nRESULT 1\r\n")
    out = terminal_pty(sys.executable, daemon.uri, [USER, None], REPO)
    assert out.startswith(banner + f"Please enter your authentication name: {USER}\r\n"
                          "Please enter your password: libvirt: XML-RPC error : ")
    assert out.endswith("ERROR could not connect to libvirt: authentication failed: "
                        "authentication failed\r\n")


def test_terminal_interrupt(daemon: SaslDaemon) -> None:
    """^C at the password prompt: the open raises KeyboardInterrupt (stock's
    getpass takes ^C as a character; here the terminal keeps its signals),
    with no traceback from inside libvirt's callback and echo back on."""
    banner = BANNER.format(uri=daemon.uri).replace("\n", "\r\n")
    out = terminal_pty(sys.executable, daemon.uri, [USER, "^C"], REPO)
    assert out.startswith(banner + f"Please enter your authentication name: {USER}\r\n"
                          "Please enter your password: ")
    assert out.endswith("INTERRUPTED echo True\r\n") and "Traceback" not in out, out


@pytest.mark.stock
def test_terminal_prompts_as_stock(daemon: SaslDaemon) -> None:
    """Stock's python binding prints the same prompts and fails the same way,
    piped and on a terminal."""
    require_stock()
    for case in sorted(PIPED):
        stdin = PIPED[case][0]
        ours = terminal_piped(sys.executable, daemon.uri, stdin, REPO)
        stock = terminal_piped(STOCK_PYTHON, daemon.uri, stdin, None)
        assert ours == stock, case
    # libvirt's default URI: the banner says NULL.
    stdin = f"{USER}\n{PASSWORD}\n"
    ours = terminal_piped(sys.executable, None, stdin, REPO, default_uri=daemon.uri)
    assert ours[0] == (BANNER.format(uri="NULL") + "Please enter your authentication name: "
                       "Please enter your password: RESULT 1\n")
    assert ours == terminal_piped(STOCK_PYTHON, None, stdin, None, default_uri=daemon.uri)
    for answers in ([USER, PASSWORD], [USER, None]):
        assert (terminal_pty(sys.executable, daemon.uri, list(answers), REPO)
                == terminal_pty(STOCK_PYTHON, daemon.uri, list(answers), None))


def guestfish_piped(prog: list[str], uri: str, stdin: str) -> tuple[int, str, str]:
    cp = subprocess.run([*prog, "--ro", "-c", uri, "-d", DOMAIN, "--", "echo", "hi"],
                        input=stdin.encode(), capture_output=True, env=probe_env(None), cwd="/",
                        timeout=60, start_new_session=True)
    err = re.sub(r"could not connect to libvirt \((?:URI = [^)]*|code \d+, domain \d+)\): ",
                 "could not connect to libvirt: ", cp.stderr.decode(errors="replace"))
    return cp.returncode, cp.stdout.decode(), err


@pytest.mark.stock
def test_guestfish_prompts_as_stock(daemon: SaslDaemon) -> None:
    """guestfish -c URI -d DOMAIN with nothing declared: the library's
    prompts on stdout, then the commands; a wrong password fails (exit 1)
    with the library's error, as stock guestfish."""
    require_stock()
    ours_prog = [os.path.join(os.path.dirname(sys.executable), "guestfish")]
    prompts = (BANNER.format(uri=daemon.uri) + "Please enter your authentication name: "
               "Please enter your password: ")
    rc, out, _ = guestfish_piped(ours_prog, daemon.uri, f"{USER}\n{PASSWORD}\n")
    assert (rc, out) == (0, prompts + "hi\n")
    assert guestfish_piped(["guestfish"], daemon.uri, f"{USER}\n{PASSWORD}\n")[:2] == (rc, out)
    ours = guestfish_piped(ours_prog, daemon.uri, f"{USER}\nwrong\n")
    stock = guestfish_piped(["guestfish"], daemon.uri, f"{USER}\nwrong\n")
    assert ours[:2] == stock[:2] == (1, prompts)
    want = ("libguestfs: error: could not connect to libvirt: authentication failed: "
            "authentication failed\n")
    assert ours[2].endswith(want) and stock[2].endswith(want)


#: The libvirt backend's launch with nothing declared; argv = URI, fake appliance dir, tmpdir.
LAUNCH_PROBE = r'''
import sys
import guestfs
g = guestfs.GuestFS(python_return_dict=True)
g.set_path(sys.argv[2])
g.set_tmpdir(sys.argv[3])
g.set_backend("libvirt:" + sys.argv[1])
g.add_drive_scratch(1024 * 1024)
try:
    g.launch()
    print("RESULT launched")
except RuntimeError as e:
    print("ERROR", e)
g.close()
'''


def test_backend_launch_prompts_on_the_terminal(daemon: SaslDaemon, tmp_path: Any) -> None:
    """The libvirt backend's connection prompts too: a wrong password stops
    the launch at the connection, the right one gets past it (to createXML,
    which the session daemon, running as nobody, cannot do)."""
    fake = tmp_path / "appliance"
    fake.mkdir()
    for part in ("README.fixed", "kernel", "initrd", "root"):
        (fake / part).write_bytes(b"")
    prompts = (BANNER.format(uri=daemon.uri) + "Please enter your authentication name: "
               "Please enter your password: ")
    env_args = [str(fake), str(tmp_path)]
    for password, outcome in (("wrong", "ERROR could not connect to libvirt ("),
                              (PASSWORD, "ERROR could not create the appliance through libvirt")):
        env = probe_env(REPO)
        env["XDG_RUNTIME_DIR"] = str(tmp_path)
        cp = subprocess.run([sys.executable, "-c", LAUNCH_PROBE, daemon.uri, *env_args],
                            input=f"{USER}\n{password}\n".encode(), capture_output=True, env=env,
                            cwd="/", timeout=120, start_new_session=True)
        assert cp.returncode == 0, cp.stderr.decode(errors="replace")
        out = cp.stdout.decode()
        assert out.startswith(prompts + outcome), out
        if password == "wrong":
            # stock's words at launch: libvirt's message, then its code and int1
            assert re.search(r"authentication failed: authentication failed "
                             r"\[code=45 int1=-?\d+\]\n$", out), out

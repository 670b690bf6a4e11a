"""virt-rescue as a user runs it (guestfs/tools/rescue.py, console_relay.py,
the rescue mode of the appliance's /init).

Usage errors need no appliance and are compared byte for byte with stock's
virt-rescue.  ``--suggest`` is compared with stock on the same images.
The shell itself is driven through a pseudo-terminal, as a user types:
commands, the escape sequences, writes that reach (or, with ``--ro``, do not
reach) the image; and once with a script on a pipe, on both backends.
"""

from __future__ import annotations

import hashlib
import os
import pty
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from guestfs.testing import skip_or_fail

STOCK = "/usr/bin/virt-rescue"
MiB = 1024 * 1024


def ours() -> list[str]:
    """Our tool, run as the module (the console script may not be installed yet)."""
    return [sys.executable, "-m", "guestfs.tools.rescue"]


def env(stock: bool) -> dict[str, str]:
    """Stock gets its own appliance (and TCG); ours keeps LIBGUESTFS_PATH."""
    e = dict(os.environ)
    if stock:
        e = {k: v for k, v in e.items() if not k.startswith("LIBGUESTFS_")}
        e["LIBGUESTFS_BACKEND_SETTINGS"] = "force_tcg"
    return e


def run(cmd: list[str], cwd: Path, stock: bool = False, timeout: float = 60) -> tuple[int, bytes, bytes]:
    """Exit status, standard output and standard error of ``cmd`` (stock runs
    as ``virt-rescue``: it names itself by argv[0])."""
    r = subprocess.run(cmd, cwd=cwd, env=env(stock), stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=timeout, check=False,
                       executable=STOCK if stock else None)
    return r.returncode, r.stdout, r.stderr


def need_stock() -> None:
    if not os.path.exists(STOCK):
        skip_or_fail("stock virt-rescue is not installed (Debian package libguestfs-tools)")


USAGE_CASES = [
    [], ["--bogus"], ["-e"], ["-e", "xy", "-a", "/dev/null"], ["-e", "^", "-a", "/dev/null"],
    ["--scratch=abc"], ["--smp=x", "-a", "/dev/null"], ["--memsize=x", "-a", "/dev/null"],
    ["-a", "/nonexist"], ["-V"], ["--version"], ["--long-options"], ["--short-options"],
    ["--smp"], ["-m"], ["-e", "x"], ["-e", "^?"], ["-e", "^@"], ["-e", "^1"],
]


@pytest.mark.stock
@pytest.mark.parametrize("args", USAGE_CASES, ids=lambda v: " ".join(v) or "none")
def test_usage_errors_as_stock(args: list[str], tmp_path: Path) -> None:
    need_stock()
    assert run(ours() + args, tmp_path) == run(["virt-rescue", *args], tmp_path, stock=True)


def test_help_names_every_option(tmp_path: Path) -> None:
    status, out, err = run(ours() + ["--help"], tmp_path)
    assert (status, err) == (0, b"")
    for opt in ("--add", "--append", "--blocksize", "--connect", "--domain", "-e ^x|none",
                "--format", "--inspector", "--mount", "--memsize", "--network", "--ro",
                "--scratch[=N]", "--selinux", "--smp", "--suggest", "--verbose", "--version",
                "--rw", "-x"):
        assert opt.encode() in out, opt


# -- images ------------------------------------------------------------------


def _mkfs(tree: Path, size: int, out: Path) -> None:
    with open(out, "wb") as f:
        f.truncate(size)
    subprocess.run(["mkfs.ext4", "-q", "-F", "-d", str(tree), str(out)], check=True)


def _os_image(d: Path) -> Path:
    """A two-partition Debian-like disk (root on sda1, /boot on sda2), made on the host."""
    for tool in ("mkfs.ext4", "sfdisk", "debugfs"):
        if shutil.which(tool) is None:
            skip_or_fail(f"{tool} is needed to build the test image")
    root, boot = d / "root", d / "boot"
    for sub in ("etc", "bin", "boot", "usr/bin", "var/lib/dpkg"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / "etc/os-release").write_text('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n'
                                         'NAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n')
    (root / "etc/debian_version").write_text("12.4\n")
    (root / "etc/fstab").write_text("/dev/sda1 / ext4 defaults 0 1\n/dev/sda2 /boot ext4 defaults 0 2\n")
    (root / "etc/hostname").write_text("rescued\n")
    (root / "var/lib/dpkg/status").write_text("")
    shutil.copy("/bin/true", root / "bin/ls")
    boot.mkdir()
    (boot / "grub.cfg").write_text("set timeout=5\n")
    p1, p2 = d / "p1.img", d / "p2.img"
    _mkfs(root, 40 * MiB, p1)
    _mkfs(boot, 20 * MiB, p2)
    img = d / "os.img"
    with open(img, "wb") as f:
        f.truncate(64 * MiB)
    subprocess.run(["sfdisk", "-q", str(img)], input=b"2048,81920,L\n83968,40960,L\n", check=True)
    for part, offset in ((p1, 2048 * 512), (p2, 83968 * 512)):
        with open(img, "r+b") as f, open(part, "rb") as src:
            f.seek(offset)
            shutil.copyfileobj(src, f)
    return img


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    d = tmp_path_factory.mktemp("rescue")
    plain_tree = d / "plain"
    plain_tree.mkdir()
    (plain_tree / "note").write_text("plain\n")
    plain = d / "plain.img"
    _mkfs(plain_tree, 32 * MiB, plain)
    blank = d / "blank.img"
    with open(blank, "wb") as f:
        f.truncate(32 * MiB)
    yield {"os": _os_image(d), "plain": plain, "blank": blank}


def _debugfs(img: Path, offset_sectors: int, cmd: str) -> bytes:
    """Run debugfs on the file system at ``offset_sectors`` of ``img`` (a copy)."""
    part = img.with_suffix(".part")
    with open(img, "rb") as src, open(part, "wb") as dst:
        src.seek(offset_sectors * 512)
        dst.write(src.read(40 * MiB))
    out = subprocess.run(["debugfs", "-R", cmd, str(part)], capture_output=True, check=True).stdout
    part.unlink()
    return out


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- --suggest ---------------------------------------------------------------


@pytest.mark.appliance
@pytest.mark.stock
# The OS case in CI; the other two (~50 s under TCG) in make conformance.
@pytest.mark.parametrize("which", ["os", pytest.param("plain", marks=pytest.mark.conformance),
                                   pytest.param("blank", marks=pytest.mark.conformance)])
def test_suggest_as_stock(images: dict[str, Path], which: str, tmp_path: Path) -> None:
    need_stock()
    img = images[which]
    before = _sha(img)
    args = ["--suggest", "--format=raw", "-a", str(img)]
    theirs = run(["virt-rescue", *args], tmp_path, stock=True, timeout=300)
    mine = run(ours() + args, tmp_path, timeout=300)
    assert mine == theirs
    assert mine[0] == 0 and b"Inspecting the virtual machine" in mine[1]
    assert _sha(img) == before  # --suggest implies --ro


# -- the shell on a pseudo-terminal --------------------------------------------


class Terminal:
    """virt-rescue on a pseudo-terminal: type, and wait for what it prints."""

    def __init__(self, args: list[str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: virt-rescue on the terminal
            os.execvpe(sys.executable, ours() + args, env(False))
        self.out = b""

    def _fail(self, why: str) -> None:
        """Stop virt-rescue (its recovery process cleans up) and fail."""
        try:
            os.kill(self.pid, 15)
        except OSError:
            pass
        raise AssertionError(f"{why}; the terminal shows:\n{self.out[-3000:].decode(errors='replace')}")

    def read_until(self, needle: bytes, timeout: float = 240) -> bytes:
        """Everything up to and including ``needle``; fails after ``timeout``."""
        deadline = time.monotonic() + timeout
        while needle not in self.out:
            left = deadline - time.monotonic()
            if left <= 0:
                self._fail(f"no {needle!r} within {timeout} s")
            if select.select([self.fd], [], [], min(left, 1.0))[0]:
                try:
                    data = os.read(self.fd, 65536)
                except OSError:
                    data = b""
                if not data:
                    self._fail(f"virt-rescue ended before {needle!r}")
                self.out += data
        i = self.out.index(needle) + len(needle)
        seen, self.out = self.out[:i], self.out[i:]
        return seen

    def type(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def wait(self, timeout: float = 120) -> int:
        """virt-rescue's exit status once it ends (reading what it still prints)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
            if select.select([self.fd], [], [], 0.2)[0]:
                try:
                    self.out += os.read(self.fd, 65536)
                except OSError:
                    pass
        os.kill(self.pid, 9)
        raise AssertionError("virt-rescue did not end")


PROMPT = b"><rescue> "


def _children(pid: int) -> set[int]:
    """The processes ``pid`` started (its qemu, the recovery watcher)."""
    r = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
    return {int(p) for p in r.stdout.split()}


def _gone(pids: set[int], timeout: float = 30) -> bool:
    """Whether every process of ``pids`` has ended (zombies count as ended)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = set()
        for p in pids:
            try:
                with open(f"/proc/{p}/stat") as f:
                    if f.read().rsplit(")", 1)[1].split()[0] != "Z":
                        alive.add(p)
            except OSError:
                pass
        if not alive:
            return True
        time.sleep(0.2)
    return False


@pytest.mark.appliance
def test_shell_on_a_terminal(images: dict[str, Path], tmp_path: Path) -> None:
    img = tmp_path / "os.img"
    shutil.copy(images["os"], img)
    t = Terminal(["--format=raw", "-a", str(img), "-i"])
    banner = t.read_until(PROMPT)
    started = _children(t.pid)
    assert started  # qemu (and the recovery watcher) run under virt-rescue
    assert "The virt-rescue escape key is \u2018^]\u2019.".encode() in banner
    assert b"/sysroot" in banner
    t.type(b"echo $((6*7))-answer\r")
    assert b"42-answer" in t.read_until(PROMPT)
    # -i mounted the root and /boot under /sysroot.
    t.type(b"cat /sysroot/etc/hostname /sysroot/boot/grub.cfg\r")
    out = t.read_until(PROMPT)
    assert b"rescued" in out and b"set timeout=5" in out
    t.type(b"echo written-in-rescue > /sysroot/etc/rescue-note\r")
    t.read_until(PROMPT)
    # ^] h: the escape help, from virt-rescue itself (the shell sees nothing).
    t.type(b"\x1dh")
    assert b"^] q or x" in t.read_until(b"itself to the shell")
    # ^] s syncs through the daemon while the shell runs.
    t.type(b"\x1ds")
    t.read_until(b"the disks are synced")
    # ^] ^] sends one ^] through to what reads the terminal (here ``read``).
    t.type(b"read -r x; printf %s \"$x\" | od -An -tx1\r")
    t.read_until(b"-tx1\r\n")
    t.type(b"[\x1d\x1d]\r")
    assert b" 5b 1d 5d" in t.read_until(PROMPT)
    t.type(b"exit\r")
    assert t.wait() == 0
    assert _gone(started)  # nothing left behind
    assert _debugfs(img, 2048, "cat /etc/rescue-note") == b"written-in-rescue\n"


@pytest.mark.appliance
def test_read_only_and_quit_key(images: dict[str, Path], tmp_path: Path) -> None:
    img = tmp_path / "os.img"
    shutil.copy(images["os"], img)
    before = _sha(img)
    t = Terminal(["--ro", "--format=raw", "-a", str(img), "-m", "/dev/sda1", "-e", "^A"])
    assert "escape key is \u2018^A\u2019".encode() in t.read_until(PROMPT)
    started = _children(t.pid)
    # Writes in the shell go to the appliance's overlay, never to the image.
    t.type(b"mount -o remount,rw /sysroot; echo x > /sysroot/etc/ro-note; sync; echo done-$((1+1))\r")
    assert b"done-2" in t.read_until(PROMPT)
    # ^A u unmounts through the daemon; the shell sees /sysroot empty.
    t.type(b"\x01u")
    t.read_until(b"unmounted")
    t.type(b"ls /sysroot | wc -l\r")
    assert b"\r\n0\r\n" in t.read_until(PROMPT)
    # ^] is an ordinary key now; ^A q quits at once, without the shell's exit.
    t.type(b"\x01q")
    assert t.wait() == 0
    assert _gone(started)
    assert _sha(img) == before


@pytest.mark.appliance
@pytest.mark.parametrize("via", ["direct", "libvirt"])
def test_script_on_a_pipe(images: dict[str, Path], tmp_path: Path, via: str) -> None:
    """Standard input that is not a terminal: the lines run, its end ends the shell."""
    if via == "libvirt":
        pytest.importorskip("libvirt", reason="libvirt-python is not installed")
    img = tmp_path / "plain.img"
    shutil.copy(images["plain"], img)
    # The kernel may name the disks in any order: find the scratch one by size.
    script = b"cat /sysroot/note\necho scratch: $(grep -lx 20971520 /sys/block/sd*/size | wc -l)\n"
    cmd = ours() + ["--format=raw", "-a", str(img), "-m", "/dev/sda", "--scratch"]
    e = env(False)
    e["LIBGUESTFS_BACKEND"] = via
    r = subprocess.run(cmd, input=script, capture_output=True, timeout=300, env=e, check=False)
    out = r.stdout.decode(errors="replace")
    assert r.returncode == 0, out + r.stderr.decode(errors="replace")
    assert "plain\r\n" in out
    assert "scratch: 1\r\n" in out, out  # one 10 GiB (20971520 sectors) scratch disk


@pytest.mark.appliance
def test_mount_failure_lists_filesystems(images: dict[str, Path], tmp_path: Path) -> None:
    r = run(ours() + ["--format=raw", "-a", str(images["plain"]), "-m", "/dev/sdz"], tmp_path,
            timeout=300)
    assert r[0] == 1
    assert "virt-rescue: \u2018/dev/sdz\u2019 could not be mounted.\n".encode() in r[2]
    assert b"virt-rescue: \t/dev/sda (ext4)\n" in r[2]


@pytest.mark.appliance
def test_console_socket_call(images: dict[str, Path]) -> None:
    """internal_get_console_socket: refused before launch; after it, the
    library stops reading the console and closes it at shutdown."""
    import guestfs

    g = guestfs.GuestFS(python_return_dict=True)
    with pytest.raises(RuntimeError, match="must be launched"):
        g.internal_get_console_socket()
    g.add_drive(str(images["plain"]), readonly=True, format="raw")
    g.launch()
    fd = g.internal_get_console_socket()
    assert fd == g.internal_get_console_socket()  # the same descriptor each time
    ino = os.fstat(fd).st_ino
    assert g.list_devices() == ["/dev/sda"]  # the daemon still answers
    g.close()
    try:
        reused = os.fstat(fd).st_ino == ino
    except OSError:
        reused = False
    assert not reused, "the console descriptor outlived the handle"

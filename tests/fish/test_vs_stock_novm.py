"""Our guestfish against stock guestfish 1.48 on inputs that need no appliance.

Each case runs both programs on the same script (standard input) or
arguments in the same empty directory and compares exit status, standard
output and standard error byte for byte.  Stock runs in a few tens of
milliseconds here, so these are fast; skipped (failed in CI) without stock.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from .fishrun import both

pytestmark = pytest.mark.stock

SCRIPTS = [
    "echo hi\nfoo\necho after\n",
    "-foo\necho after\n",
    "foo\n",
    "echo hi\n-foo\necho x\n",
    "echo \"a b\" c'd e' \\x41 \"\\x41\\n\\t|\" \"q\\\"x\"\n",
    "echo \"\\101\\1010\\?\\x4A\\x4a\\377\\xff\" 'x\\n'\n",
    'echo "\\q"\n', 'echo "\\101\\x4a\\x4"\n', 'echo "\\000"\n', 'echo "\\8"\n',
    'echo "abc\n', "echo 'abc\n", 'echo "a"b\n', "echo 'a'b\n",
    "echo a|b\necho a | tr a-z A-Z\necho x\n",
    "echo ~ ~root ~/x \"~\" a~\n",
    "  # comment\n\n   echo   x   y  \n",
    "echo " + " ".join(str(i) for i in range(63)) + "\n",
    "echo " + " ".join(str(i) for i in range(64)) + "\n",
    "set-memsize\n", "set-memsize abc\n", "set-memsize 99999999999\n", "set-memsize 12x\n",
    "set-memsize 0x200\nget-memsize\nmemsize 1k\nget_memsize\nset-memsize 0400\nget-memsize\n",
    "set-trace yes\nset-trace OFF\nget-trace\nset-verbose 1\nget-verbose\nset-verbose n\n",
    "set-verbose maybe\necho after\n",
    "mount /dev/sda1 /\necho x\n",
    "add-drive /dev/null foo\n", "add-drive /dev/null readonly:maybe\n",
    "add-drive /dev/null nosuch:1\n", "add-drive /dev/null readonly:true readonly:false\necho ok\n",
    "add /nonexist\n", "add-drive-opts /dev/null format:raw blocksize:x\n", "add-drive-opts\n",
    "add-drive /dev/null readonly:true format:raw\nlist-devices\n",
    "echo 1\nexit\necho 2\n", "echo 1\nq\necho 2\n", "quit 1\n",
    "alloc a.img 1x\n", "alloc a.img\n", "sparse\n", "time\n", "time echo x y\n",
    "alloc a.img 0\n", "sparse a.img 0\n", "alloc no/a.img 1M\n", "sparse a.img 1M\nlist-devices\n",
    "add /dev/null format:qcow2\n", "set-backend nosuch\nget-backend\n",
    "-set-backend nosuch\nget-backend\n", "disk-create a.img raw 0\n",
    "disk-create a.img raw 1M clustersize:65536\n",
    "list-events\nevent foo close echo\n-event foo closey echo\nevent foo close,trace \"echo x\"\n"
    "event bar * \"echo $EVENT $@\"\nlist-events\ndelete-event foo\nlist-events\n-delete-event zzz\n"
    "set-trace true\nget-autosync\n",
    "event\n", "glob echo /*\n", "lcd /nonexist\n", "setenv\n", "unsetenv\n",
    "setenv A b\n!echo $A\nunsetenv A\n! echo \"[$A]\"\n",
    "!exit 3\necho 2\n", "echo x | false\necho 2\n",
    "echo x | exec 0<&-; sleep 0.3\necho 2\n", "<! echo echo hello\n",
    "help foo\n", "supported\n", "echo-daemon x\n",
    "hexedit\n", "hexedit /a x\n", "hexedit /a 1 2 3\n", "edit\n", "vi\n", "emacs\n", "more\n",
    "less\n", "display\n", "reopen x\n", "man x\n", "help a b\n", "supported x\n",
    "list-events x\n", "delete-event\n", "lcd\n", "glob\n", "copy-in\n", "copy-out x\n",
    "reopen\necho ok\n",
    "-event a clo x\n-event b l x\n-event c tr,e x\n-event d p x\n-event e s x\n-event f w,a x\n"
    "-event g closex x\n-event h li x\n-event i ,close, x\n-event k close,* x\n"
    "event l * x\nlist-events\n",
    "event ev1 enter,close \"echo $EVENT $1\"\nevent ev2 close \"echo $EVENT $@\"\nreopen\n"
    "list-events\nevent ev3 close \"echo $EVENT\"\nlist-events\n",
    "echo-daemon \"'a\"\n", "-echo-daemon \"'a b\"\necho next\n", "-echo \"\\x00\"\necho next\n",
    "set_program prog\nget-program\nprogram x\nget_program\n",
    "get-backend-settings\nset-backend-settings \"a b\" \nget-backend-settings\n",
    "set-append \"\"\nget-append\n",
]


@pytest.mark.parametrize("script", SCRIPTS)
def test_script_on_stdin(script: str, tmp_path: Path) -> None:
    stock, ours = both([], script, cwd=str(tmp_path))
    assert (ours.status, ours.out.decode(errors="replace"), ours.err.decode()) == \
        (stock.status, stock.out.decode(errors="replace"), stock.err.decode())


ARGVS = [
    ["--foo"], ["-z"], ["-a"], ["--add"], ["--format=raw"], ["--blocksize=4096"], ["-a", "/nonexist"],
    ["--blocksize=x", "-a", "/dev/null"], ["--blocksize=12x", "-a", "/dev/null"],
    ["--blocksize=1k", "-a", "/dev/null"], ["--blocksize=99999999999999999999", "-a", "/dev/null"],
    ["--blocksize=99999999999", "-a", "/dev/null"],
    ["echo", "a", ":", "echo", "b"], ["echo", "a:b", ":", "foo"], ["--", "echo", "-a"],
    ["echo", "--foo"], ["-N", "foo"], ["-N", "fs:ext4:1x"], ["-V"], ["--version"],
    ["-h", "nosuch"], ["set-memsize", "12x"], ["-x", "echo", "hi"],
    ["-f", "/nonexist"],
]


@pytest.mark.parametrize("argv", ARGVS, ids=" ".join)
def test_arguments(argv: list[str], tmp_path: Path) -> None:
    stock, ours = both(argv, "", cwd=str(tmp_path))
    assert (ours.status, ours.out.decode(errors="replace"), ours.err.decode()) == \
        (stock.status, stock.out.decode(errors="replace"), stock.err.decode())


def test_script_file(tmp_path: Path) -> None:
    script = tmp_path / "s.fish"
    script.write_text("echo 1\n# two\n\nmount a b\necho 3\n")
    stock, ours = both(["-f", str(script)], "", cwd=str(tmp_path))
    assert (ours.status, ours.out, ours.err) == (stock.status, stock.out, stock.err)


def test_sparse_and_alloc_make_the_same_files(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    script = "sparse s.img 10M\nalloc f.img 64k\nlist-devices\n"
    from .fishrun import OUR_GUESTFISH, STOCK_GUESTFISH, run
    stock = run(STOCK_GUESTFISH, [], script, cwd=str(a))
    ours = run(OUR_GUESTFISH, [], script, cwd=str(b))
    assert (ours.status, ours.out) == (stock.status, stock.out)
    for name in ("s.img", "f.img"):
        sa, sb = (a / name).stat(), (b / name).stat()
        assert sb.st_size == sa.st_size
        assert (sb.st_blocks == 0) == (sa.st_blocks == 0)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("argv, script", [([], "echo a\necho b\n"), (["echo", "a"], "")])
def test_output_that_cannot_be_written(argv: list[str], script: str, tmp_path: Path) -> None:
    """A full standard output: the run fails at the end, with stock's message."""
    from .fishrun import OUR_GUESTFISH, STOCK_GUESTFISH, our_env, require_ours, require_stock, stock_env
    require_stock()
    require_ours()
    results = []
    for program, env in ((STOCK_GUESTFISH, stock_env()), (OUR_GUESTFISH, our_env())):
        with open("/dev/full", "wb") as full:
            p = subprocess.run([program, *argv], input=script.encode(), stdout=full,
                               stderr=subprocess.PIPE, env=env, cwd=str(tmp_path), timeout=60, check=False)
        results.append((p.returncode, p.stderr))
    assert results[1] == results[0]
    assert results[0][0] == 1

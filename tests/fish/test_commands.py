"""The command table and the shell in process, no VM (guestfs/fish/commands.py, shell.py)."""

from __future__ import annotations

import pytest

import guestfs
from guestfs.actions import ACTIONS
from guestfs.fish.commands import FISH_ALIASES, CommandTable, dashed, is_fish_action, usage_line
from guestfs.fish.local import local_commands
from guestfs.fish.shell import Shell
from guestfs.state import State


@pytest.fixture
def shell() -> Shell:
    g = guestfs.GuestFS()
    yield Shell(g)
    g.close()


def test_every_public_action_is_a_command(shell: Shell) -> None:
    local = {c.name for c in local_commands()}
    for act in ACTIONS.values():
        cmd = shell.table.lookup(act.name)
        if is_fish_action(act):
            assert cmd is not None, act.name
            assert cmd.action is act or dashed(act.name) in local, act.name
            assert shell.table.lookup(dashed(act.name)) is cmd
        elif act.visibility not in ("public_no_fish",):
            assert cmd is None, act.name


def test_aliases_reach_their_action(shell: Shell) -> None:
    for name, aliases in FISH_ALIASES.items():
        for alias in aliases:
            cmd = shell.table.lookup(alias)
            assert cmd is not None and cmd.action is ACTIONS[name], alias
    for act in ACTIONS.values():
        for alias in act.aliases:
            cmd = shell.table.lookup(alias)
            assert cmd is not None and cmd.action is act, alias


def test_usage_line_comes_from_the_kinds() -> None:
    act = ACTIONS["add_drive"]
    line = usage_line(act)
    assert line.startswith("add-drive filename ")
    for o in act.optargs:
        assert f"[{o.name}:{o.kind.fish_hint()}]" in line
    assert "[readonly:true|false]" in line and "[blocksize:N]" in line


def test_listing_has_every_name(shell: Shell) -> None:
    listing = shell.table.listing()
    lines = listing.splitlines()
    assert lines[1].startswith("help ") and lines[2].startswith("quit ")
    assert "run                  alias for 'launch'" in lines
    for cmd in shell.table.commands:
        assert any(ln.startswith(cmd.name + " ") for ln in lines), cmd.name


def test_run_config_commands(shell: Shell, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert shell.run_line("set-memsize 0x200") == 0
    assert shell.run_line("get_memsize") == 0
    assert shell.run_line("memsize 1k") == 0
    assert shell.run_line("get-memsize") == 0
    assert shell.run_line("set-trace on") == 0 and shell.g.get_trace() == 1
    assert shell.run_line("set-trace off") == 0
    assert shell.run_line("get-trace") == 0
    assert capsysbinary.readouterr().out == b"512\n1024\nfalse\n"


def test_errors(shell: Shell, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert shell.run_line("nosuch") == -1
    assert shell.run_line("-nosuch") == 1
    assert shell.run_line("set-memsize") == -1
    assert shell.run_line("set-memsize 12x") == -1
    assert shell.run_line("add-drive /dev/null readonly:maybe") == -1
    assert shell.run_line("add-drive /dev/null nosuch:1") == -1
    shell.where = "*stdin*:7"
    assert shell.run_line("mount /dev/sda1 /") == -1
    err = capsysbinary.readouterr().err.decode()
    assert err.startswith("nosuch: unknown command\nDid you mean to open a disk image?")
    assert err.count("unknown command") == 2 and err.count("Did you mean") == 1
    assert ("error: incorrect number of arguments\nusage: set-memsize memsize\n"
            "type 'help set-memsize' for more help on set-memsize\n") in err
    assert "set-memsize: memsize: invalid integer parameter (xstrtoll returned 2)\n" in err
    assert "guestfish: 'maybe': invalid boolean value, use 'true' or 'false'\n" in err
    assert 'add-drive: unknown optional argument "nosuch:1"\n' in err
    assert "*stdin*:7: libguestfs: error: mount: call launch before using this function\n" in err


def test_bare_help_says_what_to_do_next_and_l_lists(shell: Shell,
                                                     capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    # As stock's: bare help depends on the state; -l / --list give the listing.
    assert shell.run_line("help") == 0
    text = capsysbinary.readouterr().out.decode()
    assert "‘add’" in text and "‘run’" in text and "‘help -l’" in text
    for word in ("-l", "--list"):
        assert shell.run_line(f"help {word}") == 0
        assert capsysbinary.readouterr().out.decode() == shell.table.listing()
    shell.g._state = State.READY
    try:
        assert shell.run_line("help") == 0
        assert "‘list-filesystems’" in capsysbinary.readouterr().out.decode()
    finally:
        shell.g._state = State.CONFIG


def test_help_of_an_action_and_of_a_local_command(shell: Shell,
                                                  capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert shell.run_line("help add") == 0
    text = capsysbinary.readouterr().out.decode()
    assert text.startswith("NAME\n    add-drive - ")
    assert f"SYNOPSIS\n     {usage_line(ACTIONS['add_drive'])}\n" in text
    assert "You can use 'add' or 'add-drive-opts' as an alias for this command." in text
    assert shell.run_line("help add-drive-with-if") == 0
    assert "Deprecated: new scripts should use 'add-drive' instead" in capsysbinary.readouterr().out.decode()
    assert shell.run_line("help glob") == 0
    assert capsysbinary.readouterr().out.startswith(b"NAME\n    glob - ")
    assert shell.run_line("help nosuch") == -1


def test_return_kinds_print_every_sample() -> None:
    """Every return kind prints its samples as bytes; text ends in a newline."""
    seen = set()
    for act in ACTIONS.values():
        kind = act.ret
        if kind.name in seen or kind.name == "RErr":
            continue
        seen.add(kind.name)
        for variant in (0, 1):
            out = kind.fish_format(kind.sample(variant))
            assert isinstance(out, bytes)
            if kind.name != "RBufferOut" and out:
                assert out.endswith(b"\n"), kind.name
    assert {"RInt", "RInt64", "RBool", "RString", "RStringList", "RHashtable", "RStruct",
            "RStructList", "RBufferOut", "RConstOptString"} <= seen


def test_octal_output() -> None:
    act = ACTIONS["get_umask"]
    assert act.ret.fish_format(0o22, 8) == b"022\n" and act.ret.fish_format(0, 8) == b"0\n"


def test_table_without_local_commands() -> None:
    table = CommandTable([])
    assert table.lookup("echo") is None and table.lookup("mount") is not None


@pytest.mark.parametrize("word, items", [
    ("' '", [" "]), ("\\'", ["'"]), ("'\\''", ["'"]), ("'\\' '", ["' "]), ("'\\'foo\\''", ["'foo'"]),
    ("foo' 'bar", ["foo bar"]), ("foo'  'bar", ["foo  bar"]), ("'foo' 'bar'", ["foo", "bar"]),
    ("'foo' ", ["foo"]), (" 'foo'", ["foo"]), ("''", [""]), ("", []), ("x '' y", ["x", "", "y"]),
    # Only single quotes are special (watched on stock with echo-daemon).
    ('"a b" c', ['"a', 'b"', "c"]), ('"a', ['"a']), ("'a\"b'", ['a"b']), ("a''b", ["ab"]),
    ("\\\\", ["\\\\"]), ("a\\ b", ["a\\", "b"]),
])
def test_string_list_words(word: str, items: list[str]) -> None:
    """String-list splitting as stock's own test-stringlist.sh expects it."""
    assert ACTIONS["echo_daemon"].args[0].kind.parse(word) == items


def test_string_list_runaway_quote(shell: Shell, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert shell.run_line("echo-daemon \"'a\"") == -1
    assert capsysbinary.readouterr().err == b"Runaway quote in string \"'a\"\n"


def test_event_sets(shell: Shell, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    for line in ("event a l x", "event b tr,e x", "event c * x", "event d ,close, x"):
        assert shell.run_line(line) == 0, line
    assert shell.run_line("event e closex x") == -1
    assert shell.run_line("list-events") == 0
    out = capsysbinary.readouterr()
    assert out.out.decode().splitlines() == [
        '"a" (0): launch_done: x', '"b" (1): enter,trace: x', '"c" (2): *: x', '"d" (3): close: x']
    assert out.err == b"unknown event name: closex\n"


def test_pipeline_that_stops_reading_drops_only_the_output(tmp_path: object) -> None:
    """Output into a pipeline that closed its input (200 kB, then the
    time line that meets the closed pipe): the command and the
    script go on and nothing leaks onto the real standard output (stock
    ignores SIGPIPE and drops what the pipeline would not take)."""
    import subprocess

    from .fishrun import OUR_GUESTFISH, our_env, require_ours
    require_ours()
    script = f'time echo {"a" * 200_000} | exec 0<&-; sleep 0.3\necho 2\n'
    r = subprocess.run([OUR_GUESTFISH], input=script.encode(), capture_output=True,
                       env=our_env(), cwd=str(tmp_path), timeout=60, check=False)
    assert (r.returncode, r.stdout, r.stderr) == (0, b"2\n", b"")

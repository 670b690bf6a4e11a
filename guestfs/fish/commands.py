"""guestfish's command table: every registry action is a command.

Nothing here is written per action.  Each action's command is derived from
its registry entry (``guestfs/actions``): the name with ``-`` for ``_``, its
words parsed by each argument's kind (``ArgKind.parse``), ``name:value``
optional arguments, the usage line from the kinds' hints, the result
printed by its return kind (``RetKind.fish_format``), and the help text
from the summaries.  The local commands (``echo``, ``glob`` …) live in
``local.py`` and join the same table through :class:`FishCommand`.

The two small tables below hold the facts of libguestfs 1.48's actions
tables that the protocol facts file does not carry because they are
guestfish's alone: the extra command names some actions have, and the
actions whose integer result is printed in octal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..actions import ACTIONS, Action
from ..actions._summaries import SUMMARIES
from ..actions.kinds import ParseError

if TYPE_CHECKING:
    from .shell import Shell

#: guestfish-only names of actions (libguestfs's ``fish_alias``).
FISH_ALIASES: Mapping[str, tuple[str, ...]] = {
    "add_drive": ("add",), "add_drive_ro": ("add-ro",), "set_append": ("append",),
    "set_attach_method": ("attach-method",), "set_autosync": ("autosync",),
    "set_backend": ("backend",), "btrfs_filesystem_balance": ("btrfs-balance",),
    "set_cachedir": ("cachedir",), "set_direct": ("direct",), "add_domain": ("domain",),
    "vfs_uuid": ("get-uuid",), "set_hv": ("hv",), "set_identifier": ("identifier",),
    "set_memsize": ("memsize",), "set_network": ("network",), "set_path": ("path",),
    "set_pgroup": ("pgroup",), "get_pid": ("pid",), "set_program": ("program",),
    "set_qemu": ("qemu",), "set_recovery_proc": ("recovery-proc",), "launch": ("run",),
    "add_drive_scratch": ("scratch",), "set_selinux": ("selinux",), "set_smp": ("smp",),
    "set_tmpdir": ("tmpdir",), "set_trace": ("trace",), "umount": ("unmount",),
    "umount_all": ("unmount-all",), "set_verbose": ("verbose",),
}

#: Actions whose integer result guestfish prints in another radix
#: (libguestfs's ``fish_output``): 8 = octal with a leading 0.
FISH_OUTPUT_RADIX: Mapping[str, int] = {"get_umask": 8, "umask": 8}

#: Registry visibilities that are guestfish commands.
_FISH_VISIBLE = frozenset({"public", "debug"})

#: A command implementation: (shell, the name as typed, its words) → 0 or -1.
Runner = Callable[["Shell", str, list[str]], int]


class CommandFailed(Exception):
    """A command failed after printing its own message (exit status 1)."""


def dashed(name: str) -> str:
    """A command name in guestfish's form (``add_drive`` → ``add-drive``)."""
    return name.replace("_", "-")


@dataclass
class FishCommand:
    """One guestfish command: a registry action or a local command."""

    #: The name ``-h`` lists it under (dashed).
    name: str
    #: One line for the ``help`` list.
    summary: str
    #: Runs it.
    run: Runner
    #: The help text of ``help NAME`` (without the trailing blank line).
    help_text: Callable[[], str]
    #: Other names, dashed.
    aliases: tuple[str, ...] = ()
    #: Names it answers to that ``help`` does not list (``exit``, ``q``).
    hidden_aliases: tuple[str, ...] = ()
    action: Action | None = field(default=None, repr=False)


# -------------------------------------------------------------------------
# actions as commands
# -------------------------------------------------------------------------


def _words(act: Action) -> list[Any]:
    """The positional arguments typed as words (prompted ones are not)."""
    return [a for a in act.args if not a.kind.prompted]


def usage_line(act: Action) -> str:
    """``name arg1 arg2 [opt:hint] …``, as the usage message and synopsis show."""
    parts = [dashed(act.name), *(a.name for a in _words(act))]
    parts += [f"[{o.name}:{o.kind.fish_hint()}]" for o in act.optargs]
    return " ".join(parts)


def _action_help(act: Action, aliases: Sequence[str]) -> str:
    summary = SUMMARIES.get(act.name, "")
    lines = ["NAME", f"    {dashed(act.name)} - {_lower_first(summary)}", "",
             "SYNOPSIS", f"     {usage_line(act)}", "", "DESCRIPTION", f"    {summary}"]
    if act.args or act.optargs:
        lines.append("")
        for a in act.args:
            how = " (asked for at a prompt)" if a.kind.prompted else ""
            lines.append(f"    {a.name}: {a.kind.doc}{how}")
        for o in act.optargs:
            lines.append(f"    {o.name}: optional, {o.kind.doc}")
    if act.deprecated_by:
        lines += ["", f"    Deprecated: new scripts should use '{dashed(act.deprecated_by)}' instead "
                      "(this command stays, unchanged)."]
    elif act.facts.get("deprecated"):
        lines += ["", "    Deprecated: this command stays, unchanged, but new scripts should not use it."]
    if aliases:
        names = " or ".join(f"'{a}'" for a in aliases)
        lines += ["", f"    You can use {names} as an alias for this command."]
    return "\n".join(lines)


def _lower_first(text: str) -> str:
    """A summary as a ``NAME - what`` line: no final period, lower case
    first letter (unless the first word is an acronym such as ``LVM``)."""
    text = text.rstrip(".")
    return text[:1].lower() + text[1:] if text[1:2].islower() or len(text) < 2 else text


def wrong_count(shell: Shell, typed: str, usage: str) -> int:
    """stock's message for a command given the wrong number of words."""
    shell.err(f"error: incorrect number of arguments\nusage: {usage}\n"
              f"type 'help {typed}' for more help on {typed}")
    return -1


def parse_action_words(act: Action, typed: str, words: Sequence[str]) -> tuple[list[Any], dict[str, Any]]:
    """The positional values and set optional arguments of an action's words.

    :raises CommandFailed: a word does not parse (the message is in ``args[0]``).
    """
    wanted = _words(act)
    values: list[Any] = []
    for a, w in zip(wanted, words):
        try:
            values.append(a.kind.parse(w))
        except ParseError as e:
            raise CommandFailed(e.message(typed, a.name)) from None
    opts: dict[str, Any] = {}
    for w in words[len(wanted):]:
        opt = next((o for o in act.optargs if w.startswith(o.name + ":")), None)
        if opt is None:
            raise CommandFailed(f'{typed}: unknown optional argument "{w}"')
        if opt.name in opts:
            raise CommandFailed(f'{typed}: optional argument "{opt.name}" given more than once')
        try:
            opts[opt.name] = opt.kind.parse(w[len(opt.name) + 1:])
        except ParseError as e:
            raise CommandFailed(e.message(typed, f"optargs_s.{opt.name}")) from None
    return values, opts


def _action_runner(act: Action) -> Runner:
    wanted = _words(act)
    radix = FISH_OUTPUT_RADIX.get(act.name, 10)

    def run(shell: Shell, typed: str, words: list[str]) -> int:
        if not len(wanted) <= len(words) <= len(wanted) + len(act.optargs):
            return wrong_count(shell, typed, usage_line(act))
        try:
            values, opts = parse_action_words(act, typed, words)
        except CommandFailed as e:
            shell.err(str(e))
            return -1
        it = iter(values)
        args: list[Any] = []
        cleanup: list[str] = []
        try:
            for a in act.args:
                v = shell.read_key(a.name) if a.kind.prompted else next(it)
                if a.kind.stream == "in" and isinstance(v, str) and v.startswith("-<<"):
                    v = shell.here_document(v[3:])
                    cleanup.append(v)
                args.append(v)
            ok, result = shell.call(act, args, opts)
        finally:
            for path in cleanup:
                shell.forget_here_document(path)
        if not ok:
            return -1
        shell.out(act.ret.fish_format(result, radix))
        return 0
    return run


def _action_command(act: Action) -> FishCommand:
    aliases = tuple(dashed(x) for x in (*FISH_ALIASES.get(act.name, ()), *act.aliases))
    return FishCommand(
        name=dashed(act.name), summary=_lower_first(SUMMARIES.get(act.name, "")),
        run=_action_runner(act), help_text=lambda: _action_help(act, aliases),
        aliases=aliases, action=act)


def is_fish_action(act: Action) -> bool:
    """Whether an action is a guestfish command: public and debug calls
    whose arguments can all be typed (not the libvirt-object one)."""
    return act.visibility in _FISH_VISIBLE and all(a.kind.fish_word for a in act.args)


# -------------------------------------------------------------------------
# the table
# -------------------------------------------------------------------------


class CommandTable:
    """Every command by every name it answers to (dashed)."""

    def __init__(self, local: Sequence[FishCommand]) -> None:
        self.commands: list[FishCommand] = []
        self._by_name: dict[str, FishCommand] = {}
        local_names = {c.name for c in local} | {a for c in local for a in c.aliases}
        for act in ACTIONS.values():
            if is_fish_action(act) and dashed(act.name) not in local_names:
                self._add(_action_command(act))
        for c in local:
            self._add(c)

    def _add(self, cmd: FishCommand) -> None:
        self.commands.append(cmd)
        for n in (cmd.name, *cmd.aliases, *cmd.hidden_aliases):
            self._by_name[n] = cmd

    def lookup(self, typed: str) -> FishCommand | None:
        """The command a typed name means (``_`` and ``-`` alike)."""
        return self._by_name.get(dashed(typed))

    def names(self) -> Iterator[str]:
        """Every name, for completion."""
        return iter(sorted(self._by_name))

    def listing(self) -> str:
        """The ``help`` / ``-h`` list of commands with their summaries."""
        rows: list[tuple[str, str]] = []
        for c in self.commands:
            rows.append((c.name, c.summary))
            rows += [(a, f"alias for '{c.name}'") for a in c.aliases
                     if c.action is None or a not in (dashed(x) for x in c.action.aliases)]
        first = [r for r in rows if r[0] in ("help", "quit")]
        rest = sorted(r for r in rows if r[0] not in ("help", "quit"))
        body = "".join(f"{n:<20} {s}\n" for n, s in first + rest)
        return ("    Command              Description\n" + body
                + "    Use -h <cmd> / help <cmd> to show detailed help for a command.\n")

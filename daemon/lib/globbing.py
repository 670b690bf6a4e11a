"""glob(3) with GLOB_BRACE (and GLOB_MARK), reimplemented to run chrooted
(``glob_expand``: the caller enters the sysroot first)."""

from __future__ import annotations

import fnmatch
import os

_MAGIC = frozenset("*?[")


def _has_magic(pat: str) -> bool:
    """True if a glob pattern has unescaped wildcards."""
    i = 0
    while i < len(pat):
        if pat[i] == "\\":
            i += 2
            continue
        if pat[i] in _MAGIC:
            return True
        i += 1
    return False


def _unescape(pat: str) -> str:
    """Drop glob backslash escapes."""
    out, i = [], 0
    while i < len(pat):
        if pat[i] == "\\" and i + 1 < len(pat):
            i += 1
        out.append(pat[i])
        i += 1
    return "".join(out)


def _to_fnmatch(pat: str) -> str:
    """glob(3) syntax → Python fnmatch's: ``\\x`` escapes and ``[^…]`` negation."""
    out, i = [], 0
    while i < len(pat):
        ch = pat[i]
        if ch == "\\" and i + 1 < len(pat):
            nxt = pat[i + 1]
            out.append(f"[{nxt}]" if nxt in "*?[]" else nxt)
            i += 2
            continue
        if ch == "[" and pat[i + 1:i + 2] == "^":
            out.append("[!")
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _brace_expand(pat: str) -> list[str]:
    """GLOB_BRACE: ``a{b,c}d`` → ``abd``, ``acd`` (nested braces too)."""
    depth, start, i = 0, -1, 0
    while i < len(pat):
        ch = pat[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "}" and depth:
            depth -= 1
            if depth == 0:
                alts, cur, d, j = [], "", 0, start + 1
                while j < i:
                    c = pat[j]
                    if c == "\\":
                        cur += pat[j:j + 2]
                        j += 2
                        continue
                    d += (c == "{") - (c == "}")
                    if c == "," and d == 0:
                        alts.append(cur)
                        cur = ""
                    else:
                        cur += c
                    j += 1
                alts.append(cur)
                out: list[str] = []
                for a in alts:
                    out.extend(_brace_expand(pat[:start] + a + pat[i + 1:]))
                return out
        i += 1
    return [pat]


def _join(d: str, name: str) -> str:
    """glob(3)'s join: ``/`` + name, else dir + ``/`` + name (doubled slashes kept)."""
    return "/" + name if d == "/" else d + "/" + name


def _glob(pattern: str, mark: bool, onlydir: bool = False) -> list[str]:
    """One glob(3) expansion without braces (called chrooted): sorted matches."""
    last = pattern.rfind("/")
    if last < 0:
        dirname, filename = ".", pattern
    else:
        dirname, filename = pattern[:last] or "/", pattern[last + 1:]
    if filename == "" and last > 0:
        # "pattern/": expand "pattern", marking directories, whatever the caller asked.
        return _glob(pattern[:last], True, True)
    dirs = _glob(dirname, False, True) if _has_magic(dirname) else [_unescape(dirname)]
    found: list[str] = []
    if not _has_magic(filename):
        name = _unescape(filename)
        for d in dirs:
            p = _join(d, name) if name else d
            if os.path.lexists(p):
                found.append(p)
    else:
        fpat = _to_fnmatch(filename)
        dot_ok = filename.startswith(".") or filename.startswith("\\.")
        for d in dirs:
            try:
                names = os.listdir(d)
            except OSError:
                continue
            if dot_ok:
                names += [".", ".."]
            for n in names:
                if n.startswith(".") and not dot_ok:
                    continue
                if fnmatch.fnmatchcase(n, fpat):
                    p = _join(d, n)
                    if onlydir and not os.path.isdir(p):
                        continue
                    found.append(p)
    if mark:
        found = [p + "/" if os.path.isdir(p) and not (p.endswith("/") and p != "/") else p
                 for p in found]
    return sorted(found, key=os.fsencode)


def glob_expand(pattern: str, mark: bool) -> list[str]:
    """glob(3) with GLOB_BRACE: each alternative's matches sorted, in order."""
    out: list[str] = []
    for alt in _brace_expand(pattern):
        out += _glob(alt, mark)
    return out

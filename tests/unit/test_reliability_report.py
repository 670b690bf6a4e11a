"""bench/reliability_report.py: the table and its verdicts."""

from __future__ import annotations

import importlib.util
import json
import os
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_spec = importlib.util.spec_from_file_location("reliability_report",
                                               os.path.join(ROOT, "bench", "reliability_report.py"))
assert _spec and _spec.loader
report = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(report)


def _write(tmp_path: Any, *rows: dict[str, Any]) -> str:
    path = tmp_path / "r.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return str(path)


def test_all_goals_met(tmp_path: Any, capsys: Any) -> None:
    path = _write(tmp_path,
                  {"kind": "fuzzer", "name": "f", "inputs": 100_000, "unexpected": 0, "outcomes": {}},
                  {"kind": "fault", "name": "kill", "seconds": 1.2, "survived": True},
                  {"kind": "leaks", "name": "seq", "runs": 50, "leftover_processes": 0})
    assert report.main(["x", path]) == 0
    out = capsys.readouterr().out
    assert "| fault | kill | seconds=1.2, survived=True | yes |" in out
    assert "100000 fuzz inputs over 1 fuzzers, 0 unexpected; 1/1 faults survived" in out


def test_each_missed_goal_is_reported(tmp_path: Any, capsys: Any) -> None:
    rows = [{"kind": "fuzzer", "name": "few", "inputs": 300, "unexpected": 0},
            {"kind": "fuzzer", "name": "bad", "inputs": 200_000, "unexpected": 1},
            {"kind": "fault", "name": "slow", "seconds": 4.5, "survived": True},
            {"kind": "leaks", "name": "seq", "leftover_fds": 2},
            {"kind": "read_only", "name": "ro", "changed_files": 1},
            {"kind": "escapes", "name": "esc", "tried": 9, "succeeded": 1}]
    assert report.main(["x", _write(tmp_path, *rows)]) == 1
    out = capsys.readouterr().out
    assert out.count("| no |") == len(rows)
    assert "6 goals missed" in out


def test_no_measurements_is_an_error(tmp_path: Any) -> None:
    assert report.main(["x", str(tmp_path / "missing.jsonl")]) == 1

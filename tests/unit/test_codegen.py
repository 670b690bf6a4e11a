"""The generated typed methods (``guestfs/_methods.py``) are up to date and
every action has its summary."""

from __future__ import annotations

import inspect

import guestfs
from guestfs.actions import ACTIONS, codegen
from guestfs.actions._summaries import SUMMARIES


def test_generated_methods_are_up_to_date() -> None:
    with open(codegen.OUTPUT) as f:
        on_disk = f.read()
    assert on_disk == codegen.generate(), "run: python -m guestfs.actions.codegen"


def test_every_action_has_a_summary() -> None:
    assert set(SUMMARIES) == set(ACTIONS)
    for name, text in SUMMARIES.items():
        assert text[:1].isupper() and text.endswith(".") and len(text) <= 90, name


def test_help_shows_summary_arguments_and_return() -> None:
    doc = inspect.getdoc(guestfs.GuestFS.mkfs) or ""
    assert doc.splitlines()[0] == SUMMARIES["mkfs"]
    assert ":param device: a device name" in doc and ":param blocksize: optional" in doc
    sig = inspect.signature(guestfs.GuestFS.mkfs)
    assert str(sig.parameters["label"].annotation) == "str | None"
    ret = inspect.signature(guestfs.GuestFS.lstatns).return_annotation
    assert ret == "StatNS"
    assert "Deprecated: use :meth:`mkfs` instead." in (inspect.getdoc(guestfs.GuestFS.mkfs_b) or "")


def test_check_mode_reports_a_stale_file(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    stale = tmp_path / "_methods.py"
    stale.write_text("class ActionMethods:\n    pass\n")
    monkeypatch.setattr(codegen, "OUTPUT", str(stale))
    assert codegen.main(["--check"]) == 1
    assert codegen.main([]) == 0
    assert codegen.main(["--check"]) == 0
    assert stale.read_text() == codegen.generate()

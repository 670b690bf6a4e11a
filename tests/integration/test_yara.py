"""The yara calls in the real appliance: rules uploaded as source and as
yarac-compiled files, scans of guest files that match, a compile error,
destroying the rules, and the errors stock libguestfs 1.48 gives.

``test_same_as_stock`` runs one script through stock libguestfs and through
ours on a guest made the same way and compares every outcome.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from guestfs.testing import reset_disks, skip_or_fail
from tests.helpers import err
from tests.stock_script import Step, assert_same_outcomes, run_script_on, run_script_on_stock

pytestmark = pytest.mark.appliance

RULES = b'rule Evil { strings: $a = "EVILSTRING" condition: $a }\nrule Always { condition: true }\n'
NEVER = b'rule Never { strings: $a = "NOT IN ANY FILE" condition: $a }\n'
BAD = b'rule Bad { condition: nosuch }\nrule Worse { condition: alsonot }\n'

#: The guest, made the same way for stock.
PREPARE: list[Step] = [
    ("part_disk", ["/dev/sda", "mbr"], {}),
    ("mkfs", ["ext4", "/dev/sda1"], {}),
    ("mount", ["/dev/sda1", "/"], {}),
    ("write", ["/evil.txt", b"some EVILSTRING here\n"], {}),
    ("write", ["/plain.txt", b"nothing to see\n"], {}),
    ("mkdir", ["/dir"], {}),
    ("ln_s", ["evil.txt", "/link"], {}),
]


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Rule files on the host: source, compiled with the host's yarac, bad, never matching."""
    d = tmp_path_factory.mktemp("yara")
    paths = {}
    for name, text in (("rules", RULES), ("never", NEVER), ("bad", BAD)):
        p = d / f"{name}.yar"
        p.write_bytes(text)
        paths[name] = str(p)
    if shutil.which("yarac") is None:
        skip_or_fail("yarac (yara) is not installed on the host")
    paths["compiled"] = str(d / "rules.yarc")
    subprocess.run(["yarac", paths["rules"], paths["compiled"]], check=True)
    return paths


@pytest.fixture(scope="module")
def gy(launched: Any) -> Iterator[Any]:
    """The shared handle with the guest of PREPARE mounted."""
    reset_disks(launched)
    for method, args, kwargs in PREPARE:
        getattr(launched, method)(*args, **kwargs)
    yield launched
    try:
        launched.yara_destroy()
    except RuntimeError:
        pass
    reset_disks(launched)


def test_scan_matches_in_rule_order(gy: Any, rules: dict[str, str]) -> None:
    gy.yara_load(rules["rules"])
    assert gy.yara_scan("/evil.txt") == [{"yara_name": "/evil.txt", "yara_rule": "Evil"},
                                          {"yara_name": "/evil.txt", "yara_rule": "Always"}]
    assert gy.yara_scan("/plain.txt") == [{"yara_name": "/plain.txt", "yara_rule": "Always"}]
    # A symbolic link is followed, inside the guest; the name is the one asked for.
    assert [d["yara_rule"] for d in gy.yara_scan("/link")] == ["Evil", "Always"]
    gy.yara_destroy()


def test_compiled_rules(gy: Any, rules: dict[str, str]) -> None:
    gy.yara_load(rules["compiled"])
    assert [d["yara_rule"] for d in gy.yara_scan("/evil.txt")] == ["Evil", "Always"]
    gy.yara_destroy()


def test_errors(gy: Any, rules: dict[str, str]) -> None:
    assert err(gy.yara_scan, "/evil.txt") == "internal_yara_scan: no yara rules loaded"
    assert err(gy.yara_destroy) == "yara_destroy: no yara rules loaded"
    assert err(gy.yara_load, rules["bad"]) == "yara_load: found 2 errors when compiling the rules"
    gy.yara_load(rules["rules"])
    assert err(gy.yara_scan, "/nope") == "internal_yara_scan: /nope: No such file or directory"
    assert err(gy.yara_scan, "/dir") == "file receive cancelled by daemon"
    assert err(gy.yara_scan, "dir").endswith("path must start with a / character")
    # No rule matching: an error, as stock's binding makes of the empty list.
    gy.yara_load(rules["never"])
    assert err(gy.yara_scan, "/evil.txt") == "yara_scan: /evil.txt: no yara rule matches"
    # A failed load leaves no rules loaded, as in libguestfs.
    assert err(gy.yara_load, rules["bad"]).startswith("yara_load: found 2 errors")
    assert err(gy.yara_scan, "/evil.txt") == "internal_yara_scan: no yara rules loaded"


# Over 20 s under TCG with stock's launch: make conformance, not CI.
@pytest.mark.conformance
def test_same_as_stock(gy: Any, rules: dict[str, str]) -> None:
    script: list[Step] = [
        ("yara_scan", ["/evil.txt"], {}),
        ("yara_destroy", [], {}),
        ("yara_load", [rules["rules"]], {}),
        ("yara_scan", ["/evil.txt"], {}),
        ("yara_scan", ["/plain.txt"], {}),
        ("yara_scan", ["/link"], {}),
        ("yara_scan", ["/nope"], {}),
        ("yara_scan", ["/dir"], {}),
        ("yara_load", [rules["compiled"]], {}),
        ("yara_scan", ["/evil.txt"], {}),
        ("yara_destroy", [], {}),
        ("yara_destroy", [], {}),
        ("yara_load", [rules["bad"]], {}),
        ("yara_scan", ["/evil.txt"], {}),
    ]
    setup: list[Step] = [("add_drive_scratch", [512 * 1024 * 1024], {}), ("launch", [], {}), *PREPARE]
    stock = run_script_on_stock(setup, script)
    ours = run_script_on(gy, script)
    assert_same_outcomes(script, ours, stock)

"""The README's generated parts agree with their sources."""

from __future__ import annotations

import re

import pytest

from guestfs.actions.unimplemented import markdown
from tests.helpers import REPO

README = f"{REPO}/README.md"
_BLOCK = re.compile(r"(<!-- BEGIN not-implemented[^\n]*-->\n)(.*?)(<!-- END not-implemented -->)", re.S)


def test_not_implemented_list_matches_the_table(request: pytest.FixtureRequest) -> None:
    with open(README) as f:
        text = f.read()
    m = _BLOCK.search(text)
    assert m is not None, "README has no not-implemented block"
    if request.config.getoption("--regenerate-output"):
        with open(README, "w") as f:
            f.write(text[:m.start(2)] + markdown() + text[m.end(2):])
        return
    assert m.group(2) == markdown()

"""Fuzzing set-up: Hypothesis profiles and the reliability figures.

``GUESTFS_FUZZ_PROFILE`` picks the profile: ``ci`` (the default: a few
hundred inputs per fuzzer, so the suite stays fast) or ``reliability``
(``make reliability``: at least 100,000 inputs per fuzzer).  When
``GUESTFS_RELIABILITY_REPORT`` names a file, every fuzzer appends one JSON
line there (inputs tried, unexpected outcomes) for the report's table.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

# The tally fixture deliberately spans every input of a fuzzer (it counts them).
settings.register_profile("ci", max_examples=300, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                 HealthCheck.function_scoped_fixture])
settings.register_profile("reliability", max_examples=100_000, deadline=None,
                          suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("GUESTFS_FUZZ_PROFILE", "ci"))


class Tally:
    """Counts one fuzzer's inputs and the outcomes it did not expect."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.inputs = 0
        self.unexpected = 0
        self.outcomes: dict[str, int] = {}

    def saw(self, outcome: str) -> None:
        """Record one input and what it led to (an expected outcome's name)."""
        self.inputs += 1
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1

    def bad(self) -> None:
        """Record one input whose outcome was not allowed (the test then fails)."""
        self.inputs += 1
        self.unexpected += 1


@pytest.fixture
def tally(request: pytest.FixtureRequest) -> Iterator[Tally]:
    """A :class:`Tally` for this fuzzer, written to the report file at the end."""
    t = Tally(request.node.name)
    yield t
    path = os.environ.get("GUESTFS_RELIABILITY_REPORT")
    if path:
        with open(path, "a") as f:
            f.write(json.dumps({"kind": "fuzzer", "name": t.name, "inputs": t.inputs,
                                "unexpected": t.unexpected, "outcomes": t.outcomes}) + "\n")

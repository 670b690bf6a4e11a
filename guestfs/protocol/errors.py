"""Protocol error classes, split by who broke the rules (as h11 does)."""

from __future__ import annotations


class ProtocolError(Exception):
    """Base class of everything the codec raises."""


class LocalProtocolError(ProtocolError):
    """We were asked to send something the protocol cannot carry."""


class RemoteProtocolError(ProtocolError):
    """The peer sent bytes that break the protocol (bad length, bad XDR …)."""

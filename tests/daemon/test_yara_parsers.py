"""The pure parts of ``daemon/impl/yara.py``: yarac's error count, the
rule names of yara's output (captured from yara 4.2, the appliance's) and
the XDR stream of yara_detection structs the library decodes."""

from __future__ import annotations

from guestfs.library.forensics import decode_struct_stream
from guestfs_daemon.impl import yara


def test_count_errors() -> None:
    stderr = ('error: rule "Bad" in /tmp/r.yar(1): undefined identifier "nosuch"\n'
              'warning: rule "Slow" in /tmp/r.yar(3): string "$a" may slow down scanning\n'
              'error: rule "Worse" in /tmp/r.yar(5): syntax error, unexpected end of file\n')
    assert yara.count_errors(stderr) == 2
    assert yara.count_errors("") == 0


def test_parse_matches_in_rule_order() -> None:
    out = "Evil /proc/self/fd/5\nAlways /proc/self/fd/5\n"
    assert yara.parse_matches(out) == ["Evil", "Always"]
    assert yara.parse_matches("") == []
    assert yara.parse_matches("Odd /a path/with spaces\n") == ["Odd"]


def test_detections_round_trip() -> None:
    data = yara.encode_detections("/dir/file name", ["Evil", "Always"])
    assert decode_struct_stream(data, "yara_detection") == [
        {"yara_name": "/dir/file name", "yara_rule": "Evil"},
        {"yara_name": "/dir/file name", "yara_rule": "Always"}]
    assert decode_struct_stream(b"", "yara_detection") == []


def test_truncated_stream_is_an_error() -> None:
    import pytest

    from guestfs.errors import GuestFSError
    data = yara.encode_detections("/f", ["Evil"])
    with pytest.raises(GuestFSError, match="could not decode"):
        decode_struct_stream(data[:-3], "yara_detection")

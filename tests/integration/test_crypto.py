"""cryptsetup_open and friends: argument checks and cryptsetup's own errors
(a full LUKS format and open takes about a minute under TCG, so the
round trip is left to the interop suite's stock peer)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.appliance


def test_open_of_a_device_that_is_not_encrypted_fails_with_cryptsetups_error(g: Any) -> None:
    with pytest.raises(RuntimeError, match=r"^cryptsetup_open: cryptsetup exited with status \d+: ") as ei:
        g.cryptsetup_open("/dev/sda", "secret", "plain", crypttype="luks")
    assert "LUKS" in str(ei.value) or "luks" in str(ei.value).lower()


def test_bad_arguments_are_refused_before_running_anything(g: Any) -> None:
    with pytest.raises(RuntimeError, match="invalid mapping name"):
        g.cryptsetup_open("/dev/sda", "secret", "a/b")
    with pytest.raises(RuntimeError, match="unknown type"):
        g.cryptsetup_open("/dev/sda", "secret", "m", crypttype="rot13")
    with pytest.raises(RuntimeError, match="not a /dev/mapper device"):
        g.cryptsetup_close("/dev/sda")
    with pytest.raises(RuntimeError, match="keyslot"):
        g.luks_format("/dev/sda", "secret", 9)


def test_luks_extras_check_their_arguments(g: Any) -> None:
    with pytest.raises(RuntimeError, match=r"^luks_uuid: /dev/sda: not a LUKS device$"):
        g.luks_uuid("/dev/sda")
    with pytest.raises(RuntimeError, match="keyslot 8 out of range"):
        g.luks_kill_slot("/dev/sda", "secret", 8)
    with pytest.raises(RuntimeError, match="keyslot -1 out of range"):
        g.luks_add_key("/dev/sda", "secret", "new", -1)
    with pytest.raises(RuntimeError, match=r"^luks_add_key: cryptsetup: "):
        g.luks_add_key("/dev/sda", "secret", "new", 1)
    with pytest.raises(RuntimeError, match=r"^luks_open_ro: cryptsetup exited with status \d+: "):
        g.luks_open_ro("/dev/sda", "secret", "ro")
    assert g.list_dm_devices() == []

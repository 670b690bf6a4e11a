"""The libosinfo ids of Windows versions (guestfs/library/inspection.py), no VM.

Measured with libguestfs 1.48.6 on phony Windows disks holding these
registry values (see tests/integration/test_inspect_windows.py), except
where a comment says the value follows the same rule untested.
"""

from __future__ import annotations

import pytest

from guestfs.library.inspection import windows_osinfo


@pytest.mark.parametrize(("major", "minor", "variant", "product", "build", "want"), [
    (10, 0, "Client", "Windows 10 Pro", 19045, "win10"),
    (10, 0, "Client", "Windows 11 Pro", 22000, "win10"),  # 1.48 knows no win11
    (10, 0, "Server", "Windows Server 2016", 14393, "win2k16"),
    (10, 0, "Server", "Windows Server 2019 Standard", 17763, "win2k19"),
    (10, 0, "Server", "Windows Server 2022", 20348, "win2k22"),
    (6, 1, "unknown", "Windows 7 Professional", 7601, "win7"),
    (6, 0, "unknown", "Vista", 6002, "winvista"),
    (5, 2, "unknown", "Windows XP Professional x64 Edition", 0, "winxp"),
    (0, 0, "unknown", "Bogus", 0, "unknown"),
    # Same rules, not measured one by one:
    (6, 1, "Server", "Windows Server 2008 R2", 7601, "win2k8r2"),
    (6, 2, "Server Core", "Windows Server 2012", 9200, "win2k12"),
    (6, 3, "Client", "Windows 8.1", 9600, "win8.1"),
    (5, 2, "unknown", "Windows Server 2003 R2", 0, "win2k3r2"),
    (5, 2, "unknown", "Windows Server 2003", 0, "win2k3"),
    (5, 1, "unknown", "Windows XP", 2600, "winxp"),
    (11, 0, "Client", "future", 30000, "unknown"),
])
def test_windows_osinfo(major: int, minor: int, variant: str, product: str, build: int, want: str) -> None:
    assert windows_osinfo(major, minor, variant, product, build) == want

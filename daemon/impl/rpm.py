"""The rpm packages of the guest mounted on the sysroot
(``internal_list_rpm_applications``, what ``inspect_list_applications2``
asks for rpm-based guests), read with the appliance's ``rpm`` from the
guest's database.  Where the database is and how rpm's answer is read:
``daemon/lib/rpmdb.py``; the library sorts the list
(``guestfs/library/inspection.py``).
"""

from __future__ import annotations

import os
import sys

from ..dispatch import action
from ..errors import DaemonError
from ..lib import programs, rpmdb
from ..lib.guestroot import real

#: Stock 1.48's whole message when the database cannot be opened (librpm's
#: iterator failed); rpm's own words go to the daemon's log.
NO_DATABASE = "rpmtsInitIterator"


def _database() -> str | None:
    """The appliance path of the guest's rpm database directory (its links
    resolved inside the guest), or None when no place has one."""
    for guest_dir in rpmdb.DB_DIRS:
        directory = real(guest_dir, follow=True)
        if any(os.path.lexists(os.path.join(directory, f)) for f in rpmdb.DB_FILES):
            return directory
    return None


@action("internal_list_rpm_applications")
def internal_list_rpm_applications() -> list[dict[str, object]]:
    """Every package of the guest's rpm database (sqlite or Berkeley DB), in
    the database's order, with name, epoch, version, release, arch, URL,
    summary and description."""
    directory = _database()
    if directory is None:
        print(f"rpm: no database in any of {', '.join(rpmdb.DB_DIRS)}", file=sys.stderr)
        raise DaemonError(NO_DATABASE)
    # HOME: Debian's rpm macros name a per-user database the --dbpath overrides.
    cp = programs.run(["rpm", "--dbpath", directory, "--nosignature", "--nodigest", "-qa",
                       "--queryformat", rpmdb.query_format()],
                      stdin=programs.DEVNULL, c_locale=True, check=False,
                      env=dict(os.environ, HOME="/tmp"))
    if cp.returncode != 0:
        print(f"rpm: {programs.err_text(cp)}", file=sys.stderr)
        raise DaemonError(NO_DATABASE)
    return rpmdb.parse_query(cp.stdout.decode("utf-8", "surrogateescape"))

"""Device names inside program output, put in the caller's form.

The kernel may name the disks out of attach order (``/dev/sdc`` for the
first disk), and tools print the kernel's names in their reports and
messages.  Stock libguestfs's appliance names them as its callers do, so
what stock shows is the caller's names: :func:`callers_names` rewrites the
text the same way (``context.canonical_device`` for each disk or partition
name).  Used by ``impl/sfdisk.py``, ``mke2fs.py`` and ``ntfs.py``.
"""

from __future__ import annotations

import re

from .. import context
from ..errors import DaemonError

_DISK_NAME = re.compile(r"/dev/(?:sd|hd|vd|xvd|ubd)[a-z]+\d*(?![\w/])")


def callers_names(text: str) -> str:
    """``text`` with every disk and partition name as the caller knows it."""
    return _DISK_NAME.sub(lambda m: context.canonical_device(m.group(0)), text)


def callers_error(e: DaemonError) -> DaemonError:
    """The same error with the device names in its message in the caller's form."""
    return DaemonError(callers_names(str(e)), e.errno)

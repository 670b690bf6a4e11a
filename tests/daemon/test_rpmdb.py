"""The rpm query format and the parser of rpm's answer
(``daemon/lib/rpmdb.py``): on text written here, and on the answer of the
host's rpm 4.18 (the appliance's) about a database made with it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from guestfs.testing import skip_or_fail
from guestfs_daemon.errors import DaemonError
from guestfs_daemon.lib import rpmdb

#: rpm's answer for two packages: quotes, a newline, a missing URL.
ANSWER = ("'bash' 0 '5.2.15' '1.fc38' 'x86_64' 'https://www.gnu.org/software/bash' "
          "'The GNU Bourne Again shell' 'It'\\''s \"the\" shell.\nSecond line.'\n"
          "'gpg-pubkey' 0 '18b8e74c' '62f2920f' '(none)' '(none)' 'Fedora (38) <fedora-38>' ''\n")


def test_query_format_quotes_every_field() -> None:
    qf = rpmdb.query_format()
    assert qf.count("%|") == len(rpmdb.FIELDS)
    assert "%|EPOCH?{%{EPOCH}}:{0}|" in qf
    assert "%|URL?{%{URL:shescape}}:{'(none)'}|" in qf
    assert qf.endswith("\\n")


def test_parse_answer() -> None:
    bash, key = rpmdb.parse_query(ANSWER)
    assert (bash["app2_name"], bash["app2_epoch"], bash["app2_version"], bash["app2_release"],
            bash["app2_arch"]) == ("bash", 0, "5.2.15", "1.fc38", "x86_64")
    assert bash["app2_description"] == "It's \"the\" shell.\nSecond line."
    assert bash["app2_summary"] == "The GNU Bourne Again shell"
    assert (key["app2_arch"], key["app2_url"], key["app2_description"]) == ("(none)", "(none)", "")
    assert bash["app2_display_name"] == bash["app2_source_package"] == bash["app2_class"] == ""
    assert len(bash) == 17


def test_parse_empty_answer() -> None:
    assert rpmdb.parse_query("") == []


@pytest.mark.parametrize("text", [
    "'bash' 0 '5.2'\n",  # a package cut short
    "'bash' 0 '5.2' 'unterminated\n",
    "bash 0 '5.2' '1' 'x' 'u' 's' 'd'\n",  # an unquoted word
])
def test_malformed_answers(text: str) -> None:
    with pytest.raises(DaemonError, match="^rpm: cannot parse the package list"):
        rpmdb.parse_query(text)


def test_huge_epoch_refused() -> None:
    with pytest.raises(DaemonError, match="unexpected epoch '4294967296' of package 'x'"):
        rpmdb.parse_query("'x' 4294967296 '1' '1' 'noarch' '' '' ''\n")


SPEC = """Name: quoted
Epoch: 7
Version: 1.0
Release: 2
Summary: It's a 'quoted' summary
License: MIT
BuildArch: noarch
%description
Line one with "double" and 'single' quotes.
  Indented line two.
%files
"""


def test_answer_of_the_real_rpm(tmp_path: Path) -> None:
    """The host's rpm (Debian's 4.18, as in the appliance) queried with the
    format about a database holding one package made with rpmbuild."""
    for tool in ("rpm", "rpmbuild"):
        if shutil.which(tool) is None:
            skip_or_fail(f"{tool} is not installed (apt-get install rpm)")
    env = dict(os.environ, HOME=str(tmp_path), LC_ALL="C")
    (tmp_path / "q.spec").write_text(SPEC)
    subprocess.run(["rpmbuild", "--define", f"_topdir {tmp_path / 'top'}", "-bb",
                    str(tmp_path / "q.spec")], env=env, check=True, capture_output=True)
    db = tmp_path / "db"
    db.mkdir()
    rpms = [str(p) for p in (tmp_path / "top").rglob("*.rpm")]
    subprocess.run(["rpm", "--dbpath", str(db), "-i", "--justdb", "--nodeps", "--nosignature", *rpms],
                   env=env, check=True, capture_output=True)
    out = subprocess.run(["rpm", "--dbpath", str(db), "-qa", "--queryformat", rpmdb.query_format()],
                         env=env, check=True, capture_output=True).stdout.decode()
    [app] = rpmdb.parse_query(out)
    assert (app["app2_name"], app["app2_epoch"], app["app2_version"], app["app2_release"],
            app["app2_arch"], app["app2_url"]) == ("quoted", 7, "1.0", "2", "noarch", "(none)")
    assert app["app2_summary"] == "It's a 'quoted' summary"
    assert app["app2_description"] == "Line one with \"double\" and 'single' quotes.\n  Indented line two."

"""Command-line tools built on the library.

``options.py`` is the one "open the images" layer every tool shares
(``-a``, ``-d``, ``--format``, ``--ro``, ``-i``, ``-m``, keys …);
guestfish itself lives in ``guestfs/fish/``.
"""

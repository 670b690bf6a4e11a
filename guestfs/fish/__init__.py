"""guestfish, the guest filesystem shell, built on the actions registry.

``main.py`` is the entry point (options, then the shell); ``parser.py``
splits command lines as stock guestfish does; ``commands.py`` derives a
command from every registry action; ``local.py`` holds the commands that
are not actions (``echo``, ``glob``, ``copy-in`` …); ``shell.py`` runs lines,
scripts and the prompt (``repl.py``: readline); ``prep.py`` makes the ``-N``
prepared disks.  The options shared with other tools are in
``guestfs/tools/options.py``.
"""

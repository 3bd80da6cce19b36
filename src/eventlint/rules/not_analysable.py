"""EVT002: valid Python that eventlint cannot analyse."""

from __future__ import annotations

from eventlint.rules.base import EngineRule


class NotAnalysable(EngineRule):
    """A valid Python file that eventlint cannot analyse, so it was not checked.

    eventlint analyses every file the running Python parses, however large or deeply nested
    (it reads CPython's ``ast``, as flake8 does). EVT002 is what is left: valid Python that
    CPython's own parser gives up on while building the tree (it raises ``MemoryError`` or
    ``RecursionError``, for instance an ``elif`` chain of about 3,000 branches or a few
    thousand nested expressions), and files over ``max-file-tokens`` when you set that option
    (0, the default: no limit). A file whose syntax is newer than the running Python is EVT001,
    with the version it needs.

    The rest of the run is unaffected; the finding says which file was skipped so that a CI
    gate does not pass it silently. Generated code is the usual source: exclude it
    (``extend-exclude``), or suppress the code for the file (``per-file-ignores``). Unlike
    EVT001, this is never a problem with the file itself.

    Incorrect::

        def pick(x):  # generated: about 3,000 ``elif`` branches
            if x == 0:
                return "zero"
            elif x == 1:
                return "one"
            ...

    Correct::

        NAMES = {0: "zero", 1: "one"}  # a table instead of the chain


        def pick(x):
            return NAMES[x]
    """

    code = "EVT002"
    name = "not-analysable"
    summary = (
        "Valid Python that the running Python cannot build a tree of (or over max-file-tokens)"
    )

"""EVT002: valid Python that eventlint cannot analyse."""

from __future__ import annotations

from eventlint.rules.base import EngineRule


class NotAnalysable(EngineRule):
    """A valid Python file that eventlint cannot analyse, so it was not checked.

    Three causes. Structures nested deeper than eventlint's parser (libcst) can handle: an
    expression such as ``a or a or ...`` with thousands of operands, a ``+`` chain of hundreds
    of terms, a long attribute, call or implicit string concatenation chain. libcst would
    crash the process on the deepest of these, so eventlint measures the nesting with
    CPython's own parser first and does not hand such files to libcst; shallower ones that
    still exhaust Python's recursion limit are caught. A file with more tokens than
    ``max-file-tokens`` (default 50,000): libcst's tree takes 2 to 7 KiB per token, so
    such a file would cost hundreds of MiB (raise the option, or set it to 0, to analyse it
    anyway). Or syntax newer than the installed libcst understands.

    The rest of the run is unaffected; the finding says which file was skipped so that a CI
    gate does not pass it silently. Generated code is the usual source: exclude it
    (``extend-exclude``), or suppress the code for the file (``per-file-ignores``). Unlike
    EVT001, this is never a problem with the file itself.

    Incorrect::

        PERMISSIONS = READ or WRITE or ...  # several thousand operands, generated

    Correct::

        PERMISSIONS = any((READ, WRITE, ...))
    """

    code = "EVT002"
    name = "not-analysable"
    summary = "Valid Python too deeply nested, too large or too new for eventlint to analyse"

"""EVT000: the configuration could not be read (flake8 only)."""

from __future__ import annotations

from eventlint.rules.base import EngineRule


class ConfigurationError(EngineRule):
    """``[tool.eventlint]`` is invalid, so eventlint did not check anything.

    The ``eventlint`` command reports a bad configuration as one line on stderr and exits 2.
    Under flake8 a plugin has no such channel, and a plugin that exits makes flake8's worker
    pool wait forever; so the flake8 plugin reports the problem as this finding instead, on
    the first file each flake8 process checks, and checks nothing else. The message names the
    file, the key and the closest valid key. Fix the configuration; there is nothing to
    suppress.

    Incorrect::

        [tool.eventlint]
        selet = ["EVT1"]

    Correct::

        [tool.eventlint]
        select = ["EVT1"]
    """

    code = "EVT000"
    name = "configuration-error"
    summary = "The [tool.eventlint] configuration is invalid (reported under flake8)"

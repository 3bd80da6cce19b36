"""The one error a user causes: bad configuration or usage.

Apart from ``config`` (which builds the option models) so that the command can catch it
without importing them.
"""

from eventlint.printable import printable


class ConfigError(Exception):
    """Bad configuration or usage: reported as one line on stderr with exit code 2.

    The message may quote the user's text (a TOML key, a rule code); its line breaks and
    escape sequences are shown escaped, whichever door prints it (the CLI's stderr,
    flake8's EVT000, ``eventlint events``), so it stays one line and cannot recolour the
    terminal.
    """

    def __str__(self) -> str:
        return printable(super().__str__())

"""The one error a user causes: bad configuration or usage.

Apart from ``config`` (which builds the option models) so that the command can catch it
without importing them.
"""


class ConfigError(Exception):
    """Bad configuration or usage: reported as one line on stderr with exit code 2."""

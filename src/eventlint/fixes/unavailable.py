"""Why a file's fixes cannot be applied (libcst cannot parse or rewrite it)."""


class FixUnavailable(Exception):
    """libcst cannot build this file's fixes: the reason is said, the file left alone."""

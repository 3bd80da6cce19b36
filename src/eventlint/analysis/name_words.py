"""What a name says about the value it holds: split into words and matched against lists."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


@lru_cache(maxsize=4096)
def snake_case(name: str) -> str:
    """``createdAt`` -> ``created_at``; ``eventID`` -> ``event_id``; ``API_KEY`` -> ``api_key``."""
    return _CAMEL_BOUNDARY.sub("_", name.strip("_")).lower().replace("-", "_")


def words(name: str) -> list[str]:
    return [word for word in snake_case(name).split("_") if word]


def any_word_matches(pattern: re.Pattern[str], name: str) -> bool:
    return any(pattern.fullmatch(word) for word in words(name))


def names_field(name: str, fields: Iterable[str], *, exact_only: Iterable[str] = ()) -> str | None:
    """The configured field ``name`` denotes, if any.

    A name matches a field when it is that field (``email``) or ends with it as a word
    (``customer_email``). Fields in ``exact_only`` are too generic for the suffix form.
    """
    normal = snake_case(name)
    exact = set(exact_only)
    for candidate in fields:
        field = snake_case(candidate)
        if normal == field or (field not in exact and normal.endswith("_" + field)):
            return candidate
    return None

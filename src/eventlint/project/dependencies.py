"""What a file's findings depended on: every project fact a query consulted, fingerprinted.

The results cache keys a file's findings on these, so a cached result is stale exactly when
something it read changed: a module's content (``file:``), a folder's listing, which decides
whether a module exists (``dir:``), or a project-wide index such as "every production module"
for the raise-site search (``index:``). Queries record as they read; a memoised answer keeps
what it read and replays it for every later asker, so memoisation never hides a dependency.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Hashable, Iterator
from typing import Generic, TypeVar

_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")

Dependencies = dict[str, str]  # key -> fingerprint when read


def file_key(path: object) -> str:
    return f"file:{path}"


def dir_key(path: object) -> str:
    return f"dir:{path}"


def index_key(name: str) -> str:
    return f"index:{name}"


def listing_fingerprint(files: Iterator[str] | frozenset[str], folders: frozenset[str]) -> str:
    hasher = hashlib.sha256()
    for name in sorted(files):
        hasher.update(name.encode("utf-8", "surrogateescape") + b"\0")
    hasher.update(b"/\0")
    for name in sorted(folders):
        hasher.update(name.encode("utf-8", "surrogateescape") + b"\0")
    return hasher.hexdigest()[:32]


class Recorder:
    """The dependencies being collected, innermost query last."""

    def __init__(self) -> None:
        self._frames: list[Dependencies] = []

    @contextlib.contextmanager
    def recording(self) -> Iterator[Dependencies]:
        frame: Dependencies = {}
        self._frames.append(frame)
        try:
            yield frame
        finally:
            self._frames.pop()

    def note(self, key: str, fingerprint: str) -> None:
        for frame in self._frames:
            frame.setdefault(key, fingerprint)

    def replay(self, dependencies: Dependencies) -> None:
        for frame in self._frames:
            for key, fingerprint in dependencies.items():
                frame.setdefault(key, fingerprint)


class TrackedMemo(Generic[_K, _V]):
    """A memo whose hits replay the dependencies the first computation recorded."""

    def __init__(self, recorder: Recorder) -> None:
        self._recorder = recorder
        self._values: dict[_K, tuple[_V, Dependencies]] = {}

    def get(self, key: _K, compute: Callable[[], _V]) -> _V:
        found = self._values.get(key)
        if found is None:
            with self._recorder.recording() as read:
                value = compute()
            found = self._values[key] = (value, dict(read))
        else:
            self._recorder.replay(found[1])
        return found[0]

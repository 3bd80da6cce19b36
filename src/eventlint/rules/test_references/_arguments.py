"""Which of pytest's arguments name test paths: positional paths and node IDs, and the
targets of ``--ignore``/``--deselect``; never an option's value (``-k expr``, ``--junitxml
out.xml``), a module under ``--pyargs``, a variable or a glob."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from eventlint.rules.test_references._shell import Word

# pytest's options that take the next word as their value (the common ones and those of the
# usual plugins). An unknown option's next word is not judged either: it may be its value.
_TAKES_VALUE = frozenset(
    {
        "-k",
        "-m",
        "-p",
        "-c",
        "-o",
        "-W",
        "-n",
        "-r",
        "--maxfail",
        "--junitxml",
        "--junit-xml",
        "--junit-prefix",
        "--basetemp",
        "--rootdir",
        "--confcutdir",
        "--durations",
        "--durations-min",
        "--tb",
        "--log-level",
        "--log-file",
        "--log-cli-level",
        "--import-mode",
        "--cov",
        "--cov-report",
        "--cov-config",
        "--cov-fail-under",
        "--html",
        "--dist",
        "--timeout",
        "--reruns",
        "--randomly-seed",
        "--ignore-glob",
        "--override-ini",
        "--capture",
        "--color",
        "--benchmark-json",
        "--json-report-file",
        "--splits",
        "--group",
    }
)
# Options that take no value, so the word after them is judged.
_FLAGS = frozenset(
    {
        "-v",
        "-vv",
        "-vvv",
        "-q",
        "-qq",
        "-x",
        "-s",
        "-l",
        "-ra",
        "-rA",
        "-rs",
        "-rxXs",
        "--verbose",
        "--quiet",
        "--exitfirst",
        "--lf",
        "--last-failed",
        "--ff",
        "--failed-first",
        "--nf",
        "--new-first",
        "--sw",
        "--stepwise",
        "--strict-markers",
        "--strict-config",
        "--strict",
        "--showlocals",
        "--no-header",
        "--no-summary",
        "--disable-warnings",
        "--doctest-modules",
        "--cov-append",
        "--no-cov",
        "--collect-only",
        "--co",
        "--runslow",
        "--pdb",
        "--setup-show",
        "--cache-clear",
        "--full-trace",
    }
)
_TARGETED = ("--ignore", "--deselect")
_TEST_LIKE = re.compile(r"test", re.IGNORECASE)


@dataclass(frozen=True)
class Target:
    """A test path or node ID to judge: the text, where the path part is in the file, and
    the node part after ``::`` (empty for a plain path)."""

    path: str
    start: int
    end: int
    node: tuple[str, ...]
    option: str | None = None  # "--ignore" or "--deselect", when it is one's target


def targets(arguments: Sequence[Word]) -> Iterator[Target]:
    if any(word.text == "--pyargs" for word in arguments):
        return  # the arguments are module names
    skip_next = False
    after_dashes = False
    pending_option: str | None = None
    for word in arguments:
        text = word.text
        if pending_option is not None:
            yield from _target(word, text, word.start, pending_option)
            pending_option = None
            continue
        if skip_next:
            skip_next = False
            continue
        if not after_dashes and text.startswith("-"):
            if text == "--":
                after_dashes = True
            elif text in _TARGETED:
                pending_option = text
            elif text.startswith(tuple(f"{option}=" for option in _TARGETED)):
                option, _, value = text.partition("=")
                start = word.start + len(option) + 1 if word.plain else word.start
                yield from _target(word, value, start, option)
            elif text in _FLAGS or "=" in text or _combined_short_flags(text):
                pass
            else:
                skip_next = True  # a known option's value, or an unknown option's
            continue
        if _looks_like_a_test_path(text):
            yield from _target(word, text, word.start, None)


def _combined_short_flags(text: str) -> bool:
    # ``-vx``, ``-qs``: single-letter flags without values, written together.
    return re.fullmatch(r"-[vqxslr][vqxsl]*[a-zA-Z]*", text) is not None and text not in (
        _TAKES_VALUE
    )


def _looks_like_a_test_path(text: str) -> bool:
    path = text.partition("::")[0]
    return bool(path) and ("/" in path or path.endswith(".py") or bool(_TEST_LIKE.search(path)))


def _target(word: Word, text: str, start: int, option: str | None) -> Iterator[Target]:
    # ``tests/...`` is a placeholder; an ``--ignore`` of something that is not about tests
    # (``--ignore=tmp-build``) guards against a folder that only exists sometimes.
    if not word.plain or not text or "..." in text or not _looks_like_a_test_path(text):
        return
    path, _, node = text.partition("::")
    path = path.removeprefix("./")
    offset = start + (len(text.partition("::")[0]) - len(path))
    if path.startswith(("/", "..")) or "/../" in path or not path:
        return  # outside the project
    yield Target(
        path.rstrip("/"),
        offset,
        offset + len(path.rstrip("/")),
        tuple(part for part in node.split("::") if part) if node else (),
        option,
    )

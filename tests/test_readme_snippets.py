"""Every code block of the hand-written documentation is exercised (issue 26).

README.md, CONTRIBUTING.md and every page of docs/ but the generated docs/rules.md: each code
block is classified, by its info string and its content, into exactly one kind below, and
each kind has a check. A block of no kind (a new snippet nobody thought to test), or of two,
fails, so no snippet slips by; a kind no block has any more fails too. What is checked:

- shell that runs offline (``eventlint``, ``flake8``): run as written by bash, with this
  environment's commands first on ``PATH``, in a copy of the bundled example project (or of
  the checkout's example folder and pyproject.toml), each command against the exit code and
  output the docs promise (``EXPECTED``; a command missing there fails);
- shell that installs (``pip install``, so it needs the network): ``bash -n``, the extras it
  names exist, and the commands after the install are checked as the other kinds check them;
- shell of the repository's development loop (the suite, coverage, nox, mypy, ruff, scripts):
  ``bash -n``, each tool is one the ``test``/``dev`` extras install, each path exists;
- TOML: the configuration reference through the real ``ConfigResolver``, every value said to
  be "the default" against the default; Helix's languages.toml names the server command;
- YAML: the workflow's step uses the action's inputs only; the pre-commit configurations name
  the hooks of .pre-commit-hooks.yaml, keys as there, and pass ``pre-commit validate-config``
  (tests/test_front_doors.py runs them); the hook fragment names a hook and its entry;
- JSON: the output sample has the keys (and types) of real ``--output-format json``; VS
  Code's settings start the server and ask for a code action kind it offers;
- Lua, Emacs Lisp: brackets and strings balanced, and the command they start is the server;
  every editor's command is started and answers an LSP ``initialize``;
- Python: compiled; the ``eventlint.testing`` example imports what exists and passes only
  parameters the function has; CONTRIBUTING's rule sketch uses only names its base module
  has, attributes and methods its base class has, and a code no rule has;
- text: the command synopsis names only options ``--help`` lists and subcommands that run;
  the events sample is an excerpt, in order, of the example's generated document;
  CONTRIBUTING's layout map is the block tests/test_layout.py checks against the tree.

Relative links and their anchors are checked too.
"""

from __future__ import annotations

import ast
import builtins
import functools
import inspect
import itertools
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import VIOLATION, run_cli, write
from markdown_it import MarkdownIt
from snippets import REPO, Block, all_blocks, blocks_of, documents
from test_layout import layout_map_paths

from eventlint.config import ConfigResolver, resolve_enabled
from eventlint.options import EventlintConfig
from eventlint.rules import all_rules

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib

EXAMPLE = REPO / "examples" / "order_service"
HOSTED = "https://github.com/<owner>/eventlint"
BIN = Path(sys.executable).parent  # this environment's eventlint, flake8, pre-commit
SHELLS = {"bash", "sh", "shell", "console"}
SERVER = ["eventlint", "server"]


@dataclass(frozen=True)
class Kind:
    name: str
    recognises: Callable[[Block], bool]
    check: Callable[[Block, Path], None]


KINDS: list[Kind] = []


def kind(
    name: str, recognises: Callable[[Block], bool]
) -> Callable[[Callable[[Block, Path], None]], Callable[[Block, Path], None]]:
    def register(check: Callable[[Block, Path], None]) -> Callable[[Block, Path], None]:
        KINDS.append(Kind(name, recognises, check))
        return check

    return register


def classify(block: Block) -> Kind:
    matches = [known for known in KINDS if known.recognises(block)]
    assert matches, (
        f"{block}: a code block ({block.info or 'no info string'}) of no known kind: "
        "add a kind with a check to tests/test_readme_snippets.py"
    )
    assert len(matches) == 1, f"{block}: of several kinds: {[m.name for m in matches]}"
    return matches[0]


BLOCKS = all_blocks()


@pytest.mark.parametrize("block", BLOCKS, ids=str)
def test_every_block_is_exercised(block: Block, tmp_path: Path) -> None:
    classify(block).check(block, tmp_path)


def test_every_kind_still_has_blocks() -> None:
    """A kind no block has is a check that checks nothing (its snippet changed shape)."""
    assert {classify(block).name for block in BLOCKS} == {known.name for known in KINDS}


def test_a_block_of_no_known_kind_fails() -> None:
    for stranger in (
        Block("README.md", 1, "ruby", 'puts "hello"\n'),
        Block("README.md", 1, "", "    indented code\n", fenced=False),
        Block("README.md", 1, "bash", "docker run --rm eventlint\n"),
        Block("README.md", 1, "json", '{"another": "document"}\n'),
    ):
        with pytest.raises(AssertionError, match="of no known kind"):
            classify(stranger)


def test_the_pages_are_the_hand_written_ones() -> None:
    pages = documents()
    assert {"README.md", "CONTRIBUTING.md", "docs/editors.md"} <= set(pages)
    assert "docs/rules.md" not in pages
    assert all(block.document in pages for block in BLOCKS)


# Shell ------------------------------------------------------------------------------------


def commands(text: str) -> list[list[str]]:
    """The commands of a shell block, as words: comments dropped, ``&&`` chains split."""
    found: list[list[str]] = []
    for line in text.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        words = list(lexer)
        while words:
            cut = words.index("&&") if "&&" in words else len(words)
            assert cut, f"an empty command in {line!r}"
            found.append(words[:cut])
            words = words[cut + 1 :]
    return found


def _is_install(words: list[str]) -> bool:
    return (
        words[:1] == ["."]  # activating the virtualenv
        or words[:3] in (["python3", "-m", "venv"], ["python", "-m", "venv"])
        or ("install" in words[:4] and ("pip" in words[:2] or words[1:3] == ["-m", "pip"]))
    )


def _is_user_command(words: list[str]) -> bool:
    return words[0] in ("eventlint", "flake8")


# The development tools the docs run, and the extra of pyproject that installs each.
DEV_TOOLS = {"coverage": "test", "mypy": "test", "ruff": "test", "nox": "dev", "pytest": "test"}


def _is_dev_command(words: list[str]) -> bool:
    if words[:2] == ["python", "-m"] and len(words) > 2:
        return words[2] in DEV_TOOLS or words[2].startswith("eventlint.")
    if words[:1] == ["python"]:
        return len(words) > 1 and words[1].startswith("scripts/")
    return words[0] in DEV_TOOLS or words[0].startswith("scripts/")


def _shell(predicate: Callable[[list[list[str]]], bool]) -> Callable[[Block], bool]:
    return lambda block: block.language in SHELLS and predicate(commands(block.text))


def _bash_syntax(block: Block) -> None:
    checked = subprocess.run(
        ["bash", "-n"], input=block.text, capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, f"{block}: {checked.stderr}"


@dataclass(frozen=True)
class Expect:
    """What the docs say a command does. ``where``: ``example``, a copy of the bundled
    example project; ``checkout``, a folder holding this repository's pyproject.toml and
    examples/ (the quick start runs from a clone's root)."""

    where: str
    returncode: int
    output: tuple[str, ...] = ()  # patterns found in stdout + stderr (multiline)


# "every EVT1xx mistake, starts a Kafka consumer without a readiness check, whose tests make
# the EVT2xx, EVT3xx, EVT404 and EVT501 ones and whose Makefile still runs a test file that
# moved (EVT305); it exits 1"
QUICK_START = ("EVT101", "EVT102", "EVT103", "EVT104", "EVT105", "EVT2", "EVT3", "EVT401")
EXPECTED = {
    "eventlint examples/": Expect(
        "checkout",
        1,
        (
            *(rf"^examples/\S+:\d+:\d+: {code}" for code in QUICK_START),
            r": EVT404 ",
            r": EVT501 ",
            r"^examples/order_service/Makefile:\d+:\d+: EVT305 ",
        ),
    ),
    "eventlint --write-baseline .eventlint-baseline.json": Expect(
        "example", 0, (r"^Wrote \d+ findings",)
    ),
    "eventlint --baseline .eventlint-baseline.json": Expect(
        "example", 0, (r"^All checks passed!$",)
    ),
    "eventlint --baseline .eventlint-baseline.json --show-stale-baseline": Expect(
        "example", 0, (r"^All checks passed!$",)
    ),
    "eventlint events": Expect("example", 0, (r"^### `OrderPlaced`$", r"^## Event IDs$")),
    "eventlint events --write docs/events.md": Expect("example", 0),
    "eventlint events --check docs/events.md": Expect("example", 0),
    "flake8 --select EVT src/": Expect("example", 1, (r"^src/orders/\S+\.py:\d+:\d+: EVT101 ",)),
}


class Workspaces:
    """The folders a block's commands run in, made on first use and kept for the block (its
    commands run in order: the baseline written, then read)."""

    def __init__(self, tmp_path: Path) -> None:
        self._tmp = tmp_path
        self._made: dict[str, Path] = {}

    def __getitem__(self, where: str) -> Path:
        if where not in self._made:
            if where == "example":
                folder = shutil.copytree(EXAMPLE, self._tmp / "order_service")
            else:
                assert where == "checkout", where
                folder = self._tmp / "checkout"
                shutil.copytree(REPO / "examples", folder / "examples")
                shutil.copy(REPO / "pyproject.toml", folder)
            self._made[where] = folder
        return self._made[where]


def _run_user_command(words: list[str], workspaces: Workspaces) -> None:
    command = shlex.join(words)
    expect = EXPECTED.get(command)
    assert expect is not None, f"no expectation for `{command}`: say in EXPECTED what it does"
    result = subprocess.run(
        ["bash", "-c", command],
        cwd=workspaces[expect.where],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    output = result.stdout + result.stderr
    assert result.returncode == expect.returncode, f"`{command}`: {output}"
    for pattern in expect.output:
        assert re.search(pattern, output, re.MULTILINE), f"`{command}`: no {pattern!r} in {output}"


@functools.cache
def _extras() -> dict[str, list[str]]:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    extras: dict[str, list[str]] = pyproject["project"]["optional-dependencies"]
    return extras


def _check_install(words: list[str]) -> None:
    if "install" not in words:
        return  # the virtualenv made or activated
    for target in words[words.index("install") + 1 :]:
        if target.startswith("-"):
            continue
        found = re.fullmatch(r"(?:\.|eventlint)(?:\[([\w,-]+)\])?", target)
        assert found, f"`pip install {target}`: not this project (eventlint is on no index)"
        for extra in (found[1] or "").split(","):
            assert not extra or extra in _extras(), f"no extra `{extra}` in pyproject.toml"


def _check_dev_command(words: list[str]) -> None:
    if words[:2] == ["python", "-m"] and words[2].startswith("eventlint."):
        assert (REPO / "src" / Path(*words[2].split("."))).with_suffix(".py").is_file()
    else:
        tool = words[2] if words[:2] == ["python", "-m"] else words[0]
        if tool in DEV_TOOLS:
            extra = DEV_TOOLS[tool]
            assert any(re.match(rf"{tool}\b", req) for req in _extras()[extra]), (tool, extra)
            if tool == "nox":
                assert (REPO / "noxfile.py").is_file()
    for word in words[1:]:
        if "/" in word and not word.startswith("-"):
            assert (REPO / word).exists(), f"`{shlex.join(words)}`: no {word} in the repository"
    if words[0].startswith("scripts/"):
        assert os.access(REPO / words[0], os.X_OK), f"{words[0]} is not executable"


def _check_shell(block: Block, tmp_path: Path) -> None:
    _bash_syntax(block)
    workspaces = Workspaces(tmp_path)
    for words in commands(block.text):
        if _is_install(words):
            _check_install(words)
        elif _is_user_command(words):
            _run_user_command(words, workspaces)
        else:
            assert _is_dev_command(words), f"{block}: `{shlex.join(words)}` of no known kind"
            _check_dev_command(words)


kind(
    "shell: offline, run as written",
    _shell(lambda found: bool(found) and all(_is_user_command(words) for words in found)),
)(_check_shell)
kind(
    "shell: installs (network): bash -n, the rest checked by kind",
    _shell(lambda found: any(_is_install(words) for words in found)),
)(_check_shell)
kind(
    "shell: the development loop, declared tools and existing paths",
    _shell(lambda found: bool(found) and all(_is_dev_command(words) for words in found)),
)(_check_shell)


# The language server, as the editors start it ---------------------------------------------


def _frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


@functools.cache
def _server_capabilities(command: tuple[str, ...]) -> dict[str, Any]:
    """Start ``command`` as an editor would (this environment's commands on PATH), ask it to
    initialize, shut down and exit; its capabilities."""
    assert list(command) == SERVER, f"the editor starts {command}, not `eventlint server`"
    messages: list[dict[str, Any]] = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"processId": None, "rootUri": None, "capabilities": {}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "id": 2, "method": "shutdown"},
        {"jsonrpc": "2.0", "method": "exit"},
    ]  # fmt: skip
    served = subprocess.run(
        list(command),
        input=b"".join(_frame(message) for message in messages),
        capture_output=True,
        timeout=60,
        check=False,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    assert served.returncode == 0, served.stderr.decode(errors="replace")
    answers: dict[object, dict[str, Any]] = {}
    stream = served.stdout
    while stream:
        header, _, rest = stream.partition(b"\r\n\r\n")
        length = int(re.search(rb"Content-Length: (\d+)", header)[1])  # type: ignore[index]
        message = json.loads(rest[:length])
        answers[message.get("id")] = message
        stream = rest[length:]
    assert answers[2]["result"] is None, answers  # shut down cleanly
    capabilities: dict[str, Any] = answers[1]["result"]["capabilities"]
    return capabilities


def unbalanced(text: str, *, comment: str, quotes: str, one_line_strings: bool) -> str | None:
    """What is wrong with the brackets and strings of a Lua or Lisp text (``None``: all
    closed). Comments run from ``comment`` to the end of the line; Lua's quoted strings end
    on their line, Lisp's may go on."""
    pairs = {")": "(", "]": "[", "}": "{"}
    stack: list[tuple[str, int]] = []
    index, quote = 0, ""
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
            elif char == "\n" and one_line_strings:
                return f"a string is not closed on its line, at {index}"
        elif text.startswith(comment, index):
            end = text.find("\n", index)
            index = len(text) if end < 0 else end
            continue
        elif char in quotes:
            quote = char
        elif char in "([{":
            stack.append((char, index))
        elif char in pairs:
            if not stack or stack[-1][0] != pairs[char]:
                return f"`{char}` at {index} closes nothing open"
            stack.pop()
        index += 1
    if quote:
        return "a string is not closed"
    return f"`{stack[-1][0]}` at {stack[-1][1]} is not closed" if stack else None


def test_the_bracket_check_finds_what_is_not_closed() -> None:
    lua = functools.partial(unbalanced, comment="--", quotes="\"'", one_line_strings=True)
    lisp = functools.partial(unbalanced, comment=";", quotes='"', one_line_strings=False)
    assert lua("f({ \"a\", 'b' }) -- ) in a comment") is None
    assert lisp('(a (b "c)\nd")) ; ) (') is None
    assert lisp("(a (b)") == "`(` at 0 is not closed"
    assert lua('f({ "a" )') == "`)` at 8 closes nothing open"
    assert lisp('(a "b)') == "a string is not closed"
    assert lua('f("a\n")') == "a string is not closed on its line, at 4"


@kind(
    "json: VS Code settings starting the server",
    lambda block: block.language == "json" and '"glspc.serverCommand"' in block.text,
)
def _vscode(block: Block, tmp_path: Path) -> None:
    settings = json.loads(block.text)
    command = (settings["glspc.serverCommand"], *settings["glspc.serverCommandArguments"])
    capabilities = _server_capabilities(command)
    assert settings["glspc.languageId"] == "python"
    offered = set(capabilities["codeActionProvider"]["codeActionKinds"])
    assert set(settings["editor.codeActionsOnSave"]) <= offered, offered


@kind(
    "lua: Neovim's vim.lsp.start",
    lambda block: block.language == "lua" and "vim.lsp.start" in block.text,
)
def _neovim(block: Block, tmp_path: Path) -> None:
    problem = unbalanced(block.text, comment="--", quotes="\"'", one_line_strings=True)
    assert problem is None, f"{block}: {problem}"
    found = re.search(r"\bcmd\s*=\s*\{([^}]*)\}", block.text)
    assert found, block.text
    _server_capabilities(tuple(re.findall(r'"([^"]*)"', found[1])))
    assert re.search(r'\bname\s*=\s*"eventlint"', block.text)


@kind(
    "toml: Helix's languages.toml",
    lambda block: block.language == "toml" and "[language-server.eventlint]" in block.text,
)
def _helix(block: Block, tmp_path: Path) -> None:
    config = tomllib.loads(block.text)
    server = config["language-server"]["eventlint"]
    _server_capabilities((server["command"], *server["args"]))
    (python,) = [language for language in config["language"] if language["name"] == "python"]
    assert "eventlint" in python["language-servers"]


@kind(
    "elisp: eglot's server programs",
    lambda block: (
        block.language in ("elisp", "emacs-lisp") and "eglot-server-programs" in block.text
    ),
)
def _eglot(block: Block, tmp_path: Path) -> None:
    problem = unbalanced(block.text, comment=";", quotes='"', one_line_strings=False)
    assert problem is None, f"{block}: {problem}"
    found = re.search(r"\)\s*\.\s*\(((?:\s*\"[^\"]*\")+)\s*\)", block.text)
    assert found, block.text
    _server_capabilities(tuple(re.findall(r'"([^"]*)"', found[1])))
    assert "python-mode" in block.text and "python-ts-mode" in block.text


# Configuration ---------------------------------------------------------------------------


def _said_default(comment: str) -> str | None:
    """What a comment says of the default: ``"is"`` (the value is the default), ``"none"``
    (the default is empty)."""
    if re.search(r"\(default: none\)", comment):
        return "none"
    if re.search(r"(?:^|[:;(,]\s*)the default\b", comment) and "replaces" not in comment:
        return "is"
    return None


@kind(
    "toml: the [tool.eventlint] reference",
    lambda block: block.language == "toml" and block.text.startswith("[tool.eventlint]\n"),
)
def _configuration(block: Block, tmp_path: Path) -> None:
    document = tomllib.loads(block.text)
    write(tmp_path / "pyproject.toml", block.text)
    known = {rule.code: rule.default_enabled for rule in all_rules()}
    settings = ConfigResolver(known).for_directory(tmp_path)
    assert settings.config_path == tmp_path / "pyproject.toml"
    table = document["tool"]["eventlint"]
    # "select = ["EVT"]  # default: every rule that is on by default"
    assert settings.enabled == resolve_enabled(known, None, (), table["ignore"])
    configured, default = settings.config, EventlintConfig()
    section: tuple[str, ...] = ()
    claims = 0
    for line in block.text.splitlines():
        header = re.fullmatch(r"\[tool\.eventlint(?:\.([\w-]+))?\]", line)
        if header:
            section = (header[1].replace("-", "_"),) if header[1] else ()
            continue
        key, _, rest = line.partition(" = ")
        comment = rest.partition("  # ")[2] if "  # " in rest else ""
        for anchor in re.findall(r"docs/rules\.md#([\w-]+)", comment):
            assert anchor in _anchors("docs/rules.md"), f"docs/rules.md has no #{anchor}"
        said = _said_default(comment)
        if not key or said is None:
            continue
        claims += 1
        path = (*section, key.replace("-", "_"))
        value = functools.reduce(getattr, path, configured)
        expected = functools.reduce(getattr, path, default)
        if said == "none":
            assert not expected, (path, expected)
        elif isinstance(value, tuple) and "..." in value:  # the default, abridged
            assert set(value) - {"..."} <= set(expected), (path, value, expected)
        else:
            assert value == expected, (path, value, expected)
    assert claims >= 8, claims


# The workflow and pre-commit ---------------------------------------------------------------


@functools.cache
def _hooks() -> dict[str, dict[str, Any]]:
    manifest = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return {hook["id"]: hook for hook in manifest}


def _validate_pre_commit_config(text: str, tmp_path: Path) -> None:
    config = write(tmp_path / ".pre-commit-config.yaml", text)
    checked = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", str(config)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr


@kind(
    "yaml: a GitHub workflow using the action",
    lambda block: (
        block.language == "yaml"
        and "jobs:" in block.text
        and "uses: <owner>/eventlint@" in block.text
    ),
)
def _workflow(block: Block, tmp_path: Path) -> None:
    workflow = yaml.safe_load(block.text)
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    (ours,) = [step for step in steps if step.get("uses", "").startswith("<owner>/eventlint@")]
    assert ours["uses"] == "<owner>/eventlint@<sha>"
    assert set(ours.get("with", {})) <= set(action["inputs"]), ours
    # The action uploads the SARIF itself: the job must allow it, and not upload it again.
    assert not [step for step in steps if "upload-sarif" in step.get("uses", "")]
    if ours.get("with", {}).get("sarif") is True:
        assert any(
            job.get("permissions", {}).get("security-events") == "write"
            for job in workflow["jobs"].values()
        )


@kind(
    "yaml: pre-commit, the hooks of this repository",
    lambda block: block.language == "yaml" and f"repo: {HOSTED}" in block.text,
)
def _pre_commit_hosted(block: Block, tmp_path: Path) -> None:
    (repo,) = yaml.safe_load(block.text)["repos"]
    assert repo["repo"] == HOSTED and repo["rev"] == "<sha>", repo
    named = [hook["id"] for hook in repo["hooks"]]
    named += re.findall(r"^\s*# - id: ([\w-]+)", block.text, re.MULTILINE)  # the alternatives
    assert sorted(named) == sorted(_hooks()), named
    _validate_pre_commit_config(block.text, tmp_path)


@kind(
    "yaml: pre-commit, a local hook installing eventlint",
    lambda block: block.language == "yaml" and "repo: local" in block.text,
)
def _pre_commit_local(block: Block, tmp_path: Path) -> None:
    from packaging.requirements import Requirement

    (repo,) = yaml.safe_load(block.text)["repos"]
    (hook,) = repo["hooks"]
    manifest = {key: value for key, value in _hooks()[hook["id"]].items() if key != "description"}
    dependencies = hook.pop("additional_dependencies")
    assert hook == manifest, (hook, manifest)
    (dependency,) = dependencies
    assert dependency == f"eventlint @ git+{HOSTED}@<sha>"
    requirement = Requirement(dependency.replace("<owner>", "owner").replace("<sha>", "0" * 40))
    assert requirement.name == "eventlint" and (requirement.url or "").startswith("git+https:")
    _validate_pre_commit_config(block.text, tmp_path)


@kind(
    "yaml: a hook of .pre-commit-hooks.yaml, with what it runs",
    lambda block: (
        block.language == "yaml"
        and "repos:" not in block.text
        and re.match(r"\s*- id: ", block.text) is not None
    ),
)
def _hook_fragment(block: Block, tmp_path: Path) -> None:
    for hook in yaml.safe_load(textwrap.dedent(block.text)):
        assert hook["id"] in _hooks(), hook
    for hook_id, runs in re.findall(r"- id: ([\w-]+)\s+# runs: (.+)", block.text):
        assert _hooks()[hook_id]["entry"] == runs.strip()


# Output samples ----------------------------------------------------------------------------


@kind(
    "json: a finding of --output-format json",
    lambda block: block.language == "json" and '"code"' in block.text and '"fix"' in block.text,
)
def _json_output(block: Block, tmp_path: Path) -> None:
    sample = json.loads(block.text)
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\n")
    write(tmp_path / sample["path"], VIOLATION)
    result = run_cli("--output-format", "json", "--no-cache", ".", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    (real,) = [found for found in json.loads(result.stdout) if found["code"] == sample["code"]]
    assert real["path"] == sample["path"]
    assert {key: type(value) for key, value in real.items()} == {
        key: type(value) for key, value in sample.items()
    }
    assert real["fix"] == sample["fix"], (real["fix"], sample["fix"])


@kind(
    "markdown: an excerpt of the example's eventlint events document",
    lambda block: block.language == "markdown" and "## Event IDs" in block.text,
)
def _events_sample(block: Block, tmp_path: Path) -> None:
    generated = iter((EXAMPLE / "docs" / "events.md").read_text(encoding="utf-8").splitlines())
    for line in block.text.splitlines():
        # Each line of the excerpt is in the document, after the one before it.
        assert any(line == other for other in generated), f"{block}: not in order: {line!r}"


# Python -----------------------------------------------------------------------------------


def _free_names(tree: ast.AST) -> set[str]:
    bound = {
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load)
    }
    bound |= {
        node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef | ast.FunctionDef)
    }
    bound |= {
        arg.arg for node in ast.walk(tree) if isinstance(node, ast.arguments) for arg in node.args
    }
    bound |= {
        (alias.asname or alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    return used - bound - set(dir(builtins))


@kind(
    "python: using eventlint.testing",
    lambda block: block.language == "python" and "from eventlint.testing import" in block.text,
)
def _testing_example(block: Block, tmp_path: Path) -> None:
    tree = ast.parse(block.text)
    compile(tree, str(block), "exec")
    imported: dict[str, Any] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = __import__(node.module or "", fromlist=["*"])
            for alias in node.names:
                imported[alias.asname or alias.name] = getattr(module, alias.name)
    comments = re.findall(r"#.*", block.text)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            function = imported.get(node.func.id)
            if function is None:
                continue
            parameters = inspect.signature(function).parameters
            given = [keyword.arg for keyword in node.keywords]
            given += [name for comment in comments for name in re.findall(r"(\w+)=", comment)]
            assert set(given) <= set(parameters), (node.func.id, given, list(parameters))
    assert imported, block.text


def _names(node: ast.ClassDef) -> Iterable[tuple[str, str]]:
    """(kind, name) of what a class body sets, defines, and calls on ``self``."""
    for statement in node.body:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                assert isinstance(target, ast.Name)
                yield "attribute", target.id
        elif isinstance(statement, ast.FunctionDef):
            yield "method", statement.name
    for inner in ast.walk(node):
        if (
            isinstance(inner, ast.Attribute)
            and isinstance(inner.value, ast.Name)
            and inner.value.id == "self"
        ):
            yield "called on self", inner.attr


@kind(
    "python: a sketch of a new rule",
    lambda block: (
        block.language == "python"
        and re.search(r"^class \w+\(\w*Rule\):", block.text, re.MULTILINE) is not None
    ),
)
def _rule_sketch(block: Block, tmp_path: Path) -> None:
    tree = ast.parse(block.text)
    compile(tree, str(block), "exec")
    (sketch,) = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    (base_name,) = [base.id for base in sketch.bases if isinstance(base, ast.Name)]
    rules = all_rules()  # imports every rule module
    (home,) = [
        module
        for name, module in sorted(sys.modules.items())
        if name.startswith("eventlint.rules.")
        and getattr(getattr(module, base_name, None), "__module__", None) == name
    ]
    base = getattr(home, base_name)
    missing = _free_names(tree) - set(vars(home))
    assert not missing, f"{block}: {home.__name__} has no {missing}"
    declared = {
        name for klass in base.__mro__ for name in (*vars(klass), *inspect.get_annotations(klass))
    }
    for what, name in _names(sketch):
        assert name in declared, f"{block}: {base_name} has no {what} `{name}`"
    code = next(
        statement.value.value
        for statement in sketch.body
        if isinstance(statement, ast.Assign)
        and isinstance(statement.targets[0], ast.Name)
        and statement.targets[0].id == "code"
        and isinstance(statement.value, ast.Constant)
    )
    assert code not in {rule.code for rule in rules}, f"{code} is taken: sketch a new code"


# Text --------------------------------------------------------------------------------------


@kind(
    "text: the command synopsis",
    lambda block: (
        block.fenced
        and not block.info
        and all(
            line.startswith("eventlint ")
            for line in block.text.splitlines()
            if line.strip()[:1] not in ("", "#")
        )
    ),
)
def _synopsis(block: Block, tmp_path: Path) -> None:
    listed = run_cli("--help", cwd=tmp_path).stdout
    for option in set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", block.text)):
        assert re.search(rf"(?<![\w-]){option}\b", listed), f"`eventlint --help` lists no {option}"
    subcommands = 0
    for line in block.text.splitlines():
        words = shlex.split(line, comments=True)
        if len(words) < 2 or not re.fullmatch(r"[a-z]+", words[1]):
            continue
        subcommands += 1
        # The server serves until its editor leaves: its usage instead.
        arguments = words[1:] if words[1] != "server" else ["server", "--help"]
        result = run_cli(*arguments, cwd=tmp_path)
        assert result.returncode == 0, f"`{line}`: {result.stdout}{result.stderr}"
        assert result.stdout.strip(), line
    assert subcommands >= 3, subcommands


@kind(
    "text: CONTRIBUTING's layout map",
    lambda block: block.document == "CONTRIBUTING.md" and block.text.startswith("src/eventlint/\n"),
)
def _layout_map(block: Block, tmp_path: Path) -> None:
    guide = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    named = layout_map_paths(guide)
    assert named == layout_map_paths(f"## How the code is laid out\n```\n{block.text}```\n")
    assert not [path for path in named if not (REPO / path).exists()]


# Links ------------------------------------------------------------------------------------


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading's text (as eventlint.docs.rule_anchor makes them)."""
    return "".join(
        char.lower() if char.isalnum() or char in "_-" else ("-" if char == " " else "")
        for char in heading
    )


@functools.cache
def _anchors(document: str) -> frozenset[str]:
    tokens = MarkdownIt("commonmark").parse((REPO / document).read_text(encoding="utf-8"))
    seen: dict[str, int] = {}
    anchors = set()
    for opening, inline in itertools.pairwise(tokens):
        if opening.type == "heading_open":
            text = "".join(child.content for child in inline.children or ())
            slug = _slug(text)
            anchors.add(slug if slug not in seen else f"{slug}-{seen[slug]}")
            seen[slug] = seen.get(slug, 0) + 1
    return frozenset(anchors)


def test_the_slugs_are_githubs() -> None:
    assert "editors-eventlint-server" in _anchors("README.md")
    assert "adopting-it-on-an-existing-codebase-a-baseline" in _anchors("README.md")
    assert "evt003-a--noqa-comment-lists-an-eventlint-code-that-suppresses-nothing" in _anchors(
        "docs/rules.md"
    )


@pytest.mark.parametrize("document", [*documents(), "docs/rules.md"])
def test_relative_links_and_anchors_resolve(document: str) -> None:
    tokens = MarkdownIt("commonmark").parse((REPO / document).read_text(encoding="utf-8"))
    links = [
        child.attrs["href"]
        for token in tokens
        for child in token.children or ()
        if child.type == "link_open" and isinstance(child.attrs.get("href"), str)
    ]
    checked = 0
    for href in links:
        assert isinstance(href, str)
        if re.match(r"[a-z]+:", href):
            continue  # another site's
        target, _, anchor = href.partition("#")
        path = (REPO / document).parent / target if target else REPO / document
        relative = path.resolve().relative_to(REPO).as_posix()
        assert path.exists(), f"{document}: {href} names nothing"
        if anchor:
            assert anchor in _anchors(relative), f"{document}: {relative} has no #{anchor}"
        checked += 1
    if document == "README.md":
        assert checked > 20, links  # the rules table's links, at least


def test_blocks_of_reads_every_fence_and_indented_block() -> None:
    text = "# t\n\n    indented\n\n```bash\necho a\n```\n\n- item\n\n  ~~~toml\n  a = 1\n  ~~~\n"
    found = blocks_of("x.md", text)
    assert [(block.line, block.info, block.text, block.fenced) for block in found] == [
        (3, "", "indented\n", False),
        (5, "bash", "echo a\n", True),
        (11, "toml", "a = 1\n", True),
    ]

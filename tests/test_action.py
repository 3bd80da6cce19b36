"""The GitHub Action (action.yml), its steps run as a runner would run them, and the install
instructions the README gives for CI and pre-commit: they name things that exist."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from helpers import VIOLATION, write

REPO = Path(__file__).resolve().parents[1]
SARIF_SCHEMA = json.loads(
    (REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)


def _action() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    return data


# The runner, as far as the action's steps see it: its expressions and `if:` conditions.
_EXPRESSION = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")
_CONDITION = re.compile(r"inputs\.([\w-]+) (==|!=) '([^']*)'")


def _inputs(**given: str) -> dict[str, str]:
    declared = _action()["inputs"]
    assert set(given) <= set(declared), given
    return {name: str(spec["default"]) for name, spec in declared.items()} | given


def _runs(step: dict[str, Any], inputs: dict[str, str]) -> bool:
    """A step's ``if:``, in the forms action.yml uses (another form fails here, to be taught)."""
    condition = step.get("if")
    if condition is None:
        return True
    match = _CONDITION.fullmatch(str(condition).strip())
    assert match is not None, condition
    name, operator, value = match.groups()
    return (inputs[name] == value) == (operator == "==")


def _expand(text: str, inputs: dict[str, str], action_path: Path, temp: Path) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("inputs."):
            return inputs[name.removeprefix("inputs.")]
        known = {"github.action_path": str(action_path), "runner.temp": str(temp)}
        assert name in known, name  # an expression this emulation does not know
        return known[name]

    return _EXPRESSION.sub(value, text)


def _chosen(inputs: dict[str, str]) -> list[str]:
    return [step["name"] for step in _action()["runs"]["steps"] if _runs(step, inputs)]


def test_the_inputs_choose_the_steps() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    assert all("default" in spec for spec in action["inputs"].values())
    install, lint = "Install eventlint from the action's own checkout", "Lint"
    assert _chosen(_inputs()) == [install, lint]
    assert _chosen(_inputs(**{"python-version": "3.12"})) == ["Set up Python", install, lint]
    assert _chosen(_inputs(sarif="true")) == [
        install, "SARIF report", "Upload SARIF to code scanning", lint,
    ]  # fmt: skip
    steps = {step["name"]: step for step in action["runs"]["steps"]}
    assert steps["Set up Python"]["uses"] == "actions/setup-python@v5"
    assert steps["Set up Python"]["with"] == {"python-version": "${{ inputs.python-version }}"}
    # Installed from the action's checkout, never from an index.
    assert '-m pip install --quiet "${{ github.action_path }}"' in steps[install]["run"]
    assert "pip install eventlint" not in str(action)


def _checkout(into: Path) -> Path:
    """The action's checkout: this working tree as it is (committed or not)."""
    ignored = shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".coverage*"
    )
    shutil.copytree(REPO, into, ignore=ignored)
    return into


@pytest.mark.slow
def test_the_steps_install_from_the_checkout_annotate_and_write_valid_sarif(
    tmp_path: Path,
) -> None:
    """Every step the runner would run, in order, against a repository with findings: the
    shell steps for real (bash, ``$RUNNER_TEMP``, ``$GITHUB_PATH``), the ``uses:`` steps
    recorded with the inputs they would get."""
    repository = tmp_path / "repository"
    write(repository / "pyproject.toml", "[tool.eventlint]\n")
    write(repository / "src" / "keys.py", VIOLATION)
    subprocess.run(["git", "init", "-q", str(repository)], check=True)
    action_path = _checkout(tmp_path / "action")
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    github_path = tmp_path / "github-path"
    github_path.touch()
    inputs = _inputs(paths="src", sarif="true")
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env |= {"RUNNER_TEMP": str(temp), "GITHUB_PATH": str(github_path)}
    ran: dict[str, subprocess.CompletedProcess[str]] = {}
    used: list[tuple[str, dict[str, str]]] = []
    for step in _action()["runs"]["steps"]:
        if not _runs(step, inputs):
            continue
        if "uses" in step:
            given = {k: _expand(str(v), inputs, action_path, temp) for k, v in step["with"].items()}
            used.append((step["uses"], given))
            continue
        assert step["shell"] == "bash"
        # What earlier steps added to $GITHUB_PATH is on PATH from the next step on.
        added = github_path.read_text(encoding="utf-8").split()
        path = os.pathsep.join([*reversed(added), env["PATH"]])
        ran[step["name"]] = subprocess.run(
            ["bash", "-e", "-c", _expand(step["run"], inputs, action_path, temp)],
            cwd=repository, env=env | {"PATH": path}, capture_output=True, text=True,
            check=False, timeout=600,
        )  # fmt: skip
    install = ran["Install eventlint from the action's own checkout"]
    assert install.returncode == 0, install.stdout + install.stderr
    assert github_path.read_text(encoding="utf-8").split() == [str(temp / "eventlint-venv" / "bin")]
    assert ran["SARIF report"].returncode == 0, ran["SARIF report"].stderr
    lint = ran["Lint"]
    assert lint.returncode == 1, lint.stderr  # findings fail the job
    annotations = lint.stdout.splitlines()
    assert [line.split("::")[1].split(",title=")[1] for line in annotations] == [
        "EVT104", "EVT101",
    ]  # fmt: skip
    assert all(line.startswith("::error file=src/keys.py,line=6,col=") for line in annotations)
    report = temp / "eventlint.sarif"
    log = json.loads(report.read_text(encoding="utf-8"))
    jsonschema.validate(log, SARIF_SCHEMA)
    results = log["runs"][0]["results"]
    assert sorted(result["ruleId"] for result in results) == ["EVT101", "EVT104"]
    assert used == [
        (
            "github/codeql-action/upload-sarif@v3",
            {"sarif_file": str(report), "category": "eventlint"},
        )
    ]


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)


def test_the_readme_pins_a_commit_never_a_tag() -> None:
    """No release is tagged (and the package is on no index): the action, the pip line and
    pre-commit's ``rev:`` all name a commit, ``<sha>``, and nothing names a version tag."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    refs = re.findall(r"eventlint@([^\s\"`]+)|^\s*rev: (\S+)", readme, re.MULTILINE)
    pinned = {action or rev for action, rev in refs}
    assert pinned == {"<sha>"}, pinned
    assert len(refs) >= 4, refs  # the action, pip, pre-commit's rev, the local hook's pip
    for text in (readme, (REPO / "CHANGELOG.md").read_text(encoding="utf-8")):
        assert not re.search(r"(eventlint@|rev: )v?\d+\.\d+", text)
    assert "git ls-remote https://github.com/<owner>/eventlint HEAD" in readme
    assert "pre-commit autoupdate --freeze" in readme


def test_the_release_commit_the_docs_name_is_the_release() -> None:
    """README and CHANGELOG say which commit a release is, since there is no tag: that
    commit sets ``__version__`` to the release, and has the hooks but not the action."""
    claims = {
        (version, sha)
        for name in ("README.md", "CHANGELOG.md")
        for version, sha in re.findall(
            r"(\d+\.\d+\.\d+)(?: release)? is commit `([0-9a-f]{40})`",
            (REPO / name).read_text(encoding="utf-8"),
        )
    }
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    released = re.findall(r"^## (\d+\.\d+\.\d+) — \d{4}-\d{2}-\d{2}$", changelog, re.M)
    assert {version for version, _ in claims} == {released[0]}, (claims, released)
    assert len({sha for _, sha in claims}) == 1, claims
    ((version, sha),) = claims
    if _git("cat-file", "-e", f"{sha}^{{commit}}").returncode != 0:
        # Only a shallow clone may lack it; in a full one the claim is wrong.
        assert _git("rev-parse", "--is-shallow-repository").stdout.strip() == "true", sha
        return
    assert _git("merge-base", "--is-ancestor", sha, "HEAD").returncode == 0

    def version_at(commit: str) -> str | None:
        source = _git("show", f"{commit}:src/eventlint/__init__.py").stdout
        found = re.search(r'^__version__ = "(.+)"$', source, re.MULTILINE)
        return found[1] if found else None

    assert version_at(sha) == version and version_at(f"{sha}^") != version
    hooks = yaml.safe_load(_git("show", f"{sha}:.pre-commit-hooks.yaml").stdout)
    assert [hook["id"] for hook in hooks] == ["eventlint", "eventlint-fix", "eventlint-events"]
    assert _git("cat-file", "-e", f"{sha}:action.yml").returncode != 0  # "not yet the action"

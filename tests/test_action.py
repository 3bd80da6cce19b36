"""The GitHub Action (action.yml) and the install instructions the README gives for CI and
pre-commit: they name things that exist."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]


def _action() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    return data


def test_the_action_installs_from_its_own_checkout_and_lints_with_the_inputs() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    scripts = [step["run"] for step in steps]
    assert all(step["shell"] == "bash" for step in steps)
    # Installed from the action's checkout (the tag the workflow names), never from an index.
    assert '-m pip install --quiet "${{ github.action_path }}"' in scripts[0]
    assert "pip install eventlint" not in " ".join(scripts)
    lint = scripts[-1]
    assert lint == "eventlint --output-format github ${{ inputs.args }}"
    # Every input a step uses is declared, with a default.
    used = set(re.findall(r"inputs\.(\w+)", " ".join(scripts) + str(steps)))
    assert used <= set(action["inputs"])
    assert all("default" in spec for spec in action["inputs"].values())


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

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


def test_the_readme_pins_the_latest_release() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    pinned = set(re.findall(r"(?:rev: |eventlint@)(v\d+\.\d+\.\d+)", readme))
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    released = re.findall(r"^## (\d+\.\d+\.\d+) — \d{4}-\d{2}-\d{2}$", changelog, re.M)
    assert pinned == {f"v{released[0]}"}, (pinned, released[:1])
    # And the tag is there (a clone without tags has none to compare with).
    tags = subprocess.run(
        ["git", "tag", "--list", "v*"], cwd=REPO, capture_output=True, text=True, check=False
    ).stdout.split()
    assert not tags or pinned <= set(tags), (pinned, tags)

"""The test suite under every Python version eventlint supports: ``nox`` (all), or
``nox -s tests-3.12`` (one). CI runs the README's test command on the default interpreter;
these sessions are how a release is checked across versions."""

from __future__ import annotations

import os
from pathlib import Path

import nox

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]

# pyenv's shims answer only for the versions that are active: make every installed one
# available to nox (development machines keep 3.10 to 3.13 side by side under pyenv).
_PYENV = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
if "PYENV_VERSION" not in os.environ and _PYENV.is_dir():
    installed = sorted(
        path.name for path in _PYENV.iterdir() if path.name[:4] in {"3.10", "3.11", "3.12", "3.13"}
    )
    if installed:
        os.environ["PYENV_VERSION"] = ":".join(installed)
nox.options.sessions = [f"tests-{version}" for version in PYTHONS]


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    session.run("python", "-m", "pytest", "-q", *session.posargs)

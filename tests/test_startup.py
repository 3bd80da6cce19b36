"""What a run loads: libcst only when a fix is applied, nothing heavy for ``--version``.

Detection reads CPython's ``ast``; libcst's import alone costs about 0.2 s and its parse ten
times ``ast.parse``. These run in a fresh interpreter, since the test session itself has
imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers import FIXABLE, write

_PROBE = """
import json, sys
from eventlint.cli import main
status = main(sys.argv[1:])
print(json.dumps({"status": status, "libcst": "libcst" in sys.modules,
                  "pydantic": "pydantic" in sys.modules}))
"""


def _probe(cwd: Path, *arguments: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, *arguments],
        cwd=cwd, capture_output=True, text=True, check=False,
    )  # fmt: skip
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_version_imports_neither_libcst_nor_pydantic(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", "import sys\n"
         "from eventlint.cli import main\n"
         "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
         "print('libcst' in sys.modules, 'pydantic' in sys.modules)"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert out.stdout.split()[-2:] == ["False", "False"], out


def test_a_lint_run_without_fixes_never_imports_libcst(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[project]\nname = 'shop'\n")
    write(tmp_path / "shop" / "ids.py", FIXABLE)
    result = _probe(tmp_path, "--no-cache", "--jobs", "1", ".")
    assert result["status"] == 1  # the findings are there ...
    assert result["libcst"] is False  # ... found without libcst


def test_fixing_loads_libcst_and_fixes(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[project]\nname = 'shop'\n")
    target = write(tmp_path / "shop" / "ids.py", FIXABLE)
    result = _probe(tmp_path, "--no-cache", "--jobs", "1", "--fix", "--unsafe-fixes", ".")
    assert result["libcst"] is True
    assert target.read_text(encoding="utf-8") != FIXABLE

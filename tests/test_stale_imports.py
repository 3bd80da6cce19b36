"""EVT3xx behaviour the fixture files cannot show: runs on part of a project, pytest config
files, options, the cache, and the module summary's reading of names."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import read_sealed, run_cli, write, write_sealed

from eventlint.project.readers import summarise

FIXTURES = Path(__file__).parent / "fixtures" / "stale_imports"


def _findings(result: subprocess.CompletedProcess[str]) -> list[tuple[str, int, str]]:
    assert result.returncode in (0, 1), result.stderr
    return sorted(
        (Path(item["path"]).name, item["line"], item["code"]) for item in json.loads(result.stdout)
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\n")
    write(tmp_path / "src" / "shop" / "__init__.py", "")
    write(tmp_path / "src" / "shop" / "orders.py", "def place_order() -> None: ...\n")
    write(
        tmp_path / "tests" / "unit" / "test_orders.py",
        textwrap.dedent("""\
        from shop.order import place_order
        from shop.orders import cancel_order
        """),
    )
    write(tmp_path / "tests" / "unit" / "test_other.py", "from shop.orders import place_order\n")
    return tmp_path


def test_one_changed_file_is_judged_as_in_a_full_run(project: Path) -> None:
    """pre-commit passes only the changed files; the index still covers the project."""
    full = _findings(run_cli("--no-cache", "--output-format", "json", ".", cwd=project))
    one = _findings(
        run_cli(
            "--no-cache", "--output-format", "json", "tests/unit/test_orders.py",
            cwd=project,
        )
    )  # fmt: skip
    assert one == full == [("test_orders.py", 1, "EVT301"), ("test_orders.py", 2, "EVT302")]
    # From inside the test folder, too: the project is found from the file, not the cwd.
    inside = _findings(
        run_cli("--no-cache", "--output-format", "json", "test_orders.py",
                cwd=project / "tests" / "unit")
    )  # fmt: skip
    assert inside == full


def test_a_module_with_side_effects_is_read_not_run(project: Path) -> None:
    marker = project / "ran"
    write(
        project / "src" / "shop" / "payments.py",
        f"open({str(marker)!r}, 'w').close()\n\nclass Gateway: ...\n",
    )
    write(project / "tests" / "test_payments.py", "from shop.payments import Gateway, Refund\n")
    found = _findings(run_cli("--no-cache", "--output-format", "json", ".", cwd=project))
    assert ("test_payments.py", 1, "EVT302") in found  # it was read: Refund is missing
    assert not marker.exists()
    flake8 = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "EVT", "tests/test_payments.py"],
        cwd=project, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert "EVT302" in flake8.stdout and not marker.exists()


def test_check_all_files_extends_the_rules_beyond_tests(project: Path) -> None:
    write(project / "src" / "shop" / "views.py", "from shop.order import place_order\n")
    assert ("views.py", 1, "EVT301") not in _findings(
        run_cli("--no-cache", "--output-format", "json", ".", cwd=project)
    )
    write(project / "pyproject.toml", "[tool.eventlint.stale-imports]\ncheck-all-files = true\n")
    assert ("views.py", 1, "EVT301") in _findings(
        run_cli("--no-cache", "--output-format", "json", ".", cwd=project)
    )


def test_src_replaces_the_discovered_roots(project: Path) -> None:
    # With src = ["lib"], shop is no longer first-party: nothing is judged.
    write(project / "pyproject.toml", '[tool.eventlint]\nsrc = ["lib"]\n')
    (project / "lib").mkdir()
    assert _findings(run_cli("--no-cache", "--output-format", "json", ".", cwd=project)) == []
    write(project / "pyproject.toml", '[tool.eventlint]\nsrc = ["src"]\n')
    assert len(_findings(run_cli("--no-cache", "--output-format", "json", ".", cwd=project))) == 2


def test_adding_the_missing_module_invalidates_cached_results(project: Path) -> None:
    assert len(_findings(run_cli("--output-format", "json", ".", cwd=project))) == 2
    # A stub is enough to make the module exist: the cache must notice a .pyi appearing.
    write(project / "src" / "shop" / "order.pyi", "def place_order() -> None: ...\n")
    assert _findings(run_cli("--output-format", "json", ".", cwd=project)) == [
        ("test_orders.py", 2, "EVT302")
    ]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("pytest.ini", "[pytest]\ntestpaths = tests\n    gone\n"),
        ("tox.ini", "[tox]\nenvlist = py311\n\n[pytest]\ntestpaths = tests gone\n"),
        ("setup.cfg", "[metadata]\nname = x\n\n[tool:pytest]\ntestpaths =\n    tests\n    gone\n"),
        ("pyproject.toml", '[tool.pytest.ini_options]\ntestpaths = [\n  "tests",\n  "gone",\n]\n'),
    ],
)
def test_testpaths_that_name_nothing(tmp_path: Path, name: str, text: str) -> None:
    write(tmp_path / "tests" / "test_a.py", "def test_a() -> None: ...\n")
    config = write(tmp_path / name, text)
    result = run_cli("--no-cache", "--output-format", "json", ".", cwd=tmp_path)
    found = json.loads(result.stdout)
    assert [(item["code"], Path(item["path"]).name) for item in found] == [("EVT304", name)]
    line = config.read_text().splitlines()[found[0]["line"] - 1]
    column = found[0]["column"] - 1
    assert line[column : column + 4] == "gone"
    # Named on the command line (as pre-commit would), the file is judged the same way.
    assert (
        json.loads(run_cli("--no-cache", "--output-format", "json", name, cwd=tmp_path).stdout)
        == found
    )


def test_testpaths_globs_noqa_and_the_config_pytest_ignores(tmp_path: Path) -> None:
    write(tmp_path / "tests" / "unit" / "test_a.py", "def test_a() -> None: ...\n")
    write(tmp_path / "pytest.ini", "[pytest]\ntestpaths = tests/u* tests/i*\n")
    # pytest reads pytest.ini first: tox.ini's [pytest] section is dead config, not judged.
    write(tmp_path / "tox.ini", "[pytest]\ntestpaths = gone\n")
    found = _findings(run_cli("--no-cache", "--output-format", "json", ".", cwd=tmp_path))
    assert found == [("pytest.ini", 2, "EVT304")]
    write(tmp_path / "pytest.ini", "[pytest]\ntestpaths = tests/u* tests/i*  # noqa: EVT304\n")
    assert _findings(run_cli("--no-cache", "--output-format", "json", ".", cwd=tmp_path)) == []


def test_summary_reads_every_way_a_module_binds_a_name() -> None:
    summary = summarise(
        textwrap.dedent("""\
        import os.path
        import json as j
        from a import b as c, d
        from .rel import *
        x: int = 1
        y: int
        (p, [q, *r]) = 1, [2, 3]
        for i in range(2):
            pass
        with open("f") as fh:
            pass
        try:
            pass
        except ValueError as err:
            pass
        match x:
            case {"k": v, **rest}:
                pass
            case [first, *others]:
                pass
            case str() as s:
                pass
        if (w := 1):
            pass
        total = [z for z in range(3)]
        class K: ...
        async def f():
            global g
            g = 1
        __all__ = ["x", "extra"]
        """).encode()
    )
    assert summary.imported == {"os", "j", "c", "d"}
    assert {"x", "y", "p", "q", "r", "i", "fh", "err", "v", "rest", "first", "others", "s",
            "w", "total", "K", "f", "g", "__all__"} <= summary.defined  # fmt: skip
    assert "z" not in summary.defined
    assert summary.declared == {"x", "extra"} and summary.all_is_literal
    assert summary.star_imports == [".rel"]
    assert not summary.names_unknown


@pytest.mark.parametrize(
    "source",
    [
        "def __getattr__(name): ...\n",
        "__getattr__ = make_getattr(__name__)\n",
        "exec('x = 1')\n",
        "globals()['x'] = 1\n",
        "globals().update(x=1)\n",
        "import sys\nsys.modules[__name__] = object()\n",
        "import sys\nsetattr(sys.modules[__name__], 'x', 1)\n",
        "__path__ = __import__('pkgutil').extend_path(__path__, __name__)\n",
        "def install():\n    globals()['x'] = 1\n",
        "def broken(:\n",
    ],
)
def test_modules_whose_names_cannot_be_known(source: str) -> None:
    assert summarise(source.encode()).names_unknown


def test_a_changed_all_is_not_taken_literally() -> None:
    assert not summarise(b"__all__ = ['a']\n__all__ += ['b']\n").all_is_literal
    assert not summarise(b"__all__ = ['a']\n__all__.extend(other)\n").all_is_literal
    assert not summarise(b"__all__ = base + ['a']\n").all_is_literal


def test_the_ast_precheck_never_hides_a_finding() -> None:
    """The pre-check may say "parse" needlessly, never "skip" wrongly: every fixture with an
    EVT3xx expectation passes it, and the clean files of the fixture projects do not."""
    from fixture_cases import cases

    from eventlint.config import ConfigResolver
    from eventlint.engine import Engine
    from eventlint.rules import known_codes
    from eventlint.rules.stale_imports._resolution import may_have_problems

    engine = Engine(ConfigResolver(known_codes()))
    flagged = clean = 0
    for case in cases():
        if "stale_imports" not in case.id:
            continue
        text = case.path.read_text(encoding="utf-8")
        verdict = may_have_problems(engine.context(text, case.path, case.id))
        if any(code.startswith("EVT3") for _, code in case.expected()):
            assert verdict, case.id
            flagged += 1
        elif "import" in text and "src/" in case.id:
            assert not verdict, case.id
            clean += 1
    assert flagged >= 6 and clean >= 5


def test_module_summaries_are_stored_and_reused_until_the_module_changes(project: Path) -> None:
    first = _findings(run_cli("--output-format", "json", ".", cwd=project))
    assert ("test_orders.py", 2, "EVT302") in first  # cancel_order is missing
    store = project / ".eventlint_cache" / "module-summaries.json"
    orders = str((project / "src" / "shop" / "orders.py").resolve())
    data = read_sealed(store)
    assert data["modules"][orders][2]["defined"] == ["place_order"]
    # Doctor the stored summary (sealed as this machine would) and drop the results: the
    # next run must read the store.
    data["modules"][orders][2]["defined"].append("cancel_order")
    write_sealed(store, data)
    for entry in (project / ".eventlint_cache").glob("*.json"):
        if entry != store:
            entry.unlink()
    served = _findings(run_cli("--output-format", "json", ".", cwd=project))
    assert ("test_orders.py", 2, "EVT302") not in served
    # An edit changes size and mtime: the module is read again.
    write(project / "src" / "shop" / "orders.py", "def place_order() -> None:\n    pass\n")
    assert ("test_orders.py", 2, "EVT302") in _findings(
        run_cli("--output-format", "json", ".", cwd=project)
    )
    assert (project / ".eventlint_cache" / ".gitignore").is_file()


def test_pool_workers_hand_their_summaries_to_the_parent(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\n")
    for number in range(40):
        write(tmp_path / "app" / f"mod{number}.py", f"VALUE{number} = {number}\n")
        write(
            tmp_path / "tests" / f"test_{number}.py", f"from app.mod{number} import VALUE{number}\n"
        )
    result = run_cli("--jobs", "2", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    stored = read_sealed(tmp_path / ".eventlint_cache" / "module-summaries.json")
    assert len([path for path in stored["modules"] if "/app/mod" in path]) == 40

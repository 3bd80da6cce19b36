"""Fixes never corrupt: encoding, BOM, line endings, permissions, atomic writes."""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

import pytest
from helpers import CLEAN, FIXABLE, run_cli, write

from eventlint import sourcefile

FIXED_LINE = '    return hashlib.sha256(json.dumps({"order_id": event.order_id}, sort_keys=True).encode()).hexdigest()'


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\n")
    return tmp_path


def _fix(folder: Path, name: str) -> None:
    result = run_cli("--fix", "--unsafe-fixes", name, cwd=folder)
    assert result.returncode == 0, result.stdout + result.stderr


def test_crlf_bom_and_permissions_are_kept(folder: Path) -> None:
    target = folder / "crlf.py"
    target.write_bytes(codecs.BOM_UTF8 + FIXABLE.replace("\n", "\r\n").encode())
    target.chmod(0o751)
    _fix(folder, "crlf.py")
    data = target.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert FIXED_LINE.encode() + b"\r\n" in data
    assert stat.S_IMODE(target.stat().st_mode) == 0o751


def test_mixed_line_endings_are_kept_outside_the_fix(folder: Path) -> None:
    target = folder / "mixed.py"
    text = "# caf\u00e9\r\n" + FIXABLE
    target.write_bytes(text.encode())
    _fix(folder, "mixed.py")
    assert target.read_bytes().startswith("# caf\u00e9\r\nimport hashlib\n".encode())


def test_latin1_coding_cookie_is_kept(folder: Path) -> None:
    target = folder / "latin.py"
    text = "# -*- coding: latin-1 -*-\n# \u00e9v\u00e9nement\n" + FIXABLE
    target.write_bytes(text.encode("latin-1"))
    _fix(folder, "latin.py")
    data = target.read_bytes()
    assert "# \u00e9v\u00e9nement".encode("latin-1") in data
    assert FIXED_LINE.encode("latin-1") in data


def test_no_trailing_newline_is_kept(folder: Path) -> None:
    target = folder / "noeol.py"
    target.write_text(FIXABLE.rstrip("\n"))
    _fix(folder, "noeol.py")
    assert target.read_text().endswith(FIXED_LINE)


def test_file_with_nothing_to_fix_is_not_rewritten(folder: Path) -> None:
    target = write(folder / "clean.py", CLEAN)
    before = target.stat()
    os.utime(target, (1_000_000, 1_000_000))
    assert run_cli("--fix", "--unsafe-fixes", "clean.py", cwd=folder).returncode == 0
    after = target.stat()
    assert after.st_mtime == 1_000_000 and after.st_ino == before.st_ino


def test_symlink_stays_a_link(folder: Path) -> None:
    real = write(folder / "real.py", FIXABLE)
    (folder / "link.py").symlink_to(real)
    _fix(folder, "link.py")
    assert (folder / "link.py").is_symlink()
    assert FIXED_LINE in real.read_text()


def test_atomic_write_leaves_no_temporary_files(folder: Path) -> None:
    target = write(folder / "a.py", "x = 1\n")
    sourcefile.write_atomically(target, b"x = 2\n")
    assert target.read_bytes() == b"x = 2\n"
    assert sorted(p.name for p in folder.iterdir()) == ["a.py", "pyproject.toml"]


def test_failed_write_keeps_the_old_file(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = write(folder / "a.py", "x = 1\n")

    def fail(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    # A write that fails is the file's warning (SourceError), not the run's crash.
    with pytest.raises(sourcefile.SourceError, match=r"^cannot write: disk full; not written$"):
        sourcefile.write_atomically(target, b"x = 2\n")
    assert target.read_bytes() == b"x = 1\n"
    assert sorted(p.name for p in folder.iterdir()) == ["a.py", "pyproject.toml"]


def test_unencodable_fix_is_refused(folder: Path) -> None:
    from eventlint.sourcefile import decode

    decoded = decode(b"# -*- coding: ascii -*-\nx = 1\n")
    with pytest.raises(UnicodeEncodeError):
        decoded.encode("x = '\u00e9'\n")


def test_undecodable_file_is_evt001_and_the_run_goes_on(folder: Path) -> None:
    write(folder / "good.py", FIXABLE)
    (folder / "bad.py").write_bytes(b"import hashlib\nx = '\xff\xfe'\n")
    result = run_cli("--output-format", "json", ".", cwd=folder)
    assert result.returncode == 1
    assert '"bad.py"' in result.stdout and '"EVT001"' in result.stdout
    assert '"good.py"' in result.stdout


def test_unreadable_file_is_a_warning(folder: Path) -> None:
    if os.geteuid() == 0:
        # root reads everything; a dangling symlink is the unreadable file here.
        (folder / "gone.py").symlink_to(folder / "missing.py")
    else:  # pragma: no cover - CI runs as root
        target = write(folder / "gone.py", FIXABLE)
        target.chmod(0)
    result = run_cli("gone.py", cwd=folder)
    assert result.returncode == 0
    assert result.stderr.startswith("eventlint: warning: gone.py: ")
    assert "skipped" in result.stderr and len(result.stderr.splitlines()) == 1

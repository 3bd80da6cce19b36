"""EVT4xx configuration: the readiness fix's template and import are validated up front."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run_cli, write

CONSUMER = """\
from aiokafka import AIOKafkaConsumer


async def consume() -> None:
    consumer = AIOKafkaConsumer("orders")
    await consumer.start()
"""


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("readiness-call", "await wait({consumer}, {topic})", "use only {consumer} and {topics}"),
        ("readiness-call", "await wait({consumer},", "not a Python call expression"),
        ("readiness-call", "x = 1", "not a Python call expression"),
        ("readiness-call", "wait", "must be one call"),
        ("readiness-import", "from app import *", "must import one name"),
        ("readiness-import", "from . import wait", "must import one name"),
        ("readiness-import", "import a, b", "must import one module"),
        ("readiness-import", "wait_for_topics", "must be one `import x`"),
        ("readiness-import", "from app import (", "not a Python import statement"),
    ],
)
def test_bad_fix_configuration_is_one_line_and_exit_2(
    tmp_path: Path, key: str, value: str, message: str
) -> None:
    write(tmp_path / "pyproject.toml", f"[tool.eventlint.kafka]\n{key} = {value!r}\n")
    write(tmp_path / "consumer.py", CONSUMER)
    result = run_cli(".", cwd=tmp_path)
    assert result.returncode == 2
    assert f"invalid value for '{key}' in [tool.eventlint.kafka]" in result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_plain_import_template_and_no_fix_without_configuration(tmp_path: Path) -> None:
    write(tmp_path / "consumer.py", CONSUMER)
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\n")
    unfixed = run_cli("--fix", "--unsafe-fixes", ".", cwd=tmp_path)
    assert unfixed.returncode == 1 and "EVT401" in unfixed.stdout
    assert (tmp_path / "consumer.py").read_text() == CONSUMER
    write(
        tmp_path / "pyproject.toml",
        "[tool.eventlint.kafka]\n"
        "readiness-call = 'await readiness.wait_for_topics({consumer}, {topics}, timeout=30)'\n"
        "readiness-import = 'import readiness'\n",
    )
    fixed = run_cli("--fix", "--unsafe-fixes", ".", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout
    text = (tmp_path / "consumer.py").read_text()
    assert "import readiness\n" in text
    assert '    await readiness.wait_for_topics(consumer, "orders", timeout=30)\n' in text
    assert text.index("wait_for_topics") < text.index("await consumer.start()")


def test_the_module_defining_the_readiness_function_does_not_import_it(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        "[tool.eventlint.kafka]\n"
        "readiness-call = 'await wait_for_topics({consumer}, {topics})'\n"
        "readiness-import = 'from app.kafka import wait_for_topics'\n",
    )
    source = CONSUMER + "\n\nasync def wait_for_topics(consumer, topics) -> None: ...\n"
    write(tmp_path / "app" / "kafka.py", source)
    assert run_cli("--fix", "--unsafe-fixes", ".", cwd=tmp_path).returncode == 0
    text = (tmp_path / "app" / "kafka.py").read_text()
    assert "import wait_for_topics" not in text
    assert '    await wait_for_topics(consumer, "orders")\n    await consumer.start()' in text


def test_configured_readiness_functions_replace_the_defaults(tmp_path: Path) -> None:
    checked = CONSUMER.replace(
        "    await consumer.start()", "    await await_ready(consumer)\n    await consumer.start()"
    )
    write(tmp_path / "consumer.py", checked)
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\n")
    assert "EVT401" in run_cli(".", cwd=tmp_path).stdout  # await_ready is not known
    write(
        tmp_path / "pyproject.toml",
        "[tool.eventlint.kafka]\nreadiness-functions = ['platform.kafka.await_ready']\n",
    )
    assert run_cli(".", cwd=tmp_path).returncode == 0

"""EVT4xx configuration: the readiness fix's template and import are validated up front."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import run_cli, write
from hypothesis import given, settings
from hypothesis import strategies as st

from eventlint.project.deployment import read_yaml

FIXTURES = Path(__file__).parent / "fixtures"

CONSUMER = """\
from aiokafka import AIOKafkaConsumer


async def consume() -> None:
    consumer = AIOKafkaConsumer(group_id="billing")
    await consumer.start()
    consumer.subscribe(["orders"])
    print(await consumer.getone())
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
    assert '    await readiness.wait_for_topics(consumer, ["orders"], timeout=30)\n' in text
    assert text.index("wait_for_topics") < text.index("consumer.subscribe(")


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
    assert '    await wait_for_topics(consumer, ["orders"])\n    consumer.subscribe(' in text


def test_configured_readiness_functions_replace_the_defaults(tmp_path: Path) -> None:
    checked = CONSUMER.replace(
        "    await consumer.start()", "    await await_ready(consumer)\n    await consumer.start()"
    )
    assert checked != CONSUMER
    write(tmp_path / "consumer.py", checked)
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\n")
    assert "EVT401" in run_cli(".", cwd=tmp_path).stdout  # await_ready is not known
    write(
        tmp_path / "pyproject.toml",
        "[tool.eventlint.kafka]\nreadiness-functions = ['platform.kafka.await_ready']\n",
    )
    assert run_cli(".", cwd=tmp_path).returncode == 0


def test_a_client_library_project_is_not_judged(tmp_path: Path) -> None:
    """The project *is* the client (its own tests exercise it): no EVT401/EVT404 there, while
    the same test in a project that only uses the client is judged."""
    test = (
        "from kafka import KafkaConsumer, KafkaProducer\n\n\n"
        "def test_poll_after_subscribe() -> None:\n"
        "    consumer = KafkaConsumer(bootstrap_servers='localhost:9092')\n"
        "    consumer.subscribe(['topic'])\n"
        "    producer = KafkaProducer()\n"
        "    producer.send('topic', b'x')\n"
        "    assert consumer.poll(timeout_ms=100)\n"
    )
    library = tmp_path / "library"
    write(library / "pyproject.toml", "[project]\nname = 'kafka-python'\n\n[tool.eventlint]\n")
    write(library / "src" / "kafka" / "__init__.py", "class KafkaConsumer: ...\n")
    write(library / "tests" / "test_consumer.py", test)
    user = tmp_path / "user"
    write(user / "pyproject.toml", "[tool.eventlint]\n")
    write(user / "tests" / "test_consumer.py", test)
    assert run_cli("--no-cache", "--select", "EVT4", ".", cwd=library).returncode == 0
    judged = run_cli("--no-cache", "--select", "EVT4", ".", cwd=user)
    assert judged.returncode == 1 and "EVT404" in judged.stdout, judged.stdout


SERVICE = """\
from confluent_kafka import Consumer


def run() -> None:
    consumer = Consumer({"bootstrap.servers": "kafka:9092", "group.id": "orders"})
    consumer.subscribe(["orders"])
    while True:
        print(consumer.poll(1.0))
"""

COMPOSE = """\
services:
  topics:
    image: bitnami/kafka
    entrypoint: ["/bin/sh", "-c", "kafka-topics.sh --create --topic orders"]
  orders:
    build:
      context: .
      dockerfile: services/orders/Dockerfile
    depends_on:
      topics: {condition: service_completed_successfully}
"""


def test_a_compose_file_added_later_clears_the_cached_finding(tmp_path: Path) -> None:
    """The deployment is a project-wide fact the cache keys on: adding the compose job that
    creates the topics changes the next (cached) run's answer."""
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\n")
    write(tmp_path / "services" / "orders" / "worker.py", SERVICE)
    first = run_cli(".", cwd=tmp_path)
    assert first.returncode == 1 and "EVT401" in first.stdout
    # A flow mapping for the condition is not read: still judged.
    write(tmp_path / "docker-compose.prod.yml", COMPOSE)
    assert "EVT401" in run_cli(".", cwd=tmp_path).stdout
    write(
        tmp_path / "docker-compose.prod.yml",
        COMPOSE.replace(
            "topics: {condition: service_completed_successfully}",
            "topics:\n        condition: service_completed_successfully",
        ),
    )
    assert run_cli(".", cwd=tmp_path).returncode == 0


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(" -:#'\"|>[]{},\nabc\t"))))
def test_the_yaml_reader_returns_or_says_it_cannot(text: str) -> None:
    """Compose files are user input: anything but a ValueError would be a crash."""
    try:
        document = read_yaml(text)
    except ValueError:
        return
    assert document is None or isinstance(document, (dict, list, str))


def test_the_yaml_reader_reads_compose_shapes() -> None:
    document = read_yaml(COMPOSE + "  other:\n    command: |\n      rpk topic create a\n")
    assert isinstance(document, dict)
    services = document["services"]
    assert isinstance(services, dict)
    assert services["topics"] == {
        "image": "bitnami/kafka",
        "entrypoint": ["/bin/sh", "-c", "kafka-topics.sh --create --topic orders"],
    }
    assert services["other"] == {"command": "rpk topic create a"}


def test_a_helper_module_gaining_a_check_clears_the_cached_finding(tmp_path: Path) -> None:
    """A helper module without a check is ruled out from its bytes, never summarised; that
    is still a read of it, so the cached finding goes once the helper checks the topics."""
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\n")
    helper = write(
        tmp_path / "app" / "readiness.py",
        "def prepare(consumer) -> None:\n    print('preparing', consumer)\n",
    )
    write(tmp_path / "app" / "__init__.py", "")
    write(
        tmp_path / "app" / "worker.py",
        "from app.readiness import prepare\n"
        + SERVICE.replace(
            "    consumer.subscribe(", "    prepare(consumer)\n    consumer.subscribe("
        ),
    )
    first = run_cli(".", cwd=tmp_path)
    assert first.returncode == 1 and "app/worker.py:8:5: EVT401" in first.stdout, first.stdout
    helper.write_text("def prepare(consumer) -> None:\n    consumer.list_topics(timeout=5)\n")
    second = run_cli(".", cwd=tmp_path)
    assert second.returncode == 0, second.stdout


def test_a_conftest_fixture_edit_changes_the_cached_evt404(tmp_path: Path) -> None:
    """The consumer a conftest fixture makes is read from the conftest.py: the results cache
    of the test file depends on it."""
    source = FIXTURES / "kafka_consumers" / "conftest_factories"
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\n")
    for name in ("conftest.py", "test_conftest_factories.py"):
        write(tmp_path / "tests" / name, (source / name).read_text())

    def lines() -> set[int]:
        result = run_cli(
            "--output-format", "json", "tests/test_conftest_factories.py", cwd=tmp_path
        )
        return {
            finding["line"] for finding in json.loads(result.stdout) if finding["code"] == "EVT404"
        }

    assert lines() == {10, 16}
    conftest = tmp_path / "tests" / "conftest.py"
    # The factory now waits for the assignment before it returns the consumer.
    conftest.write_text(
        conftest.read_text().replace(
            "        made.append(consumer)\n",
            "        await consumer.seek_to_end()\n        made.append(consumer)\n",
        )
    )
    assert lines() == {10}

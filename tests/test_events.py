"""``eventlint events``: the inventory of event models and IDs, its document and its check."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import run_cli, write

from eventlint.analysis.event_fields import BUSINESS_BY_DEFAULT

SHOP = Path(__file__).parent / "fixtures" / "events" / "shop"
REPO = Path(__file__).parent.parent
EXAMPLE = REPO / "examples" / "order_service"


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    copy = tmp_path / "shop"
    shutil.copytree(SHOP, copy)
    return copy


def _inventory(cwd: Path, *args: str) -> dict[str, list[dict[str, Any]]]:
    result = run_cli("events", "--output-format", "json", *args, cwd=cwd)
    assert result.returncode == 0, result.stderr
    data: dict[str, list[dict[str, Any]]] = json.loads(result.stdout)
    return data


def _model(data: dict[str, list[dict[str, Any]]], name: str) -> dict[str, Any]:
    found = [model for model in data["models"] if model["name"] == name]
    assert len(found) == 1, [model["name"] for model in data["models"]]
    return found[0]


def _fields(model: dict[str, object]) -> dict[str, tuple[str, str]]:
    fields = model["fields"]
    assert isinstance(fields, list)
    return {field["name"]: (field["classification"], field["reason"]) for field in fields}


def test_models_are_recognised_each_way_and_only_those() -> None:
    data = _inventory(SHOP)
    recognised = {model["name"]: model["recognised"] for model in data["models"]}
    assert recognised == {
        "EventEnvelope": ["event base class"],
        "OrderPlaced": ["subclass of `shop.envelope.EventEnvelope`", "hashed into an event ID"],
        "RefundEnvelope": ["subclass of `shop.envelope.EventEnvelope`"],
        "RefundIssued": ["payload of `shop.events.RefundEnvelope`"],
        "Message": ["event base class"],  # configured in [tool.eventlint.events]
        "StockReserved": ["subclass of `shop.messages.Message`"],
        "AuditRecorded": ["declares envelope fields `event_id`, `timestamp`"],
        "LegacyOrderEvent": ["declares envelope fields `event_id`, `message_id`"],
        "ShipmentDispatched": [
            "payload of `shop.envelope.EventEnvelope` in `shop.handlers.on_shipment()`"
        ],
    }
    # Not events: a model with one created_at, the nested Customer on its own (a plain
    # generic in a signature says nothing), test modules and their signatures.
    assert not {"Report", "Customer", "Invoice", "FakeEvent", "Parcel"} & set(recognised)


def test_every_field_is_classified_with_its_reason() -> None:
    fields = _fields(_model(_inventory(SHOP), "OrderPlaced"))
    assert fields == {
        # inherited across modules from the generic envelope
        "event_id": ("envelope", "name matches envelope field `event_id`"),
        "occurred_at": ("envelope", "name matches envelope field `occurred_at`"),
        "trace_id": ("envelope", "name matches envelope field `trace_id`"),
        "payload": ("business", BUSINESS_BY_DEFAULT),
        "order_id": ("business", BUSINESS_BY_DEFAULT),
        "customer": ("business", BUSINESS_BY_DEFAULT),
        # the nested model's sensitive fields, each marker kind
        "customer.email": ("sensitive", "name matches sensitive field `email`"),
        "customer.phone": ("sensitive", "marked `pii`"),
        "customer.full_name": ("sensitive", "annotated with `shop.types.PII` (field-markers)"),
        "customer.loyalty_tier": ("sensitive", "marked `sensitive`"),
        "contact_email": ("business", "marked `business`"),
        "card_token": ("sensitive", "type SecretStr/SecretBytes"),
        "note": ("business", "annotated with `Business` (field-markers)"),
        "channel": ("business", BUSINESS_BY_DEFAULT),
    }
    inherited = [
        field
        for field in _model(_inventory(SHOP), "OrderPlaced")["fields"]
        if field["name"] == "event_id"
    ]
    assert inherited[0]["declared_in"] == "shop.envelope.EventEnvelope"


def test_ids_list_exactly_the_fields_they_hash() -> None:
    ids = {item["function"]: item for item in _inventory(SHOP)["ids"]}
    hashed = {name: sorted(f["name"] for f in item["hashed"]) for name, item in ids.items()}
    assert hashed == {
        # model_dump_json(exclude=...) expanded, the exclude applied
        "order_key": ["channel", "contact_email", "note", "order_id"],
        "envelope_key": ["event_id", "trace_id"],
        "contact_key": ["contact_email", "order_id"],
        "card_key": ["card_token"],
    }
    assert ids["envelope_key"]["problems"] == [
        "hashes nothing but envelope fields: every copy of an event gets a new ID"
    ]
    assert ids["card_key"]["problems"] == ["hashes sensitive field `card_token` (EVT102)"]
    # contact_email is marked business: no problem here, and no EVT102 from the linter
    # (the fixture's expectations), because both read the same classification.
    assert ids["contact_key"]["problems"] == []
    assert all(item["models"] == ["shop.events.OrderPlaced"] for item in ids.values())


def test_what_cannot_be_read_is_listed_not_guessed() -> None:
    data = _inventory(SHOP)
    assert [(u["name"], u["path"]) for u in data["unresolved"]] == [
        ("Shipped", "src/shop/dynamic.py")
    ]
    assert _model(data, "LegacyOrderEvent")["unresolved_bases"] == ["faust.Record"]


def test_json_is_stable(shop: Path) -> None:
    first = run_cli("events", "--output-format", "json", cwd=shop).stdout
    assert run_cli("events", "--output-format", "json", cwd=shop).stdout == first
    assert json.loads(first)["version"] == 1
    assert first == json.dumps(json.loads(first), indent=2, sort_keys=True) + "\n"


def test_markdown_and_text_outputs(shop: Path) -> None:
    markdown = run_cli("events", cwd=shop)
    assert markdown.returncode == 0, markdown.stderr
    assert "### `OrderPlaced`" in markdown.stdout
    assert "| `customer.email` | `str` | sensitive | name matches sensitive field `email` |" in (
        markdown.stdout
    )
    assert "| `envelope_key` | `src/shop/ids.py` |" in markdown.stdout
    text = run_cli("events", "--output-format", "text", cwd=shop)
    assert "src/shop/ids.py:18: ID in envelope_key (hashlib) hashes event_id, trace_id" in (
        text.stdout
    )


def test_check_passes_on_a_current_document_and_fails_when_a_model_changes(shop: Path) -> None:
    (shop / "docs").mkdir()
    written = run_cli("events", "--write", "docs/events.md", cwd=shop)
    assert written.returncode == 0, written.stderr
    assert run_cli("events", "--check", "docs/events.md", cwd=shop).returncode == 0
    events = shop / "src" / "shop" / "events.py"
    events.write_text(
        events.read_text().replace("    channel: str\n", "    channel: str\n    email: str\n")
    )
    stale = run_cli("events", "--check", "docs/events.md", cwd=shop)
    assert stale.returncode == 1
    assert "+| `email` | `str` | sensitive | name matches sensitive field `email` |" in stale.stdout
    assert "docs/events.md is out of date" in stale.stderr
    again = run_cli("events", "--write", "docs/events.md", cwd=shop)
    assert again.returncode == 0 and "written" in again.stderr
    assert run_cli("events", "--check", "docs/events.md", cwd=shop).returncode == 0


def test_a_current_document_checked_out_with_crlf_is_current(shop: Path) -> None:
    """core.autocrlf gives a committed document CRLF line ends: --check compared them and
    said "out of date" forever; --write keeps the document's own line ends."""
    (shop / "docs").mkdir()
    assert run_cli("events", "--write", "docs/events.md", cwd=shop).returncode == 0
    document = shop / "docs" / "events.md"
    crlf = document.read_bytes().replace(b"\n", b"\r\n")
    document.write_bytes(crlf)
    checked = run_cli("events", "--check", "docs/events.md", cwd=shop)
    assert checked.returncode == 0, checked.stdout
    events = shop / "src" / "shop" / "events.py"
    events.write_text(
        events.read_text().replace("    channel: str\n", "    channel: str\n    email: str\n")
    )
    assert run_cli("events", "--check", "docs/events.md", cwd=shop).returncode == 1
    assert run_cli("events", "--write", "docs/events.md", cwd=shop).returncode == 0
    rewritten = document.read_bytes()
    assert b"email" in rewritten
    assert rewritten.count(b"\r\n") == rewritten.count(b"\n")  # CRLF kept, none mixed in


def test_hand_written_prose_survives_regeneration(shop: Path) -> None:
    document = write(
        shop / "docs" / "events.md",
        "# ADR 7: what our event IDs hash\n\nWe decided to key orders on order_id.\n\n"
        "<!-- eventlint events: begin -->\nold\n<!-- eventlint events: end -->\n\n"
        "## Consequences\n\nRe-published events are de-duplicated.\n",
    )
    assert run_cli("events", "--write", "docs/events.md", cwd=shop).returncode == 0
    text = document.read_text()
    assert text.startswith("# ADR 7: what our event IDs hash\n\nWe decided to key orders on")
    assert text.endswith("## Consequences\n\nRe-published events are de-duplicated.\n")
    assert "\nold\n" not in text and "### `OrderPlaced`" in text
    assert run_cli("events", "--check", "docs/events.md", cwd=shop).returncode == 0


def test_bad_targets_are_one_line_and_exit_2(shop: Path) -> None:
    missing_folder = run_cli("events", "--write", "nowhere/events.md", cwd=shop)
    assert missing_folder.returncode == 2
    assert missing_folder.stderr.strip().splitlines() == [
        "eventlint: error: cannot write nowhere/events.md: folder nowhere does not exist"
    ]
    missing = run_cli("events", "--check", "docs/events.md", cwd=shop)
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    assert "Traceback" not in missing.stderr + missing_folder.stderr
    (shop / "docs").mkdir()
    (shop / "docs" / "events.md").write_text("x\n")
    (shop / "docs").chmod(0o500)
    (shop / "docs" / "events.md").chmod(0o400)
    try:
        unwritable = run_cli("events", "--write", "docs/events.md", cwd=shop)
    finally:
        (shop / "docs").chmod(0o700)
    assert unwritable.returncode == 2
    assert unwritable.stderr.startswith("eventlint: error: cannot write docs/events.md")
    assert len(unwritable.stderr.strip().splitlines()) == 1


def test_an_unparsable_module_is_reported_as_evt001_and_the_rest_listed(shop: Path) -> None:
    write(shop / "src" / "shop" / "broken.py", "class Broken(:\n")
    result = run_cli("events", "--output-format", "json", cwd=shop)
    assert result.returncode == 0
    assert "src/shop/broken.py:1:" in result.stderr and "EVT001 syntax error" in result.stderr
    assert "OrderPlaced" in {model["name"] for model in json.loads(result.stdout)["models"]}


def test_a_project_without_events_says_so(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[project]\nname = 'plain'\n")
    write(tmp_path / "plain" / "models.py", "class Row:\n    created_at: str\n")
    result = run_cli("events", cwd=tmp_path)
    assert result.returncode == 0
    assert "No event models found." in result.stdout
    assert "No deterministic event IDs or idempotency keys found." in result.stdout


def test_bad_configuration_is_exit_2(shop: Path) -> None:
    pyproject = shop / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('= "business"', '= "public"'))
    result = run_cli("events", cwd=shop)
    assert result.returncode == 2
    assert "field-markers" in result.stderr and "Traceback" not in result.stderr


def test_help_describes_every_option() -> None:
    result = run_cli("events", "--help", cwd=SHOP)
    assert result.returncode == 0
    for option in ("--output-format", "--check", "--write", "--config", "begin -->", "exit codes"):
        assert option in result.stdout


def test_the_example_projects_document_is_current() -> None:
    """The README's sample: the bundled example commits docs/events.md and CI checks it."""
    result = run_cli("events", "--check", "docs/events.md", cwd=EXAMPLE)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_the_pre_commit_hook_fails_on_a_stale_document(shop: Path, tmp_path: Path) -> None:
    """``eventlint-events`` from .pre-commit-hooks.yaml, run by pre-commit itself."""
    (shop / "docs").mkdir()
    assert run_cli("events", "--write", "docs/events.md", cwd=shop).returncode == 0
    events = shop / "src" / "shop" / "events.py"
    events.write_text(events.read_text().replace("    channel: str\n", "    region: str\n"))

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=shop, check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.email=t@example.invalid", "-c", "user.name=t", "add", ".")
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "eventlint-events",
         "--all-files"],
        cwd=shop, capture_output=True, text=True, check=False,
        env={**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")},
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "+| `region` | `str` | business |" in output
    assert "-| `channel` | `str` | business |" in output


def test_check_and_write_keep_markdown_only(shop: Path) -> None:
    result = run_cli("events", "--check", "docs/events.md", "--output-format", "json", cwd=shop)
    assert result.returncode == 2
    assert result.stderr == "eventlint: error: --check and --write keep a markdown document\n"


def test_only_a_marker_eventlint_cannot_read_leaves_a_field_unclassified() -> None:
    from eventlint.analysis.event_fields import Classification, FieldFacts, classify
    from eventlint.options import EventIdOptions

    options = EventIdOptions()
    assert classify(FieldFacts("region"), options) == Classification(
        "business", BUSINESS_BY_DEFAULT
    )
    assert classify(FieldFacts("region", marker="internal"), options) == Classification(
        "unclassified", "marked `internal`, which is no known classification"
    )
    # Evidence from the name still decides beside an unknown marker.
    assert classify(FieldFacts("customer_email", marker="internal"), options).kind == "sensitive"
    assert classify(FieldFacts("occurredAt", marker="internal"), options).kind == "envelope"

"""eventlint.testing: the event-ID contract on running code, and its pytest plugin."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Literal, Optional
from xml.etree import ElementTree

import pytest
from helpers import write
from hypothesis import given, settings
from pydantic import BaseModel, Field, SecretStr

from eventlint.analysis.event_fields import BUSINESS_BY_DEFAULT
from eventlint.testing import ContractViolation, check_event_id
from eventlint.testing.fields import classify, event_id_options
from eventlint.testing.strategies import for_model

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "order_service"


class Status(enum.Enum):
    OPEN = "open"
    CLOSED = "closed"


class Address(BaseModel):
    city: str
    email: str


class Rich(BaseModel):
    event_id: uuid.UUID
    at: dt.datetime
    status: Status
    kind: Literal["a", "b"]
    note: Optional[str] = None  # noqa: UP045 (the Optional spelling is what is tested)
    tags: list[str]
    address: Address
    code: str = Field(pattern=r"^[A-Z]{2}$")


@settings(max_examples=30, deadline=None)
@given(for_model(Rich))
def test_models_are_generated_from_their_field_types(event: BaseModel) -> None:
    assert isinstance(event, Rich)
    assert isinstance(event.event_id, uuid.UUID) and event.at.tzinfo is not None
    assert isinstance(event.status, Status) and event.kind in ("a", "b")
    assert event.note is None or isinstance(event.note, str)
    assert isinstance(event.address, Address) and len(event.code) == 2


class Signup(BaseModel):
    event_id: str
    user_id: str
    password: SecretStr
    nickname: str = Field(json_schema_extra={"classification": "pii"})
    batch_id: str


def test_fields_are_classified_from_the_project_config_types_and_markers(tmp_path: Path) -> None:
    configured = write(
        tmp_path / "configured" / "pyproject.toml",
        '[tool.eventlint.event-ids]\nextend-envelope-fields = ["batch_id"]\n',
    ).parent
    found = {
        cls.name: (cls.kind, cls.reason)
        for cls in classify(Signup, event_id_options(Signup, configured))
    }
    assert found["event_id"][0] == "envelope" and found["batch_id"][0] == "envelope"
    assert found["password"][0] == "sensitive" and found["nickname"] == ("sensitive", "marked pii")
    assert found["user_id"] == ("business", BUSINESS_BY_DEFAULT.replace("`", ""))
    plain = write(tmp_path / "plain" / "pyproject.toml", '[project]\nname = "plain"\n').parent
    defaults = {cls.name: cls.kind for cls in classify(Signup, event_id_options(Signup, plain))}
    assert defaults["batch_id"] == "business"


def signup_key(event: Signup) -> str:
    return hashlib.sha256(event.user_id.encode()).hexdigest()


def test_a_correct_function_passes_and_reports_what_it_checked(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        '[tool.eventlint.event-ids]\nextend-envelope-fields = ["batch_id"]\n',
    )
    report = check_event_id(signup_key, model=Signup, max_examples=20, deadline=5000, root=tmp_path)
    assert report.affecting == {"user_id"} and report.examples >= 20


def test_a_business_field_that_never_changes_the_id_is_named(tmp_path: Path) -> None:
    with pytest.raises(ContractViolation, match=r"business sensitivity: changing `batch_id`"):
        check_event_id(signup_key, model=Signup, max_examples=10, root=tmp_path / "none")
    check_event_id(signup_key, model=Signup, max_examples=10, ignore=["batch_id"], root=tmp_path)


def test_an_example_is_varied_when_no_model_is_given(tmp_path: Path) -> None:
    event = Signup(event_id="e", user_id="u", password=SecretStr("p"), nickname="n", batch_id="b")
    with pytest.raises(ContractViolation, match="envelope invariance: changing field `event_id`"):
        check_event_id(
            lambda e: f"{e.user_id}{e.event_id}", example=event, cross_process=False, root=tmp_path
        )


def test_a_closure_cannot_be_checked_in_a_fresh_interpreter_and_says_so(tmp_path: Path) -> None:
    def local_key(event: Signup) -> str:
        return event.user_id

    with pytest.raises(TypeError, match=r"importable by name .*cross_process=False"):
        check_event_id(local_key, model=Signup, max_examples=5, ignore=["batch_id"], root=tmp_path)
    with pytest.raises(TypeError, match="importable by name"):
        check_event_id(lambda e: e.user_id, model=Signup, max_examples=5, ignore=["batch_id"])


class Opaque:
    def __init__(self, value: str) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Opaque) and other.value == self.value

    def __hash__(self) -> int:
        return hash(self.value)


class WithOpaque(BaseModel, arbitrary_types_allowed=True):
    event_id: str
    order_id: str
    blob: Opaque


def opaque_key(event: WithOpaque) -> str:
    return event.order_id


def test_a_type_that_cannot_be_generated_asks_for_an_example_or_is_not_varied() -> None:
    with pytest.raises(TypeError, match=r"cannot generate WithOpaque events .*pass example="):
        check_event_id(opaque_key, model=WithOpaque)
    event = WithOpaque(event_id="e", order_id="o", blob=Opaque("x"))
    with pytest.warns(UserWarning, match=r"no values could be generated for \['blob'\]"):
        report = check_event_id(opaque_key, example=event, max_examples=5, cross_process=False)
    assert report.unvaried == {"blob"} and report.affecting == {"order_id"}


def test_a_non_model_is_refused_clearly() -> None:
    with pytest.raises(TypeError, match="needs a pydantic model"):
        check_event_id(signup_key, model=dict)  # type: ignore[arg-type]


def _junit(tmp_path: Path, *args: str, cwd: Path, env: dict[str, str]) -> dict[str, str | None]:
    report = tmp_path / "report.xml"
    subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", f"--junitxml={report}", *args],
        cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    outcomes: dict[str, str | None] = {}
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        # A failure's message, or a skip's reason; None for a pass.
        failure = case.find("failure")
        if failure is None:
            failure = case.find("skipped")
        outcomes[case.attrib["name"]] = None if failure is None else failure.attrib["message"]
    return outcomes


@pytest.mark.slow
def test_the_example_projects_contracts_pass_and_fail_as_its_bugs_say(tmp_path: Path) -> None:
    env = dict(os.environ)  # the example's pytest config puts src/ on the path
    outcomes = _junit(tmp_path, "tests/test_id_contracts.py", cwd=EXAMPLE, env=env)
    assert outcomes["test_stable_payment_key_keeps_the_contract"] is None
    expected = {
        "test_order_key_hashes_the_envelope": "envelope invariance: changing field `",
        "test_customer_order_key_hashes_the_email": (
            "no sensitive input: changing field `customer_email`"
        ),
        "test_payment_key_uses_builtin_hash": "cross-process stability",
        "test_stock_key_dumps_unsorted_json": "stability (mapping key order)",
        "test_random_order_key_is_not_deterministic": "determinism",
    }
    for test, fragment in expected.items():
        message = outcomes[test]
        assert message is not None and fragment in message, (test, message)
    # order_key puts event_id in its payload: the first envelope field, named.
    assert "`event_id`" in (outcomes["test_order_key_hashes_the_envelope"] or "")


@pytest.mark.slow
def test_the_plugin_offers_a_marker_and_a_fixture(tmp_path: Path) -> None:
    write(
        tmp_path / "events.py",
        "import hashlib\nfrom pydantic import BaseModel\n\n\n"
        "class Shipped(BaseModel):\n    event_id: str\n    parcel_id: str\n\n\n"
        "def good(event):\n    return hashlib.sha256(event.parcel_id.encode()).hexdigest()\n\n\n"
        "def bad(event):\n    return event.parcel_id + event.event_id\n",
    )
    write(
        tmp_path / "test_contracts.py",
        "import pytest\nfrom events import Shipped, bad, good\n\n\n"
        "@pytest.mark.event_id_contract(good, model=Shipped, max_examples=10)\n"
        "def test_marker_good():\n    pass\n\n\n"
        "@pytest.mark.event_id_contract(bad, model=Shipped, max_examples=10)\n"
        "def test_marker_bad():\n    pass\n\n\n"
        "def test_fixture(event_id_contract):\n"
        "    event_id_contract(good, model=Shipped, max_examples=10)\n",
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    outcomes = _junit(tmp_path, "test_contracts.py", cwd=tmp_path, env=env)
    assert outcomes["test_marker_good"] is None and outcomes["test_fixture"] is None
    assert "envelope invariance: changing field `event_id`" in (outcomes["test_marker_bad"] or "")


@pytest.mark.slow
def test_event_id_contracts_runs_every_id_function_the_analysis_finds(tmp_path: Path) -> None:
    outcomes = _junit(
        tmp_path,
        "--event-id-contracts",
        "-k",
        "event-id-contract",
        "tests/test_id_contracts.py",
        cwd=EXAMPLE,
        env=dict(os.environ),
    )
    found = {name.removeprefix("event-id-contract[orders.").rstrip("]"): message
             for name, message in outcomes.items()}  # fmt: skip
    found = {name.removeprefix("idempotency."): message for name, message in found.items()}
    assert set(found) == {
        "order_key", "order_uuid", "payment_dedup_key", "payment_idempotency_key",
        "stable_payment_key", "shipping.shipment_key",
    }  # fmt: skip
    # A generic envelope's payload model is the team's to name (skipped, saying how).
    assert "generic model (`Envelope[OrderShipped]`)" in (found["shipping.shipment_key"] or "")
    # A business field the function never reads (amount_cents) is left out on purpose.
    assert found["stable_payment_key"] is None
    assert "envelope invariance: changing field `event_id`" in (found["order_key"] or "")
    assert "envelope invariance" in (found["order_uuid"] or "")
    assert "determinism" in (found["payment_dedup_key"] or "")
    assert "cross-process stability" in (found["payment_idempotency_key"] or "")


def test_id_functions_that_cannot_take_one_event_are_skipped_with_the_reason(
    tmp_path: Path,
) -> None:
    write(tmp_path / "pyproject.toml", '[tool.pytest.ini_options]\npythonpath = ["."]\n')
    write(
        tmp_path / "keys.py",
        "import hashlib\n\n\n"
        "def pair_key(a, b):\n    return hashlib.sha256(f'{a}{b}'.encode()).hexdigest()\n\n\n"
        "class Keys:\n    def order_key(self, event):\n"
        "        return hashlib.sha256(event.order_id.encode()).hexdigest()\n",
    )
    write(tmp_path / "test_nothing.py", "def test_nothing():\n    pass\n")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--event-id-contracts", "-rs"],
        cwd=tmp_path, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert "keys.pair_key: takes 2 arguments, not one event" in result.stdout
    assert "keys.Keys.order_key: a method: needs an instance" in result.stdout
    assert "1 passed, 2 skipped" in result.stdout


# A finder that refuses hypothesis, as in a project without the testing extra (hypothesis's
# own pytest plugin is switched off with it).
_WITHOUT_HYPOTHESIS = (
    "import sys\n"
    "class Refuse:\n"
    "    def find_spec(self, name, path=None, target=None):\n"
    "        if name.split('.')[0] == 'hypothesis':\n"
    "            raise ImportError('No module named hypothesis')\n"
    "sys.meta_path.insert(0, Refuse())\n"
)


_PYTEST = (
    "import pytest\n"
    "sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', '-p', 'no:hypothesispytest'{extra}]))"
)


def _without_hypothesis(cwd: Path, code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _WITHOUT_HYPOTHESIS + code],
        cwd=cwd, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip


def test_without_the_testing_extra_pytest_still_runs_and_the_api_says_what_is_missing(
    tmp_path: Path,
) -> None:
    """The plugin is loaded by every pytest run where eventlint is installed: a project that
    did not install the ``testing`` extra (no hypothesis) must still run its tests."""
    write(tmp_path / "test_plain.py", "def test_plain():\n    assert True\n")
    plain = _without_hypothesis(tmp_path, _PYTEST.format(extra=""))
    assert plain.returncode == 0 and "1 passed" in plain.stdout, plain.stdout + plain.stderr
    option = _without_hypothesis(tmp_path, _PYTEST.format(extra=", '--event-id-contracts'"))
    assert option.returncode == 4, option.stdout + option.stderr  # pytest's usage error
    assert "--event-id-contracts: eventlint.testing needs hypothesis" in option.stderr
    assert "INTERNALERROR" not in option.stdout + option.stderr
    api = _without_hypothesis(tmp_path, "import eventlint.testing\n")
    assert api.returncode == 1
    assert 'eventlint.testing needs hypothesis: pip install "eventlint[testing]"' in api.stderr

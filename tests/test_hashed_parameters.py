"""Which parameters a function hashes whole (``analysis.hashed_parameters``): the fact that
decides whether a caller is blamed for what it passes in."""

from __future__ import annotations

import ast
import textwrap

import pytest

from eventlint.analysis.hashed_parameters import Intake, names_taken_whole

_IMPORTS = {"json": "json", "hashlib": "hashlib", "getattr": "builtins.getattr"}


def _taken(source: str) -> dict[str, Intake]:
    """What the argument of the function's one ``sha256(...)`` call takes in whole."""
    function = ast.parse(textwrap.dedent(source)).body[0]
    assert isinstance(function, ast.FunctionDef)
    assignments: dict[str, list[ast.expr]] = {}
    hashed: ast.expr | None = None
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            assignments.setdefault(node.targets[0].id, []).append(node.value)
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "hashlib.sha256":
            hashed = node.args[0]
    assert hashed is not None

    def qualify(node: ast.AST) -> str | None:
        # Names and attribute chains only, as the project readers resolve them.
        inner = node
        while isinstance(inner, ast.Attribute):
            inner = inner.value
        if not isinstance(inner, ast.Name):
            return None
        head, _, rest = ast.unparse(node).partition(".")
        target = _IMPORTS.get(head)
        return None if target is None else f"{target}.{rest}" if rest else target

    return {
        name: intake
        for name, intake in names_taken_whole(hashed, assignments, qualify).items()
        if name in {arg.arg for arg in function.args.args}
    }


@pytest.mark.parametrize(
    "source",
    [
        "def f(value):\n    return hashlib.sha256(value.encode())\n",
        "def f(a, b):\n    raw = f'{a}:{b}'\n    return hashlib.sha256(raw.encode())\n",
        "def f(value):\n    return hashlib.sha256(json.dumps(value).encode())\n",
        "def f(value):\n    return hashlib.sha256(str(value)[:16].encode())\n",
        "def f(parts):\n    return hashlib.sha256(':'.join(parts).encode())\n",
    ],
)
def test_a_value_hashed_as_given_is_taken_whole(source: str) -> None:
    taken = _taken(source)
    assert taken and set(taken.values()) == {Intake.WHOLE}


@pytest.mark.parametrize(
    "source",
    [
        # parses its argument and picks the fields itself
        "def f(msg):\n    data = json.loads(msg)\n"
        "    return hashlib.sha256(f\"{data['order_id']}\".encode())\n",
        "def f(event):\n    return hashlib.sha256(event.order_id.encode())\n",
        "def f(event):\n    return hashlib.sha256(event.get('order_id').encode())\n",
        "def f(msg):\n    return hashlib.sha256(msg.value())\n",
        "def f(event):\n    return hashlib.sha256(event.model_dump_json().encode())\n",
        "def f(event):\n    return hashlib.sha256(getattr(event, 'order_id').encode())\n",
        "def f(event):\n    kept = {k: v for k, v in event.items() if k != 'event_id'}\n"
        "    return hashlib.sha256(str(kept).encode())\n",
    ],
)
def test_a_value_the_function_selects_from_is_not_taken_whole(source: str) -> None:
    assert _taken(source) == {}


def test_a_value_parsed_and_dumped_again_with_sorted_keys_is_reparsed() -> None:
    source = (
        "def f(payload):\n    parsed = json.loads(payload)\n"
        "    return hashlib.sha256(json.dumps(parsed, sort_keys=True).encode())\n"
    )
    assert _taken(source) == {"payload": Intake.REPARSED}


def test_a_value_parsed_and_dumped_again_unsorted_keeps_its_key_order() -> None:
    source = (
        "def f(payload):\n    parsed = json.loads(payload)\n"
        "    return hashlib.sha256(json.dumps(parsed).encode())\n"
    )
    assert _taken(source) == {"payload": Intake.WHOLE}


def test_whole_wins_over_reparsed_when_both_reach() -> None:
    source = (
        "def f(payload):\n    parsed = json.loads(payload)\n"
        "    raw = json.dumps(parsed, sort_keys=True) + payload\n"
        "    return hashlib.sha256(raw.encode())\n"
    )
    assert _taken(source) == {"payload": Intake.WHOLE}


def test_a_self_referencing_assignment_ends() -> None:
    source = "def f(value):\n    value = value + value\n    return hashlib.sha256(value)\n"
    assert _taken(source) == {"value": Intake.WHOLE}

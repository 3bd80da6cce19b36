"""Properties of every fix, over generated variants of each fixable rule's fixture.

For each rule whose ``fix_availability`` is "safe" or "unsafe", hypothesis varies a seed
program taken from the rule's fixtures and docstring examples (a walrus around the value,
the value reused, the needed import only under ``if TYPE_CHECKING:``, deep expressions,
neutral noise: comments, blank lines, CRLF, non-ASCII text) and runs the real command,
``eventlint --fix --unsafe-fixes --no-cache``, on a temporary project. Then:

- the fixed file compiles, and a second run leaves it byte-identical (one run is enough);
- what the code returns or passes on is unchanged, except what the rule documents its fix
  changes: the generated module (the test's own code, never the project's: eventlint does
  not import what it lints) is executed before and after the fix in fresh namespaces, with
  stub collaborators that record what they are handed, and the records are compared.

Four fix bugs were found this way and fixed (an EVT101 dict sent inside the hash call, EVT104
sorting published JSON, EVT203 trusting an ``import re`` inside another function, EVT201
comparing a class-level code that the base's ``__init__`` overwrites); their variants are in
the strategies below.
"""

from __future__ import annotations

import copy
import json
import sys
import tempfile
import textwrap
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from helpers import run_cli, write
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from eventlint.rules import all_rules

FIXABLE = sorted(rule.code for rule in all_rules() if rule.fix_availability in ("safe", "unsafe"))
# Each fixable rule, and the test below that generates its variants.
COVERED = {
    "EVT101": "test_event_id_fixes_change_only_the_id",
    "EVT104": "test_event_id_fixes_change_only_the_id",
    "EVT201": "test_code_fix_keeps_a_passing_test_passing",
    "EVT203": "test_escape_fix_makes_the_pattern_match_its_literal_text",
    "EVT301": "test_import_fix_binds_the_moved_names",
    "EVT303": "test_patch_fix_patches_where_the_name_is_defined",
    "EVT305": "test_test_reference_fix_points_at_the_moved_file",
    "EVT401": "test_readiness_fix_only_adds_the_configured_call",
    "EVT003": "test_unused_noqa_fix_unmasks_nothing",
}


def _examples(count: int) -> settings:
    return settings(_PROPERTY, max_examples=count)


_PROPERTY = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# -- running the command ----------------------------------------------------------------------


@contextmanager
def _project(files: dict[str, str], pyproject: str = "[tool.eventlint]\n") -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="eventlint-props-") as folder:
        root = Path(folder)
        write(root / "pyproject.toml", pyproject)
        for name, text in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            # Bytes, so that CRLF line endings stay what the generator made.
            (root / name).write_bytes(text.encode("utf-8"))
        yield root


@dataclass(frozen=True)
class Fixed:
    before: str
    after: str
    stdout: str
    stderr: str


def _fix(root: Path, name: str) -> Fixed:
    """``eventlint --fix --unsafe-fixes --no-cache NAME`` twice: the result compiles, and the
    second run changes nothing."""
    target = root / name
    before = target.read_bytes()
    first = run_cli("--fix", "--unsafe-fixes", "--no-cache", name, cwd=root)
    assert first.returncode in (0, 1), first.stdout + first.stderr
    assert "Traceback" not in first.stderr, first.stderr
    once = target.read_bytes()
    after = once.decode("utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        compile(after, str(target), "exec")
    second = run_cli("--fix", "--unsafe-fixes", "--no-cache", name, cwd=root)
    assert second.returncode in (0, 1), second.stdout + second.stderr
    assert target.read_bytes() == once, "a second --fix run changed the file again"
    return Fixed(before.decode("utf-8"), after, first.stdout, first.stderr)


def _execute(text: str, name: str) -> dict[str, Any]:
    """The generated module run in a fresh namespace."""
    namespace: dict[str, Any] = {"__name__": "generated_" + Path(name).stem}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        exec(compile(text, name, "exec"), namespace)
    return namespace


@contextmanager
def _importable(*folders: Path, packages: tuple[str, ...] = ()) -> Iterator[None]:
    """``folders`` on sys.path, and ``packages`` forgotten before and after."""

    def forget() -> None:
        for module in list(sys.modules):
            if module.split(".")[0] in packages:
                del sys.modules[module]

    forget()
    sys.path[:0] = [str(folder) for folder in folders]
    try:
        yield
    finally:
        del sys.path[: len(folders)]
        forget()


def _outcome(call: Callable[..., Any], *args: Any) -> tuple[str, Any]:
    try:
        return "returned", call(*args)
    except Exception as error:  # pytest's Failed is an Exception too
        return "raised", f"{type(error).__name__}: {error}"


def _run_module(source: str, name: str, function: str) -> tuple[str, Any]:
    """The module executed and then its ``function`` called: an import error at the top of
    the module is an outcome too."""

    def run() -> Any:
        return _execute(source, name)[function]()

    return _outcome(run)


# -- neutral noise ------------------------------------------------------------------------------

NON_ASCII = 'NOTE = "Grüße, 注文の確認 ✓ – naïve café"'
_TOP_NOISE = st.lists(
    st.sampled_from(
        [
            "# a comment between the imports and the code",
            "",
            NON_ASCII,
            "_UNUSED = [1, 2, 3]  # trailing comment",
            "def _helper():\n    return 1\n",
        ]
    ),
    max_size=3,
)
_BODY_NOISE = st.lists(st.sampled_from(["# a comment", "", "_ = 1"]), max_size=2)


@dataclass(frozen=True)
class Noise:
    top: list[str]
    body: list[str]
    crlf: bool

    def at_top(self) -> str:
        return "\n".join(self.top) + "\n\n\n" if self.top else ""

    def in_body(self, indent: str = "    ") -> str:
        return "".join(f"{indent}{line}\n" if line else "\n" for line in self.body)

    def finish(self, text: str) -> str:
        return text.replace("\n", "\r\n") if self.crlf else text


NOISE = st.builds(Noise, _TOP_NOISE, _BODY_NOISE, st.booleans())


def _deep_chain(term: str, count: int) -> str:
    return " + ".join([term] * count)


def _nested_calls(function: str, inner: str, depth: int) -> str:
    return f"{function}(" * depth + inner + ")" * depth


# -- EVT101 and EVT104: an ID hash over a dict ---------------------------------------------------

EVENT = SimpleNamespace(
    order_id="ordré-1",
    sku="sku-9",
    amount=3,
    region="eu-west",
    event_id="evt-1",
    trace_id="trace-1",
    timestamp="2024-05-01T10:00:00Z",
)
_BUSINESS = [("order_id", "event.order_id"), ("sku", "event.sku"), ("kind", '"order"')]
_ENVELOPE = [
    ("event_id", "event.event_id"),
    ("trace_id", "event.trace_id"),
    ("timestamp", "event.timestamp"),
]


class Producer:
    """A Kafka producer that records what it is sent."""

    def __init__(self) -> None:
        self.sent: list[Any] = []

    def send(self, topic: str, value: Any = None, **options: Any) -> None:
        self.sent.append((topic, copy.deepcopy(value), copy.deepcopy(options)))


class Sink:
    """Another collaborator a value may be handed to or stored on."""

    def __init__(self) -> None:
        self.received: list[Any] = []

    def append(self, value: Any) -> None:
        self.received.append(copy.deepcopy(value))

    def record(self) -> dict[str, Any]:
        return copy.deepcopy(vars(self))


@dataclass(frozen=True)
class IdProgram:
    text: str
    method: bool
    # The dict exists only for the hash: the fix is expected to remove its envelope keys.
    only_hashed: bool
    envelope: tuple[str, ...]


@st.composite
def id_programs(draw: st.DrawFn) -> IdProgram:
    noise = draw(NOISE)
    method = draw(st.booleans())
    indent = "        " if method else "    "
    entries = [_BUSINESS[0], *draw(st.lists(st.sampled_from(_BUSINESS[1:]), unique=True))]
    deep = draw(st.sampled_from(["none", "chain", "calls"]))
    if deep == "chain":
        entries.append(("total", _deep_chain("event.amount", draw(st.integers(50, 400)))))
    elif deep == "calls":
        entries.append(("label", _nested_calls("str", "event.order_id", draw(st.integers(5, 60)))))
    envelope = draw(st.lists(st.sampled_from(_ENVELOPE), unique=True, max_size=3))
    walrus_entry = bool(envelope) and draw(st.booleans())
    all_entries = draw(st.permutations(entries + envelope))
    shown = []
    for key, value in all_entries:
        bound = walrus_entry and key == envelope[0][0]
        shown.append(f'"{key}": ' + (f"(bound := {value})" if bound else value))
    literal = "{" + ", ".join(shown) + "}"

    # "sent_inline": a dict inline in the hash but handed to another call there,
    # ``sha256(json.dumps(producer.send("orders", {...})))``: the message must keep its keys.
    shape = draw(
        st.sampled_from(
            ["named", "annotated", "renamed", "walrus", "walrus_inline", "inline", "sent_inline"]
        )
    )
    sort_keys = draw(st.sampled_from(["absent", "False", "True"]))
    keyword = {"absent": "", "False": ", sort_keys=False", "True": ", sort_keys=True"}[sort_keys]
    multiline = draw(st.booleans())
    mutate = shape in ("named", "annotated") and draw(st.booleans())

    def dumps(value: str) -> str:
        if multiline:
            inner = indent + "    "
            return (
                f"json.dumps(\n{inner}{value},\n{inner}separators=(',', ':'){keyword},\n{indent})"
            )
        return f"json.dumps({value}{keyword})"

    lines: list[str] = []
    json_import = draw(st.sampled_from(["top", "type_checking"]))
    if json_import == "type_checking":
        lines.append("import json")
    if shape == "named":
        lines.append(f"payload = {literal}")
    elif shape == "annotated":
        lines.append(f"payload: dict = {literal}")
    elif shape == "renamed":
        lines.append(f"payload = {literal}")
        lines.append(f"body = {dumps('payload')}")
    elif shape == "walrus":
        lines.append(f"if (payload := {literal}) is None:\n{indent}    return None")
    if mutate:
        lines.append('payload["region"] = event.region')
    hashed = {
        "named": dumps("payload"),
        "annotated": dumps("payload"),
        "renamed": "body",
        "walrus": dumps("payload"),
        "walrus_inline": dumps(f"(payload := {literal})"),
        "inline": dumps(literal),
        "sent_inline": dumps(f'producer.send("orders", {literal})'),
    }[shape]
    lines.append(f"key = hashlib.sha256({hashed}.encode()).hexdigest()")

    reuses: list[str] = []
    if shape not in ("inline", "sent_inline"):
        choices = ["return", "publish", "pass", "store"]
        reuses = draw(st.lists(st.sampled_from(choices), unique=True, max_size=2))
    if shape == "renamed":
        # The dumped text itself published or returned: EVT104 must not sort its keys.
        reuses += draw(st.lists(st.sampled_from(["publish_body", "return_body"]), max_size=1))
    returned = ["key"]
    for reuse in reuses:
        if reuse == "return":
            returned.append("payload")
        elif reuse == "return_body":
            returned.append("body")
        elif reuse == "publish":
            lines.append('producer.send("orders", payload)')
        elif reuse == "publish_body":
            lines.append('producer.send("orders", body)')
        elif reuse == "pass":
            lines.append("sink.append(payload)")
        elif reuse == "store":
            lines.append(f"{'self' if method else 'sink'}.last = payload")
    if walrus_entry:
        lines.append("sink.append(bound)")
    lines.append(f"return {', '.join(returned)}")
    body = noise.in_body(indent) + "".join(f"{indent}{line}\n" for line in lines)

    if json_import == "top":
        header = "import hashlib\nimport json\n"
    else:
        header = (
            "import hashlib\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
            "    import json\n"
        )
    signature = "def idempotency_key({}event, producer, sink):\n"
    if method:
        function = "class Keys:\n    " + signature.format("self, ") + body
    else:
        function = signature.format("") + body
    text = header + "\n\n" + noise.at_top() + function
    only_hashed = (
        shape in ("named", "annotated", "renamed", "inline") and not reuses and not walrus_entry
    )
    return IdProgram(noise.finish(text), method, only_hashed, tuple(key for key, _ in envelope))


def _id_outcome(text: str) -> tuple[Any, dict[str, Any]]:
    """The ID the generated function returns, and everything else it returns or passes on."""
    namespace = _execute(text, "keys.py")
    producer, sink = Producer(), Sink()
    owner = namespace["Keys"]() if "Keys" in namespace else None
    function = owner.idempotency_key if owner else namespace["idempotency_key"]
    kind, result = _outcome(lambda: function(EVENT, producer, sink))
    if kind == "raised":
        return None, {"raised": result}
    returned = result if isinstance(result, tuple) else (result,)
    return returned[0], {
        "returned": copy.deepcopy(returned[1:]),
        "sent": producer.sent,
        "sink": sink.record(),
        "self": copy.deepcopy(vars(owner)) if owner else None,
    }


@_examples(50)
@given(program=id_programs())
def test_event_id_fixes_change_only_the_id(program: IdProgram) -> None:
    """EVT101 (keys removed from a hashed dict) and EVT104 (``sort_keys=True``): the fix
    changes the ID and nothing the function returns, publishes, hands on or stores; a dict
    also used for anything but the hash, or whose removed entry binds a name, is not edited."""
    with _project({"keys.py": program.text}) as root:
        fixed = _fix(root, "keys.py")
    event("fixed" if fixed.after != fixed.before else "unchanged")
    before_id, before = _id_outcome(fixed.before)
    after_id, after = _id_outcome(fixed.after)
    assert "raised" not in before, before
    assert after == before
    assert isinstance(after_id, str) and len(after_id) == 64
    if fixed.after == fixed.before:
        assert after_id == before_id
    refused = "cannot be applied" in fixed.stderr
    if program.only_hashed and program.envelope and not refused:
        # Not vacuous: a dict used only for the hash does lose its envelope keys.
        assert not any(f'"{key}"' in fixed.after for key in program.envelope), fixed.after
    if not program.only_hashed:
        for key in program.envelope:
            assert fixed.after.count(f'"{key}"') == fixed.before.count(f'"{key}"')


def test_every_fixable_rule_has_a_property() -> None:
    """A rule that gains a fix gains a property here."""
    assert sorted(COVERED) == FIXABLE
    for name in COVERED.values():
        assert callable(globals()[name])


# -- EVT203: re.escape around a match= pattern ------------------------------------------------

# (pattern as the test writes it, the f-string the code raises, the value the test passes)
_MESSAGES = [
    ("Invalid amount (3.50)", 'f"Invalid amount ({value})"', "3.50"),
    ("order 42 was not found.", 'f"order {value} was not found."', "42"),
    ("unknown currency (EUR?)", 'f"unknown currency ({value}?)"', "EUR"),
    ("montant invalide (3,50 €)", 'f"montant invalide ({value} €)"', "3,50"),
]
_RE_HEADERS = {
    "none": "",
    "import": "import re\n",
    "alias": "import re as regular_expressions\n",
    "type_checking": "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    import re\n",
    "typing_type_checking": "import typing\n\nif typing.TYPE_CHECKING:\n    import re\n",
    "module_binding": 're = "not the module"\n',
    "local_import": "def _helper():\n    import re\n\n    return re\n",
}


@dataclass(frozen=True)
class EscapeProgram:
    text: str
    call: str  # how the test is run: "function" or "method"
    argument: str


@st.composite
def escape_programs(draw: st.DrawFn) -> EscapeProgram:
    noise = draw(NOISE)
    pattern, raised, argument = draw(st.sampled_from(_MESSAGES))
    re_state = draw(st.sampled_from(sorted(_RE_HEADERS)))
    form = draw(st.sampled_from(["pytest", "unittest"]))
    parameter = draw(st.booleans())  # a parameter called ``re`` shadows the module
    deep = draw(st.sampled_from(["none", "chain", "calls"]))
    if deep == "chain":
        shown = _deep_chain('""', draw(st.integers(50, 400))) + f" + {argument!r}"
    elif deep == "calls":
        shown = _nested_calls("str", repr(argument), draw(st.integers(5, 60)))
    else:
        shown = repr(argument)
    walrus = draw(st.booleans())
    passed = f"(value := {shown})" if walrus else shown
    indent = "        " if form == "unittest" else "    "
    lines = noise.in_body(indent)
    if form == "pytest":
        lines += f"{indent}with pytest.raises(ValueError, match={pattern!r}):\n"
    else:
        lines += f"{indent}with self.assertRaisesRegex(ValueError, {pattern!r}):\n"
    lines += f"{indent}    parse({passed})\n"
    if walrus:
        lines += f"{indent}assert value == {argument!r}\n"
    if form == "pytest":
        test = f"def test_amount({'re=None' if parameter else ''}):\n" + lines
    else:
        test = (
            "class TestAmount(unittest.TestCase):\n"
            f"    def test_amount(self{', re=None' if parameter else ''}):\n" + lines
        )
    header = _RE_HEADERS[re_state]
    imports = "import unittest\n\n" if form == "unittest" else ""
    imports += "import pytest\n"
    if header.startswith(("import re\n", "import re as")):
        imports = header + ("\n" if form == "pytest" else "") + imports
        header = ""
    text = (
        '"""Generated: a match= pattern meant literally."""\n\n'
        + imports
        + ("\n" + header if header else "")
        + "\n"
        + "CALLS = []\n\n\n"
        + noise.at_top()
        + f"def parse(value):\n    CALLS.append(value)\n    raise ValueError({raised})\n\n\n"
        + test
    )
    return EscapeProgram(
        noise.finish(text), "method" if form == "unittest" else "function", argument
    )


def _escape_outcome(text: str, name: str, call: str) -> tuple[tuple[str, Any], list[Any]]:
    namespace = _execute(text, name)
    if call == "method":
        case = namespace["TestAmount"]("test_amount")
        result = _outcome(case.test_amount)
    else:
        result = _outcome(namespace["test_amount"])
    return result, namespace["CALLS"]


@_examples(20)
@given(program=escape_programs())
def test_escape_fix_makes_the_pattern_match_its_literal_text(program: EscapeProgram) -> None:
    """EVT203: the test failed because its pattern read as a regex; after ``re.escape`` it
    passes when the code raises exactly the text it spells out, calling the code with the
    same values, with ``re`` bound at run time whatever shadows it or hides it under
    ``TYPE_CHECKING``."""
    name = "tests/test_amounts.py"
    with _project({name: program.text}) as root:
        fixed = _fix(root, name)
    assert fixed.after != fixed.before, fixed.stdout
    _, calls_before = _escape_outcome(fixed.before, name, program.call)
    after, calls_after = _escape_outcome(fixed.after, name, program.call)
    assert after == ("returned", None), fixed.after
    assert calls_after == calls_before == [program.argument]


# -- EVT201: a whole-message comparison becomes a comparison of the error's code ------------------

_CODES_PROJECT = Path(__file__).parent / "fixtures" / "error_assertions" / "codes_project"
# (the call, the error class the test catches, the message the project raises with a code)
_CODED_ERRORS = [
    ('reserve("sku-1", {quantity})', "ShopError", "Not enough units left in stock"),
    # The code on the class (its base's ``__init__`` leaves it alone).
    ("pay({amount})", "PaymentDeclined", "The card was declined"),
]
_COMPARISONS = [
    "assert str({error}) == {message!r}",
    "assert {message!r} == str({error})",
    "assert {error}.args[0] == {message!r}",
    "assert (\n        str({error})\n        == {message!r}\n    )",
]


@st.composite
def code_programs(draw: st.DrawFn) -> str:
    noise = draw(NOISE)
    call, error_class, message = draw(st.sampled_from(_CODED_ERRORS))
    deep = draw(st.sampled_from(["none", "chain", "calls"]))
    if deep == "chain":
        number = _deep_chain("1", draw(st.integers(50, 400)))
    elif deep == "calls":
        number = _nested_calls("int", "500", draw(st.integers(5, 60)))
    else:
        number = "500"
    call = call.format(quantity=number, amount=number)
    walrus = draw(st.booleans())
    if walrus:
        call = call.replace("(", "(argument := ", 1)
    alias = draw(st.booleans())
    error = "error" if alias else "info.value"
    comparison = draw(st.sampled_from(_COMPARISONS)).format(error=error, message=message)
    code_import = draw(st.sampled_from(["absent", "present", "type_checking"]))
    names = sorted(
        {error_class, "ShopError"} | ({"ErrorCode"} if code_import == "present" else set())
    )
    header = "from typing import TYPE_CHECKING\n\n" if code_import == "type_checking" else ""
    header += "import pytest\n\n"
    header += f"from shop.errors import {', '.join(names)}\nfrom shop.orders import pay, reserve\n"
    if code_import == "type_checking":
        header += "\nif TYPE_CHECKING:\n    from shop.errors import ErrorCode\n"
    body = noise.in_body()
    body += f"    with pytest.raises({error_class}) as info:\n        {call}\n"
    if alias:
        body += "    error = info.value\n"
    body += f"    {comparison}\n"
    if walrus:
        body += "    return argument\n"
    text = header + "\n\n" + noise.at_top() + "def test_error():\n" + body
    return noise.finish(text)


def _code_project_files() -> dict[str, str]:
    return {
        path.relative_to(_CODES_PROJECT).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted((_CODES_PROJECT / "src").rglob("*.py"))
    }


@_examples(15)
@given(program=code_programs())
def test_code_fix_keeps_a_passing_test_passing(program: str) -> None:
    """EVT201: the rewritten assertion compares the error's code (importing ErrorCode at run
    time, also when it is imported only under ``TYPE_CHECKING``); the test still passes
    against the project, and returns what it returned."""
    name = "tests/test_errors.py"
    pyproject = (_CODES_PROJECT / "pyproject.toml").read_text(encoding="utf-8")
    with _project({**_code_project_files(), name: program}, pyproject) as root:
        fixed = _fix(root, name)
        assert fixed.after != fixed.before, fixed.stdout
        assert "error_code == ErrorCode." in " ".join(fixed.after.split())
        with _importable(root / "src", packages=("shop",)):
            before = _outcome(_execute(fixed.before, name)["test_error"])
        with _importable(root / "src", packages=("shop",)):
            after = _outcome(_execute(fixed.after, name)["test_error"])
    assert before[0] == "returned", before
    assert after == before, fixed.after


# -- EVT301 and EVT303: an import or a patch target of a module that moved --------------------

# inventory/levels.py moved to inventory/stock/levels.py (the src_layout fixture, reduced).
_MOVED_PROJECT = {
    "src/inventory/__init__.py": 'VERSION = "1.0"\n',
    "src/inventory/stock/__init__.py": "",
    "src/inventory/stock/levels.py": textwrap.dedent(
        """\
        from dataclasses import dataclass


        @dataclass
        class StockLevel:
            sku: str
            quantity: int


        def reorder_point(level: StockLevel) -> int:
            return level.quantity // 2


        SAFETY_MARGIN: int = 3
        RATES = {"standard": 1}
        """
    ),
}
_MOVED_NAMES = ["StockLevel", "reorder_point", "SAFETY_MARGIN"]


@st.composite
def stale_import_programs(draw: st.DrawFn) -> tuple[str, list[str], str]:
    """A test module importing from the old path; the names it binds, and where."""
    noise = draw(NOISE)
    names = draw(st.lists(st.sampled_from(_MOVED_NAMES), min_size=1, unique=True))
    aliases = [f"{name}_alias" if draw(st.booleans()) else None for name in names]
    spelled = [
        f"{name} as {alias}" if alias else name for name, alias in zip(names, aliases, strict=True)
    ]
    bound = [alias or name for name, alias in zip(names, aliases, strict=True)]
    if draw(st.booleans()):
        listed = "".join(f"    {item},  # {item.split()[0]}, moved\n" for item in spelled)
        statement = f"from inventory.levels import (  # the old path\n{listed})\n"
    else:
        statement = f"from inventory.levels import {', '.join(spelled)}\n"
    place = draw(st.sampled_from(["top", "type_checking", "function"]))
    walrus = draw(st.booleans())
    total = _deep_chain("1", draw(st.integers(50, 400))) if draw(st.booleans()) else "1"
    header = (
        "from typing import TYPE_CHECKING\n\nimport pytest\n"
        if place == "type_checking"
        else "import pytest\n"
    )
    if place == "top":
        header += statement
    elif place == "type_checking":
        header += "\nif TYPE_CHECKING:\n" + textwrap.indent(statement, "    ")
    body = noise.in_body()
    if place == "function":
        body += textwrap.indent(statement, "    ")
    if place != "type_checking":
        if walrus:
            body += f"    assert (found := {bound[0]}) is not None\n"
        body += f"    return ({', '.join(bound)},), {total}\n"
    else:
        body += f"    return (), {total}\n"
    text = header + "\n\n" + noise.at_top() + "def test_moved():\n" + body
    return noise.finish(text), names if place != "type_checking" else [], place


@_examples(15)
@given(program=stale_import_programs())
def test_import_fix_binds_the_moved_names(program: tuple[str, list[str], str]) -> None:
    """EVT301 (safe): the rewritten import binds the very objects the module now defines,
    under the same names (aliases kept); at the top, under ``TYPE_CHECKING`` and inside a
    function alike."""
    text, names, place = program
    name = "tests/test_moved.py"
    with _project({**_MOVED_PROJECT, name: text}) as root:
        fixed = _fix(root, name)
        assert "from inventory.stock.levels import" in fixed.after, fixed.stdout
        assert "inventory.levels" not in fixed.after
        with _importable(root / "src", packages=("inventory",)):
            before = _run_module(fixed.before, name, "test_moved")
        with _importable(root / "src", packages=("inventory",)):
            from inventory.stock import levels  # the project's module: the expectation

            kind, result = _run_module(fixed.after, name, "test_moved")
            expected = tuple(getattr(levels, moved) for moved in names)
    assert kind == "returned", result
    objects, total = result
    assert len(objects) == len(expected) and all(
        a is b for a, b in zip(objects, expected, strict=True)
    )
    if place != "type_checking":
        assert before[0] == "raised" and "ModuleNotFoundError" in before[1]
    assert isinstance(total, int)


_PATCH_FORMS = {
    # form: (imports, decorator or None, the lines of the body that patch, how the test is called)
    "decorator": ("from unittest import mock\n", '@mock.patch("{target}")\n', "", "patched"),
    "patch_name": ("from unittest.mock import patch\n", '@patch("{target}")\n', "", "patched"),
    "with": (
        "from unittest import mock\n",
        "",
        '    with mock.patch("{target}") as patched:\n        return check(patched)\n',
        "",
    ),
    "monkeypatch": (
        "import pytest\n",
        "",
        '    patched = object()\n    monkeypatch.setattr("{target}", patched)\n'
        "    return check(patched)\n",
        "monkeypatch",
    ),
}


@st.composite
def patch_programs(draw: st.DrawFn) -> tuple[str, str, str]:
    noise = draw(NOISE)
    form = draw(st.sampled_from(sorted(_PATCH_FORMS)))
    imports, decorator, lines, parameter = _PATCH_FORMS[form]
    attribute = draw(st.sampled_from(["reorder_point", "StockLevel", "SAFETY_MARGIN"]))
    old = draw(st.sampled_from(["inventory.levels", "inventory.stock.gone"]))
    target = f"{old}.{attribute}"
    deep = _deep_chain("0", draw(st.integers(50, 400))) if draw(st.booleans()) else "0"
    check = (
        "def check(patched):\n"
        "    from inventory.stock import levels\n\n"
        f"    return getattr(levels, {attribute!r}) is patched, {deep}\n"
    )
    body = noise.in_body()
    if lines:
        body += lines.format(target=target)
    else:
        body += "    return check(patched)\n"
    test = decorator.format(target=target) + f"def test_patched({parameter}):\n" + body
    text = imports + "\n\n" + noise.at_top() + check + "\n\n" + test
    return noise.finish(text), form, attribute


@_examples(15)
@given(program=patch_programs())
def test_patch_fix_patches_where_the_name_is_defined(program: tuple[str, str, str]) -> None:
    """EVT303 (unsafe, documented to change the target string): the rewritten target
    patches the name in the module that now defines it, for mock.patch as a decorator or a
    context manager and for monkeypatch.setattr; the original failed to import."""
    text, form, attribute = program
    name = "tests/test_patches.py"
    with _project({**_MOVED_PROJECT, name: text}) as root:
        fixed = _fix(root, name)
        assert f'"inventory.stock.levels.{attribute}"' in fixed.after, fixed.stdout

        def run(source: str) -> tuple[str, Any]:
            function = _execute(source, name)["test_patched"]
            if form != "monkeypatch":
                return _outcome(function)
            monkeypatch = pytest.MonkeyPatch()
            try:
                return _outcome(lambda: function(monkeypatch))
            finally:
                monkeypatch.undo()

        with _importable(root / "src", packages=("inventory",)):
            before = run(fixed.before)
        with _importable(root / "src", packages=("inventory",)):
            after = run(fixed.after)
            from inventory.stock import levels

            original = getattr(levels, attribute)
    assert before[0] == "raised" and (
        "ModuleNotFoundError" in before[1] or "inventory" in before[1]
    )
    assert after == ("returned", (True, 0)), fixed.after
    assert original is not None and not hasattr(original, "assert_called")  # patch undone


# -- EVT401: the configured readiness call inserted before the subscription ------------------

_READINESS_PYPROJECT = textwrap.dedent(
    """\
    [tool.eventlint.kafka]
    readiness-call = "wait_for_topics({consumer}, {topics})"
    readiness-import = "from app.kafka_utils import wait_for_topics"
    """
)
_KAFKA_UTILS = textwrap.dedent(
    """\
    from confluent_kafka import LOG


    def wait_for_topics(consumer, topics):
        LOG.append(("wait_for_topics", list(topics)))
    """
)
# Outside the project (a client library is not first-party): records every call.
_CONFLUENT_STUB = textwrap.dedent(
    """\
    LOG = []


    class Consumer:
        def __init__(self, config):
            LOG.append(("init", dict(config)))

        def subscribe(self, topics):
            LOG.append(("subscribe", list(topics)))

        def poll(self, timeout):
            LOG.append(("poll", timeout))
            return f"message {sum(entry[0] == 'poll' for entry in LOG)}"
    """
)


@st.composite
def readiness_programs(draw: st.DrawFn) -> tuple[str, list[str], bool]:
    """A consumer subscribed with no readiness check; its topics; whether a fix is expected
    (eventlint offers none for ``self._consumer.subscribe(topics := [...])``: it reports
    the walrus form only on a local consumer; no fix is safe, so that is no bug)."""
    noise = draw(NOISE)
    topics = draw(st.sampled_from([["orders"], ["orders", "returns"]]))
    spelled = draw(st.sampled_from(["literal", "constant"]))
    listed = (
        "["
        + ", ".join(
            ["ORDERS" if t == "orders" and spelled == "constant" else repr(t) for t in topics]
        )
        + "]"
    )
    method = draw(st.booleans())
    consumer = "self._consumer" if method else "consumer"
    indent = "        " if method else "    "
    guarded = draw(st.booleans())
    timeout = (
        _deep_chain("0.0", draw(st.integers(50, 400))) + " + 1.0" if draw(st.booleans()) else "1.0"
    )
    walrus = draw(st.booleans())
    subscribe = f"{consumer}.subscribe({'topics := ' if walrus else ''}{listed})\n"
    if guarded:
        subscribe = f"if {consumer} is not None:\n{indent}    " + subscribe
    body = noise.in_body(indent)
    if not method:
        body += f'{indent}consumer = Consumer({{"bootstrap.servers": "kafka:9092", "group.id": "audit"}})\n'
    returned = f"{consumer}.poll({timeout})" + (", topics" if walrus else "")
    body += f"{indent}{subscribe}{indent}return {returned}\n"
    type_checking = draw(st.booleans())
    header = "from typing import TYPE_CHECKING\n\n" if type_checking else ""
    header += "from confluent_kafka import Consumer\n"
    if type_checking:
        header += "\nif TYPE_CHECKING:\n    from app.kafka_utils import wait_for_topics\n"
    header += '\nORDERS = "orders"\n'
    if method:
        code = (
            "class Worker:\n    def __init__(self):\n"
            '        self._consumer = Consumer({"bootstrap.servers": "kafka:9092", "group.id": "audit"})\n\n'
            "    def run(self):\n" + body + "\n\ndef consume():\n    return Worker().run()\n"
        )
    else:
        code = "def consume():\n" + body
    return noise.finish(header + "\n\n" + noise.at_top() + code), topics, not (method and walrus)


@_examples(15)
@given(program=readiness_programs())
def test_readiness_fix_only_adds_the_configured_call(
    program: tuple[str, list[str], bool],
) -> None:
    """EVT401 (unsafe, only when configured): the readiness call, with its import added at
    run time, runs right before the subscription, on the same consumer and topics; every
    other call on the consumer and the value returned are unchanged."""
    text, topics, fixable = program
    name = "app/consumers.py"
    files = {"app/__init__.py": "", "app/kafka_utils.py": _KAFKA_UTILS, name: text}
    with _project(files, _READINESS_PYPROJECT) as root, tempfile.TemporaryDirectory() as stubs:
        write(Path(stubs) / "confluent_kafka" / "__init__.py", _CONFLUENT_STUB)
        fixed = _fix(root, name)
        inserted = "wait_for_topics(" in fixed.after.split("def ", 1)[-1]
        assert inserted or not fixable, fixed.stdout

        def run(source: str) -> tuple[tuple[str, Any], list[Any]]:
            with _importable(root, Path(stubs), packages=("app", "confluent_kafka")):
                import confluent_kafka  # the stub

                return _run_module(source, name, "consume"), confluent_kafka.LOG

        before, log_before = run(fixed.before)
        after, log_after = run(fixed.after)
    assert before[0] == "returned", before
    assert after == before
    subscribed = log_before.index(("subscribe", topics))
    added = [("wait_for_topics", topics)] if inserted else []
    assert log_after == [*log_before[:subscribed], *added, *log_before[subscribed:]]


# -- EVT305: a moved test file named in noxfile.py --------------------------------------------

_NOX_STUB = textwrap.dedent(
    """\
    RUNS = []


    def session(function=None, **options):
        return function if function is not None else (lambda inner: inner)
    """
)
_MOVED_TESTS = {
    "tests/unit/test_codes.py": "def test_known():\n    pass\n\n\ndef test_slow():\n    pass\n",
}


class Session:
    """A nox session that records what it is asked to run."""

    def __init__(self) -> None:
        self.runs: list[tuple[Any, ...]] = []
        self.posargs: list[str] = []

    def run(self, *args: Any, **options: Any) -> None:
        self.runs.append((args, options))


@st.composite
def noxfile_programs(draw: st.DrawFn) -> str:
    noise = draw(NOISE)
    references = draw(
        st.lists(
            st.sampled_from(
                [
                    '"tests/test_codes.py"',
                    '"tests/test_codes.py::test_known"',
                    '"--deselect", "tests/test_codes.py::test_slow"',
                ]
            ),
            min_size=1,
            max_size=3,
        )
    )
    flag = (
        _deep_chain('""', draw(st.integers(50, 400))) + ' + "-q"' if draw(st.booleans()) else '"-q"'
    )
    walrus = draw(st.booleans())
    arguments = ", ".join(['"pytest"', *references, flag])
    call = f"session.run({arguments})"
    body = noise.in_body()
    if walrus:
        body += f"    if (result := {call}) is not None:\n        return result\n"
    else:
        body += f"    {call}\n"
    body += '    session.run("python", "-m", "pytest", "tests/unit")\n'
    text = "import nox\n\n\n" + noise.at_top() + "@nox.session\ndef tests(session):\n" + body
    return noise.finish(text)


@_examples(15)
@given(program=noxfile_programs())
def test_test_reference_fix_points_at_the_moved_file(program: str) -> None:
    """EVT305 (safe): in noxfile.py, every reference to the moved test file now names its new
    place, node IDs kept; nothing else the session is asked to run changes."""
    with (
        _project({**_MOVED_TESTS, "noxfile.py": program}) as root,
        tempfile.TemporaryDirectory() as stubs,
    ):
        write(Path(stubs) / "nox" / "__init__.py", _NOX_STUB)
        fixed = _fix(root, "noxfile.py")
        assert "tests/test_codes.py" not in fixed.after, fixed.stdout

        def run(source: str) -> list[tuple[Any, ...]]:
            session = Session()
            with _importable(Path(stubs), packages=("nox",)):
                _execute(source, "noxfile.py")["tests"](session)
            return session.runs

        before, after = run(fixed.before), run(fixed.after)
    moved = [
        (
            tuple(
                arg.replace("tests/test_codes.py", "tests/unit/test_codes.py")
                if isinstance(arg, str)
                else arg
                for arg in args
            ),
            options,
        )
        for args, options in before
    ]
    assert after == moved


# -- EVT003: unused noqa codes removed --------------------------------------------------------


@st.composite
def noqa_programs(draw: st.DrawFn) -> str:
    """Functions whose line is EVT104 (json.dumps unsorted into an ID) or clean, each with
    a noqa comment of used, unused, unknown and other tools' codes, a prefix, other comment
    text around it, in LF or CRLF."""
    lines = ["import hashlib", "import json", ""]
    for number in range(draw(st.integers(1, 6))):
        hit = draw(st.booleans())
        body = (
            "return hashlib.sha256(json.dumps(p).encode()).hexdigest()"
            if hit
            else "return hashlib.sha256(p.encode()).hexdigest()"
        )
        codes = draw(
            st.lists(
                st.sampled_from(["EVT104", "EVT101", "EVT1", "EVT999", "E501", "F401"]),
                unique=True,
                max_size=4,
            )
        )
        comment = ""
        if codes:
            separator = draw(st.sampled_from([", ", ",", " "]))
            comment = f"# noqa: {separator.join(codes)}"
            comment = draw(st.sampled_from(["", "# type: ignore  "])) + comment
            comment += draw(st.sampled_from(["", " because", "  # why"]))
        lines += ["", f"def k{number}_key(p):", f"    {body}" + (f"  {comment}" if comment else "")]
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines) + newline


@_examples(25)
@given(program=noqa_programs())
def test_unused_noqa_fix_unmasks_nothing(program: str) -> None:
    """EVT003 (safe): the fix removes only codes that suppress nothing, so every other
    finding is what it was (none unmasked, none hidden); no EVT003 is left; other tools'
    codes, the rest of the comments and the line endings stay; a second run changes nothing."""
    pyproject = '[tool.eventlint]\nextend-select = ["EVT003"]\n'

    def findings(root: Path) -> list[tuple[int, str]]:
        result = run_cli("--no-cache", "--output-format", "json", "svc.py", cwd=root)
        return sorted((f["line"], f["code"]) for f in json.loads(result.stdout))

    with _project({"svc.py": program}, pyproject) as root:
        before = findings(root)
        first = run_cli("--fix", "--no-cache", "svc.py", cwd=root)
        assert "Traceback" not in first.stderr, first.stderr
        fixed = (root / "svc.py").read_bytes().decode("utf-8")
        compile(fixed, "svc.py", "exec")
        after = findings(root)
        run_cli("--fix", "--no-cache", "svc.py", cwd=root)
        assert (root / "svc.py").read_bytes().decode("utf-8") == fixed
    event(f"EVT003 findings: {sum(code == 'EVT003' for _, code in before)}")
    assert after == [item for item in before if item[1] != "EVT003"]
    for kept in ("E501", "F401", "because", "# why", "# type: ignore"):
        assert fixed.count(kept) == program.count(kept), kept
    assert fixed.count("\r\n") == program.count("\r\n")
    assert fixed.count("\n") == program.count("\n")

"""The name a fix writes for a module (``analysis.bindings``): what encloses the fixed node
decides, found by the lines the node is on."""

from __future__ import annotations

import ast

from eventlint.analysis.bindings import module_reference
from eventlint.analysis.imports import ImportMap


def _reference(source: str, marker: str) -> str:
    """The name for ``re`` at the string constant ``marker``."""
    module = ast.parse(source)
    at = next(
        node for node in ast.walk(module) if isinstance(node, ast.Constant) and node.value == marker
    )
    name, _ = module_reference(module, ImportMap.build(module), at, "re")
    return name


def test_a_parameter_of_an_enclosing_function_is_taken() -> None:
    source = "def test_one(re):\n    check('here')\n"
    assert _reference(source, "here") == "re_"


def test_a_function_before_or_after_encloses_nothing() -> None:
    source = (
        "def test_before(re):\n    pass\n\n"
        "def test_here():\n    check('here')\n\n"
        "def test_after(re):\n    pass\n"
    )
    assert _reference(source, "here") == "re"


def test_a_decorator_above_a_nested_def_is_inside_the_outer_function() -> None:
    # The decorator's line comes before the inner `def` line: still inside `test_outer`.
    source = (
        "def test_outer(re):\n"
        "    @decorate(\n"
        "        'here'\n"
        "    )\n"
        "    def inner():\n"
        "        pass\n"
    )
    assert _reference(source, "here") == "re_"

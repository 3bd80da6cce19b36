"""The inventory as markdown (a document to commit), JSON (stable, sorted) or text."""

from __future__ import annotations

import json
from dataclasses import asdict

from eventlint.events.records import EventId, EventModel, Inventory

JSON_VERSION = 1


def as_json(inventory: Inventory) -> str:
    document = {
        "version": JSON_VERSION,
        "models": [asdict(model) for model in inventory.models],
        "ids": [asdict(item) for item in inventory.ids],
        "unresolved": [asdict(item) for item in inventory.unresolved],
    }
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def as_text(inventory: Inventory) -> str:
    lines: list[str] = []
    if not inventory.models and not inventory.ids:
        lines.append("No event models or event IDs found.")
    for model in inventory.models:
        lines.append(f"{model.path}:{model.line}: {model.qualified} ({model.style})")
        lines.append(f"    recognised: {'; '.join(_plain(why) for why in model.recognised)}")
        if model.unresolved_bases:
            lines.append(f"    bases not read: {', '.join(model.unresolved_bases)}")
        width = max((len(field.name) for field in model.fields), default=0)
        for field in model.fields:
            lines.append(
                f"    {field.name.ljust(width)}  {field.classification:<12}  {_plain(field.reason)}"
            )
    for item in inventory.ids:
        hashed = ", ".join(field.name for field in item.hashed) or "-"
        lines.append(
            f"{item.path}:{item.line}: ID in {item.function} ({item.hash}) hashes {hashed}"
        )
        for other in item.other_inputs:
            lines.append(f"    also: {_plain(other)}")
        for problem in item.problems:
            lines.append(f"    problem: {_plain(problem)}")
    for unresolved in inventory.unresolved:
        lines.append(f"{unresolved.path}:{unresolved.line}: {unresolved.name}: {unresolved.reason}")
    return "\n".join(lines) + "\n"


def _plain(text: str) -> str:
    return text.replace("`", "")


def as_markdown(inventory: Inventory) -> str:
    """The generated part of the document. Line numbers are left out on purpose: a committed
    document must not go stale when unrelated code above a model moves (``--check`` would fail
    on every edit); the JSON and text outputs have them."""
    out: list[str] = ["## Event models", ""]
    if not inventory.models:
        out += ["No event models found.", ""]
    for model in inventory.models:
        out += _model_section(model)
    out += ["## Event IDs", ""]
    if not inventory.ids:
        out += ["No deterministic event IDs or idempotency keys found.", ""]
    else:
        out += [
            "| ID made in | File | Hashes | Other inputs | Problems |",
            "|---|---|---|---|---|",
        ]
        out += [_id_row(item) for item in inventory.ids]
        out.append("")
    if inventory.unresolved:
        out += ["## Not read", ""]
        out += [f"- `{item.name}` in `{item.path}`: {item.reason}" for item in inventory.unresolved]
        out.append("")
    return "\n".join(out)


def _model_section(model: EventModel) -> list[str]:
    out = [
        f"### `{model.name}`",
        "",
        f"`{model.qualified}` in `{model.path}`, {model.style}; "
        + "; ".join(model.recognised)
        + ".",
        "",
    ]
    if model.unresolved_bases:
        bases = ", ".join(f"`{base}`" for base in model.unresolved_bases)
        out += [f"Bases eventlint cannot read (their fields are not listed): {bases}.", ""]
    if not model.fields:
        return [*out, "No fields declared.", ""]
    out += ["| Field | Type | Classification | Why |", "|---|---|---|---|"]
    for field in model.fields:
        inherited = (
            f" (from `{field.declared_in.rpartition('.')[2]}`)"
            if field.declared_in and field.declared_in != model.qualified and "." not in field.name
            else ""
        )
        out.append(
            f"| `{field.name}` | `{_cell(field.annotation)}` | {field.classification} | "
            f"{_cell(field.reason)}{inherited} |"
        )
    return [*out, ""]


def _id_row(item: EventId) -> str:
    hashed = ", ".join(
        f"`{(field.model.rpartition('.')[2] + '.') if field.model else ''}{field.name}`"
        for field in item.hashed
    )
    return (
        f"| `{item.function}` | `{item.path}` | {hashed or '-'} | "
        f"{_cell(', '.join(item.other_inputs)) or '-'} | {_cell('; '.join(item.problems)) or '-'} |"
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")

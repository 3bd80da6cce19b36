"""Topics a deployment makes ready before the services start, read from compose files.

A compose file (``compose.yaml``, ``compose.yml``, ``docker-compose*.yml``/``.yaml``) whose
service depends, with ``condition: service_completed_successfully``, on a one-shot job whose
``command``/``entrypoint`` creates topics (``kafka-topics --create``, ``rpk topic create``, a
``create_topics``/``create-topics`` script) starts that service only once its topics exist.
The service's code is the folder of its build context (or of its Dockerfile); every Python
file under it is ready by deployment.

Compose files are YAML, and eventlint has no YAML library: :func:`read_yaml` reads the block
style compose files are written in (mappings, ``-`` sequences, quoted and plain scalars,
``|``/``>`` block scalars, ``[a, b]`` flow lists). Anchors, aliases and flow mappings are not
followed; a file it cannot read makes nothing ready, so the rule stays as strict as without
it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

COMPOSE_FILE = re.compile(r"^(docker-)?compose([.-][\w.-]*)?\.ya?ml$")
_CREATES_TOPICS = re.compile(
    r"kafka-topics(?:\.sh)?\b.*--create|rpk\s+topic\s+create|create[-_]topics|--create-topics",
    re.IGNORECASE | re.DOTALL,
)
_COMPLETED = "service_completed_successfully"

Yaml = dict[str, "Yaml"] | list["Yaml"] | str | None


@dataclass(frozen=True)
class ReadyFolder:
    folder: Path
    compose_file: Path
    service: str
    job: str


def ready_folders(compose_file: Path, text: str) -> list[ReadyFolder]:
    """The code folders of services that start after a topic-creating job completed."""
    try:
        document = read_yaml(text)
    except ValueError:
        return []
    services = document.get("services") if isinstance(document, dict) else None
    if not isinstance(services, dict):
        return []
    creators = {name for name, spec in services.items() if _creates_topics(spec)}
    found: list[ReadyFolder] = []
    for name, spec in services.items():
        if not isinstance(spec, dict):
            continue
        jobs = [job for job in _completed_dependencies(spec.get("depends_on")) if job in creators]
        folder = _code_folder(compose_file.parent, spec.get("build"))
        if jobs and folder is not None:
            found.append(ReadyFolder(folder, compose_file, name, jobs[0]))
    return found


def _creates_topics(spec: Yaml) -> bool:
    if not isinstance(spec, dict):
        return False
    for key in ("command", "entrypoint"):
        value = spec.get(key)
        text = (
            " ".join(v for v in value if isinstance(v, str)) if isinstance(value, list) else value
        )
        if isinstance(text, str) and _CREATES_TOPICS.search(text):
            return True
    return False


def _completed_dependencies(depends_on: Yaml) -> list[str]:
    if not isinstance(depends_on, dict):
        return []  # a plain list waits for nothing but the container's start
    return [
        job
        for job, condition in depends_on.items()
        if isinstance(condition, dict) and condition.get("condition") == _COMPLETED
    ]


def _code_folder(base: Path, build: Yaml) -> Path | None:
    if isinstance(build, str):
        return (base / build).resolve()
    if isinstance(build, dict):
        context = build.get("context")
        folder = base / context if isinstance(context, str) else base
        dockerfile = build.get("dockerfile")
        if isinstance(dockerfile, str) and "/" in dockerfile:
            folder = folder / Path(dockerfile).parent
        return folder.resolve()
    return None


# ---- a reader for block-style YAML ------------------------------------------------------------

_KEY = re.compile(r"""^(?P<key>"[^"]*"|'[^']*'|[^\s#'"][^:#]*?)\s*:(?:\s+(?P<rest>.*)|$)""")


@dataclass
class _Line:
    indent: int
    text: str


def read_yaml(text: str) -> Yaml:
    """The document as dicts, lists and strings. Raises ValueError on what it cannot read."""
    lines: list[_Line] = []
    raw = text.splitlines()
    index = 0
    while index < len(raw):
        line = raw[index]
        stripped = _strip_comment(line).rstrip()
        index += 1
        if not stripped.strip() or stripped.strip() in ("---", "..."):
            continue
        if "\t" in line[: len(line) - len(line.lstrip())]:
            raise ValueError("tab indentation")
        indent = len(stripped) - len(stripped.lstrip())
        body = stripped.strip()
        if body.endswith(("|", ">", "|-", ">-", "|+", ">+")):
            # A block scalar: the more-indented lines that follow are its text.
            block: list[str] = []
            while index < len(raw) and (
                not raw[index].strip() or len(raw[index]) - len(raw[index].lstrip()) > indent
            ):
                block.append(raw[index].strip())
                index += 1
            body = body.rstrip("|>-+").rstrip() + " " + _quote(" ".join(block))
        lines.append(_Line(indent, body))
    value, end = _block(lines, 0, lines[0].indent if lines else 0)
    if end != len(lines):
        raise ValueError("unexpected indentation")
    return value


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _strip_comment(line: str) -> str:
    quote: str | None = None
    for position, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "#" and (position == 0 or line[position - 1].isspace()):
            return line[:position]
    return line


def _block(lines: list[_Line], start: int, indent: int) -> tuple[Yaml, int]:
    if start >= len(lines):
        return None, start
    if lines[start].text.startswith("- ") or lines[start].text == "-":
        return _sequence(lines, start, indent)
    return _mapping(lines, start, indent)


def _sequence(lines: list[_Line], start: int, indent: int) -> tuple[Yaml, int]:
    items: list[Yaml] = []
    index = start
    while index < len(lines) and lines[index].indent == indent:
        text = lines[index].text
        if not (text.startswith("- ") or text == "-"):
            break
        item = text[1:].strip()
        if not item:
            value, index = _block(lines, index + 1, _child_indent(lines, index + 1, indent))
            items.append(value)
            continue
        if _KEY.match(item) and not item.startswith(("'", '"', "[", "{")):
            # ``- key: value`` opens a mapping whose other keys are indented to the key.
            lines[index] = _Line(indent + 2, item)
            value, index = _mapping(lines, index, indent + 2)
            items.append(value)
            continue
        items.append(_scalar(item))
        index += 1
    return items, index


def _mapping(lines: list[_Line], start: int, indent: int) -> tuple[Yaml, int]:
    found: dict[str, Yaml] = {}
    index = start
    while index < len(lines) and lines[index].indent == indent:
        match = _KEY.match(lines[index].text)
        if match is None:
            raise ValueError(f"not a mapping entry: {lines[index].text}")
        key = match["key"].strip().strip("'\"")
        rest = (match["rest"] or "").strip()
        index += 1
        if rest:
            found[key] = _scalar(rest)
            continue
        child = _child_indent(lines, index, indent)
        if child > indent or (
            child == indent and index < len(lines) and lines[index].text.startswith("-")
        ):
            found[key], index = _block(lines, index, child)
        else:
            found[key] = None
    if index < len(lines) and lines[index].indent > indent:
        raise ValueError("unexpected indentation")
    return found, index


def _child_indent(lines: list[_Line], index: int, parent: int) -> int:
    return lines[index].indent if index < len(lines) else parent


def _scalar(text: str) -> Yaml:
    if text.startswith("[") and text.endswith("]"):
        inner = text[1:-1].strip()
        return [_scalar(part.strip()) for part in inner.split(",")] if inner else []
    if text.startswith("{"):
        return text  # a flow mapping: kept as text, never followed
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        body = text[1:-1]
        return body.replace('\\"', '"').replace("\\\\", "\\") if text[0] == '"' else body
    return text

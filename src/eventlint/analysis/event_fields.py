"""How a field of an event is classified: envelope metadata, sensitive data, business data, or
unclassified (no basis to say), with the reason.

One definition for the static EVT1xx rules, ``eventlint events`` and ``eventlint.testing``'s
contracts, so that the document a team commits says exactly what the rules enforce. In order,
the first that applies decides:

1. configuration: a name in ``allowed-fields`` is business (the team hashes it deliberately);
2. an explicit marker: ``Field(json_schema_extra={"classification": "pii"})`` or
   ``{"sensitive": True}``, or ``Annotated[str, PII]`` with ``PII`` listed in
   ``field-markers``;
3. the type: ``SecretStr`` / ``SecretBytes`` are sensitive;
4. the name: the ``sensitive-fields`` and ``envelope-fields`` lists;
5. otherwise business data: a field of an event with no envelope or sensitive evidence is
   what the event says happened (``order_id``, ``amount``);
6. unclassified only where the team's own marker says something eventlint cannot read
   (``{"classification": "internal"}`` on a field no name or type classifies): the inventory
   names the marker and leaves it for the team to decide; the rules treat it as business.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from eventlint.analysis.name_words import names_field
from eventlint.options import EventIdOptions

Kind = Literal["envelope", "sensitive", "business", "unclassified"]

# Too generic to match as a suffix: ``token`` in ``page_token`` is not a credential, ``to``
# in ``path_to`` or ``cc`` in ``acc`` no recipient.
SENSITIVE_EXACT_ONLY = ("token", "to", "cc", "bcc")

# What a ``classification`` marker's value (or a ``{"<word>": True}`` marker) means.
MARKER_KINDS: Mapping[str, Kind] = {
    "sensitive": "sensitive",
    "pii": "sensitive",
    "secret": "sensitive",
    "confidential": "sensitive",
    "personal": "sensitive",
    "restricted": "sensitive",
    "envelope": "envelope",
    "metadata": "envelope",
    "business": "business",
    "public": "business",
}


@dataclass(frozen=True)
class FieldFacts:
    """What is known about a field, read statically or from the model class at runtime."""

    name: str
    marker: str | None = None  # a classification marker's value, lower-cased
    annotated_markers: tuple[str, ...] = ()  # dotted names of ``Annotated[...]`` metadata
    secret_typed: bool = False


@dataclass(frozen=True)
class Classification:
    kind: Kind
    reason: str


def classify(facts: FieldFacts, options: EventIdOptions) -> Classification:
    allowed = names_field(facts.name, options.allowed_fields)
    if allowed is not None:
        return Classification("business", f"configured: `{allowed}` is in allowed-fields")
    if facts.marker is not None and facts.marker in MARKER_KINDS:
        return Classification(MARKER_KINDS[facts.marker], f"marked `{facts.marker}`")
    marked = _configured_marker(facts.annotated_markers, options.field_markers)
    if marked is not None:
        marker, kind = marked
        return Classification(kind, f"annotated with `{marker}` (field-markers)")
    if facts.secret_typed:
        return Classification("sensitive", "type SecretStr/SecretBytes")
    listed = sensitive_field(facts.name, options)
    if listed is not None:
        return Classification("sensitive", f"name matches sensitive field `{listed}`")
    listed = envelope_field(facts.name, options)
    if listed is not None:
        return Classification("envelope", f"name matches envelope field `{listed}`")
    if facts.marker is not None:
        return Classification(
            "unclassified", f"marked `{facts.marker}`, which is no known classification"
        )
    return Classification("business", BUSINESS_BY_DEFAULT)


# The reason given for a field that nothing classifies otherwise.
BUSINESS_BY_DEFAULT = "no envelope or sensitive evidence: business data by default"


def _configured_marker(
    markers: Iterable[str], configured: Mapping[str, str]
) -> tuple[str, Kind] | None:
    """The first ``Annotated`` marker listed in ``field-markers``: by its dotted name as
    the defining module imports it, or by its last part."""
    for marker in markers:
        for spelled, kind in configured.items():
            if (
                marker == spelled
                or marker.endswith(f".{spelled}")
                or spelled.endswith(f".{marker}")
            ):
                return spelled, MARKER_KINDS.get(kind, "unclassified")
    return None


def envelope_field(name: str, options: EventIdOptions) -> str | None:
    """The envelope field ``name`` denotes (``allowed-fields`` win), if any."""
    if names_field(name, options.allowed_fields) is not None:
        return None
    fields = options.envelope_fields + options.extend_envelope_fields
    # Envelope fields are matched exactly (after camelCase folding): ``offset`` in
    # ``page_offset`` is not Kafka metadata.
    return names_field(name, fields, exact_only=fields)


def sensitive_field(name: str, options: EventIdOptions) -> str | None:
    """The sensitive field ``name`` denotes (``allowed-fields`` win), if any."""
    if names_field(name, options.allowed_fields) is not None:
        return None
    fields = options.sensitive_fields + options.extend_sensitive_fields
    return names_field(name, fields, exact_only=SENSITIVE_EXACT_ONLY)

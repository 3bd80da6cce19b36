"""Which configured list a field name belongs to: envelope metadata or sensitive data.

One definition for the static EVT1xx rules and for ``eventlint.testing``'s contracts.
"""

from __future__ import annotations

from eventlint.analysis.name_words import names_field
from eventlint.config import EventIdOptions

# Too generic to match as a suffix: ``token`` in ``page_token`` is not a credential.
SENSITIVE_EXACT_ONLY = ("token",)


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

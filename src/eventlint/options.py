"""The ``[tool.eventlint]`` table's schema: every option, its default and its validation.

One pydantic model per table (``EventlintConfig`` and one per rule family's sub-table:
``event-ids``, ``error-assertions``, ``stale-imports``, ``kafka``, ``events``); keys are
kebab-case, unknown keys are errors. ``config`` finds the table, validates it with these
models and turns it into the :class:`~eventlint.config.Settings` of each file.
"""

from __future__ import annotations

import ast
import re
import string

from pydantic import BaseModel, ConfigDict, field_validator


def kebab_case(name: str) -> str:
    return name.replace("_", "-")


class _Options(BaseModel):
    model_config = ConfigDict(
        extra="forbid", alias_generator=kebab_case, populate_by_name=True, frozen=True
    )


DEFAULT_ENVELOPE_FIELDS = (
    "event_id",
    "message_id",
    "timestamp",
    "event_timestamp",
    "created_at",
    "published_at",
    "produced_at",
    "sent_at",
    "received_at",
    # the times an event was made, sent and moved: a re-published copy gets new ones
    "occurred_at",
    "occurred_on",
    "emitted_at",
    "recorded_at",
    "enqueued_at",
    "delivered_at",
    # tracing and causation (W3C trace context, the message/causation id pair of outboxes)
    "trace_id",
    "span_id",
    "parent_span_id",
    "traceparent",
    "causation_id",
    # delivery: changes on every redelivery of the same event
    "retry_count",
    "delivery_attempt",
    "redelivery_count",
    "headers",
    # CloudEvents attributes as Kafka headers (binary mode); ``id``/``time`` bare are not
    # defaults, ``order.id`` is business data
    "ce_id",
    "ce_time",
    "offset",
    "partition",
)

DEFAULT_SENSITIVE_FIELDS = (
    "email",
    "e_mail",
    "email_address",
    "phone",
    "phone_number",
    "mobile",
    "ssn",
    "social_security_number",
    "password",
    "passwd",
    "passphrase",
    "secret",
    "client_secret",
    "token",
    "access_token",
    "refresh_token",
    "api_key",
    "apikey",
    "private_key",
    "credit_card",
    "card_number",
    "cvv",
    "iban",
    "date_of_birth",
    "dob",
    "birth_date",
    "birthdate",
    # recipients: a message ID made from who it goes to is made from an address (not
    # `reply_to`: in AMQP and Kafka request/reply it names a reply queue or topic)
    "to",
    "recipient",
    "recipients",
    "cc",
    "bcc",
    "ip_address",
    "ip",
    "passport_number",
    "national_id",
    "tax_id",
)

# Words (snake_case or camelCase parts) that say a name holds an identifier.
DEFAULT_ID_NAME_PATTERN = (
    r"^(id|ids|uid|uuid|key|keys|dedup|dedupe|deduplication|idempotency|idempotent"
    r"|fingerprint|deterministic)$"
)

DEFAULT_MAX_FILE_SIZE = 2_000_000

DEFAULT_TEST_PATHS = ("**/tests/**", "**/test_*.py", "**/*_test.py", "**/conftest.py")

DEFAULT_EXCLUDE = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "build",
    "dist",
    "node_modules",
    "__pypackages__",
    "site-packages",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".eventlint_cache",
)


class EventIdOptions(_Options):
    """``[tool.eventlint.event-ids]``: options of the EVT1xx rules."""

    envelope_fields: tuple[str, ...] = DEFAULT_ENVELOPE_FIELDS
    extend_envelope_fields: tuple[str, ...] = ()
    allowed_fields: tuple[str, ...] = ()
    sensitive_fields: tuple[str, ...] = DEFAULT_SENSITIVE_FIELDS
    extend_sensitive_fields: tuple[str, ...] = ()
    id_name_pattern: str = DEFAULT_ID_NAME_PATTERN
    hash_functions: tuple[str, ...] = ()
    # ``Annotated[str, PII]`` markers of the team's own and the class each stands for:
    # {"myapp.types.PII" = "sensitive", "Business" = "business"}.
    field_markers: dict[str, str] = {}

    @field_validator("field_markers")
    @classmethod
    def _known_classes(cls, value: dict[str, str]) -> dict[str, str]:
        allowed = ("envelope", "sensitive", "business")
        for marker, kind in value.items():
            if kind not in allowed:
                raise ValueError(
                    f"`{marker}` = `{kind}`: the class must be one of {', '.join(allowed)}"
                )
        return value

    @field_validator("id_name_pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as error:
            raise ValueError(f"not a valid regular expression: {error}") from None
        return value


class ErrorAssertionOptions(_Options):
    """``[tool.eventlint.error-assertions]``: options of the EVT2xx rules."""

    message_attributes: tuple[str, ...] = ("message", "msg", "detail")
    code_attributes: tuple[str, ...] = ("error_code", "code")
    # A message pinned whole is brittle once it reads as a sentence: this many words, or this
    # many characters of three words or more. Shorter messages are their own fragment.
    min_words: int = 7
    min_length: int = 40


class StaleImportOptions(_Options):
    """``[tool.eventlint.stale-imports]``: options of the EVT3xx rules."""

    check_all_files: bool = False


DEFAULT_MAX_FILE_TOKENS = 0
DEFAULT_READINESS_FUNCTIONS = ("wait_for_topic_availability", "wait_for_topics", "ensure_topics")


class KafkaOptions(_Options):
    """``[tool.eventlint.kafka]``: options of the EVT4xx rules."""

    readiness_functions: tuple[str, ...] = DEFAULT_READINESS_FUNCTIONS
    # Globs (relative to the project root) of code whose topics the deployment creates before
    # it starts, in a way eventlint cannot read (a Helm hook, a Terraform module...).
    ready_by_deployment: tuple[str, ...] = ()
    # The EVT401 fix: a statement template with {consumer} and {topics}, and its import.
    readiness_call: str | None = None
    readiness_import: str | None = None

    @field_validator("readiness_call")
    @classmethod
    def _call_parses(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            fields = list(string.Formatter().parse(value))
        except ValueError as error:
            raise ValueError(f"not a valid template ({error})") from None
        for _, name, spec, conversion in fields:
            if name is None:
                continue
            if name not in ("consumer", "topics") or spec or conversion:
                # A format spec such as {consumer:>99999999999} would allocate gigabytes.
                raise ValueError(
                    f"use only {{consumer}} and {{topics}}, without format specs (got {{{name}"
                    f"{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}})"
                )
        text = value.format(consumer="consumer", topics="topics")
        body = text.removeprefix("await ").strip()
        try:
            parsed = ast.parse(body, mode="eval")
        except SyntaxError:
            raise ValueError("not a Python call expression") from None
        if not isinstance(parsed.body, ast.Call) or "\n" in text:
            raise ValueError("must be one call, optionally awaited") from None
        return value

    @field_validator("readiness_import")
    @classmethod
    def _import_parses(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            parsed = ast.parse(value)
        except SyntaxError:
            raise ValueError("not a Python import statement") from None
        statements = parsed.body
        if len(statements) != 1 or not isinstance(statements[0], (ast.Import, ast.ImportFrom)):
            raise ValueError("must be one `import x` or `from x import y` statement")
        statement = statements[0]
        if isinstance(statement, ast.ImportFrom) and (
            statement.level or len(statement.names) != 1 or statement.names[0].name == "*"
        ):
            raise ValueError("must import one name, absolutely")
        if isinstance(statement, ast.Import) and len(statement.names) != 1:
            raise ValueError("must import one module")
        return value


class EventsOptions(_Options):
    """``[tool.eventlint.events]``: what ``eventlint events`` counts as an event model."""

    # Base classes (dotted as imported, or bare class names) whose subclasses are events,
    # besides the project's own classes named like an event or envelope base.
    base_classes: tuple[str, ...] = ()


class EventlintConfig(_Options):
    """The ``[tool.eventlint]`` table."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = {}
    test_paths: tuple[str, ...] = DEFAULT_TEST_PATHS
    # Import roots, relative to the config's folder; None: discovered (see project/layout).
    src: tuple[str, ...] | None = None
    # Files larger than this are skipped with a warning (a guard against generated blobs).
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    # Opt-in: files with more tokens than this are EVT002, not analysed. 0 (the default): no
    # limit. Detection parses with ``ast``, which costs a few hundred bytes per token, so no
    # file of the pinned corpora needs it (it was 50,000 when detection parsed with libcst).
    max_file_tokens: int = DEFAULT_MAX_FILE_TOKENS
    event_ids: EventIdOptions = EventIdOptions()
    error_assertions: ErrorAssertionOptions = ErrorAssertionOptions()
    stale_imports: StaleImportOptions = StaleImportOptions()
    kafka: KafkaOptions = KafkaOptions()
    events: EventsOptions = EventsOptions()

    @field_validator("max_file_size")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value < 1:
            raise ValueError("must be a positive number of bytes")
        return value

    @field_validator("max_file_tokens")
    @classmethod
    def _not_negative(cls, value: int) -> int:
        if value < 0:
            raise ValueError("must be a number of tokens (0: no limit)")
        return value

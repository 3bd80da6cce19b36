"""The registry of every rule eventlint knows. Adding a rule is adding a module and a line."""

from __future__ import annotations

from eventlint.rules.base import EngineRule, Rule
from eventlint.rules.error_assertions.exact_message import ExactErrorMessage
from eventlint.rules.error_assertions.regex_metacharacters import RegexMetacharactersInMatch
from eventlint.rules.error_assertions.substring_match import SubstringErrorMessage
from eventlint.rules.error_assertions.whole_message_match import WholeMessageMatch
from eventlint.rules.event_ids.builtin_hash import BuiltinHashAsEventId
from eventlint.rules.event_ids.envelope_metadata import EnvelopeMetadataInEventId
from eventlint.rules.event_ids.nondeterministic_input import NondeterministicInputInEventId
from eventlint.rules.event_ids.sensitive_data import SensitiveDataInEventId
from eventlint.rules.event_ids.unsorted_json import UnsortedJsonInEventId
from eventlint.rules.fakes.redis_ttl import FakeRedisIgnoresTtl
from eventlint.rules.kafka.missing_readiness import ConsumerWithoutReadiness
from eventlint.rules.kafka.recreated_topics import RecreatedTopicsConsumedWithoutWait
from eventlint.rules.kafka.start_without_retry import ConsumerStartWithoutRetry
from eventlint.rules.stale_imports.missing_module import MissingModule
from eventlint.rules.stale_imports.missing_name import MissingName
from eventlint.rules.stale_imports.stale_patch_target import StalePatchTarget
from eventlint.rules.stale_imports.stale_pytest_path import StalePytestPath
from eventlint.rules.syntax_error import SyntaxErrorRule

VISITOR_RULES: tuple[type[Rule], ...] = (
    EnvelopeMetadataInEventId,
    SensitiveDataInEventId,
    NondeterministicInputInEventId,
    UnsortedJsonInEventId,
    BuiltinHashAsEventId,
    ExactErrorMessage,
    WholeMessageMatch,
    RegexMetacharactersInMatch,
    SubstringErrorMessage,
    MissingModule,
    MissingName,
    StalePatchTarget,
    StalePytestPath,
    ConsumerWithoutReadiness,
    ConsumerStartWithoutRetry,
    RecreatedTopicsConsumedWithoutWait,
    FakeRedisIgnoresTtl,
)

ALL_RULES: tuple[type[Rule] | type[EngineRule], ...] = (SyntaxErrorRule, *VISITOR_RULES)

RULES_BY_CODE: dict[str, type[Rule] | type[EngineRule]] = {rule.code: rule for rule in ALL_RULES}


def known_codes() -> dict[str, bool]:
    """Every code with whether it is on by default (what selection needs)."""
    return {rule.code: rule.default_enabled for rule in ALL_RULES}

"""EVT102: personal or secret data hashed into an event ID."""

from __future__ import annotations

from eventlint.analysis.hash_inputs import DumpUse, FieldUse, Leaf, NameUse
from eventlint.analysis.id_hashes import (
    EventIdAnalysis,
    HashSite,
    declared_field,
    field_class,
    is_sensitive_field,
)
from eventlint.project.modules import FieldInfo
from eventlint.rules.event_ids._base import BuiltinHash, EventIdRule, flagged_leaves, made_in


class SensitiveDataInEventId(EventIdRule):
    """A deterministic event ID or idempotency key hashes personal or secret data.

    Event IDs travel everywhere: logs, traces, dead-letter topics, other teams' databases. A
    hash of an email address, a phone number or a card number is not anonymous: the input
    space is small enough to reverse it by brute force, and the same person gets the same ID in
    every system, which links their data across services. Secrets (passwords, tokens, API
    keys) in an ID leak their hash to everyone who sees the ID.

    Flags, inside an ID hash: a field or variable whose name says it is personal or secret
    (``email``, ``customer_email``, ``phone``, ``ssn``, ``password``, ``api_key``,
    ``card_number``, ``iban``, ``date_of_birth``, ``ip_address``, ... and the exact name
    ``token``; recipients: ``to``, ``cc``, ``bcc``, ``recipient`` (not ``reply_to``, a reply
    queue or topic in messaging): a message ID made from who it goes to is made from an
    address), and a pydantic field typed ``SecretStr``/``SecretBytes``, declared with
    ``json_schema_extra={"sensitive": True}`` or ``{"classification": "pii"}``, or annotated
    with a marker listed in ``field-markers`` (``Annotated[str, PII]``) — the class found
    through annotations, constructors, declared field types and generic envelopes (``envelope:
    Envelope[OrderShipped]`` then ``envelope.data``) — read directly, as a hashed dict's value
    or through a whole-object dump. A name like ``email_verified`` is not flagged: the sensitive
    word must end the name. A field the team classified as business (``allowed-fields``, a
    ``{"classification": "business"}`` marker or a business ``field-markers`` entry) is never
    flagged, whatever its name: the rule reads the same classification as ``eventlint events``.
    Not flagged either: an UPPER_CASE configuration constant (``settings.DEFAULT_FROM_EMAIL``:
    the service's own address, not a person's) and a variable defaulting to one (``from_email =
    from_email or settings.DEFAULT_FROM_EMAIL``). A personal value is reported where it goes
    into the hashed value (the field access, the f-string that takes in the parameter), once.
    The full default list is in "Default vocabularies" at the end of this page. Builtin
    ``hash()`` counts where it makes a value shared between processes (where EVT105 flags it):
    an email in ``user_id = hash(email)`` is both salted and personal.

    No fix: which stable, non-personal key to use instead (a customer ID, an order ID) is a
    design decision.

    Options (``[tool.eventlint.event-ids]``): ``sensitive-fields``,
    ``extend-sensitive-fields``, ``allowed-fields``, ``field-markers``.

    Incorrect::

        import uuid

        from shop.forms import SignupForm

        NAMESPACE = uuid.UUID("1b4e28ba-2fa1-11d2-883f-0016d3cca427")


        def signup_key(form: SignupForm) -> uuid.UUID:
            return uuid.uuid5(NAMESPACE, form.email)

    Correct::

        import uuid

        from shop.forms import SignupForm

        NAMESPACE = uuid.UUID("1b4e28ba-2fa1-11d2-883f-0016d3cca427")


        def signup_key(form: SignupForm) -> uuid.UUID:
            return uuid.uuid5(NAMESPACE, str(form.signup_request_id))
    """

    code = "EVT102"
    name = "sensitive-data-in-event-id"
    summary = "Personal or secret data (email, password, card number...) hashed into an event ID"
    builtin_hash = BuiltinHash.CROSS_PROCESS

    def judge(self, analysis: EventIdAnalysis) -> None:
        for site in self.id_sites(analysis):
            judge = _Judge(self, analysis, site)
            for leaf in flagged_leaves(site.all_leaves(), judge.sensitive_name):
                self.report_once(leaf.node, judge.message(leaf))
            for leaf in site.all_leaves():
                if isinstance(leaf, DumpUse):
                    judge.dump(leaf)


class _Judge:
    def __init__(self, rule: SensitiveDataInEventId, analysis: EventIdAnalysis, site: HashSite):
        self.rule = rule
        self.analysis = analysis
        self.site = site
        # The variable each leaf reached through a variable was assigned into.
        self.holder: dict[int, NameUse] = {
            id(origin): leaf
            for leaf in site.all_leaves()
            if isinstance(leaf, NameUse)
            for origin in leaf.origins
        }

    def _field_of_owner(self, leaf: FieldUse) -> FieldInfo | None:
        return declared_field(self.analysis, self.site, leaf)

    def sensitive_name(self, leaf: Leaf) -> bool:
        context = self.rule.context
        if isinstance(leaf, FieldUse):
            if is_configuration_constant(leaf.name):
                return False
            declared = self._field_of_owner(leaf)
            return field_class(leaf.name, declared, context).kind == "sensitive"
        if not isinstance(leaf, NameUse) or is_configuration_constant(leaf.name):
            return False
        if not is_sensitive_field(leaf.name, context) or self._defaults_to_configuration(leaf):
            return False
        # ``email = form.email`` already reported at ``form.email``: report the variable
        # only when nothing it was built from is itself flagged.
        return not any(self.sensitive_name(origin) for origin in leaf.origins)

    def _defaults_to_configuration(self, leaf: NameUse) -> bool:
        """``from_email = from_email or settings.DEFAULT_FROM_EMAIL``: the service's own
        configured address, at least in the case the code provides for; the parameter in it
        neither."""
        variable = leaf if leaf.origins else self.holder.get(id(leaf))
        return variable is not None and any(
            isinstance(origin, (FieldUse, NameUse)) and is_configuration_constant(origin.name)
            for origin in variable.origins
        )

    def message(self, leaf: Leaf) -> str:
        name = leaf.name if isinstance(leaf, (FieldUse, NameUse)) else "?"
        declared = self._field_of_owner(leaf) if isinstance(leaf, FieldUse) else None
        reason = field_class(name, declared, self.rule.context).reason
        why = (
            "is declared secret"
            if reason.startswith("type ")
            else "is marked sensitive"
            if reason.startswith(("marked", "annotated"))
            else "looks personal or secret"
        )
        return (
            f"`{name}` {why} and is hashed into the ID made in "
            f"{made_in(self.site, leaf.node)}; hashes of personal data can be reversed and "
            "link people across systems"
        )

    def dump(self, leaf: DumpUse) -> None:
        if leaf.excluded is None:
            return
        info = self.analysis.class_of(leaf.owner, self.site.scope)
        if info is None:
            return
        context = self.rule.context
        fields = [
            name
            for name, declared in info.fields.items()
            if field_class(name, declared, context).kind == "sensitive" and leaf.carries(name)
        ]
        if fields:
            names = ", ".join(f"`{name}`" for name in fields)
            self.rule.report_once(
                leaf.node,
                f"`{leaf.style}()` of `{info.name}` hashes sensitive field"
                f"{'s' if len(fields) > 1 else ''} {names} into the ID made in "
                f"{made_in(self.site, leaf.node)}",
            )


def is_configuration_constant(name: str) -> bool:
    """``DEFAULT_FROM_EMAIL``, ``settings.SUPPORT_EMAIL``: a constant of the service's own
    configuration, not a person's data."""
    return len(name) > 1 and name.isupper()

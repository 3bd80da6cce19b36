"""EVT104: JSON serialised for hashing without sorted keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventlint.analysis.hash_inputs import JsonDumpsUse
from eventlint.analysis.id_hashes import EventIdAnalysis
from eventlint.finding import Applicability, Edit, Fix
from eventlint.rules.event_ids._base import EventIdRule, made_in
from eventlint.rules.event_ids._fix_safety import only_hashed

if TYPE_CHECKING:
    import libcst as cst

    from eventlint.fixes.tree import FixTree


class UnsortedJsonInEventId(EventIdRule):
    """``json.dumps`` feeds an ID hash without ``sort_keys=True``.

    A dict serialises in insertion order. Two producers (or two versions of one producer)
    that build the same payload in a different order produce different JSON, hence different
    IDs for the same event. ``sort_keys=True`` makes the serialisation canonical.

    Flagged only when the serialised value may be a mapping: a list, a tuple, a string or a
    ``sorted(...)`` result has a fixed order already and is left alone. pydantic's
    ``model_dump_json()`` follows the field declaration order and is not flagged. Nor is JSON
    handed to a project function that parses it and dumps it again with ``sort_keys=True``
    before hashing (``canonical_key(json.dumps(event))``): the key order never reaches the
    hash.

    Fix (unsafe, because it changes the IDs produced): add ``sort_keys=True`` (or turn
    ``sort_keys=False`` into ``True``). No fix when the JSON text is also used for anything
    but the hash (published, returned, handed to another call): sorting would change that
    message too. The fix turns the Incorrect example into the Correct one.

    Incorrect::

        import hashlib
        import json


        def event_key(payload: dict) -> str:
            return hashlib.sha256(json.dumps(payload).encode()).hexdigest()

    Correct::

        import hashlib
        import json


        def event_key(payload: dict) -> str:
            return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
    """

    code = "EVT104"
    name = "unsorted-json-in-event-id"
    summary = "json.dumps without sort_keys=True feeding an event ID hash"
    fix_availability = "unsafe"

    def judge(self, analysis: EventIdAnalysis) -> None:
        for site in self.id_sites(analysis):
            for leaf in site.all_leaves():
                if isinstance(leaf, JsonDumpsUse) and leaf.may_be_mapping and not leaf.sort_keys:
                    # Sorting the keys of JSON that is also published or returned would change
                    # that message too: then the finding comes without a fix.
                    fix = (
                        Fix(Applicability.UNSAFE, (Edit(leaf.node, "Call", _with_sort_keys),))
                        if only_hashed(leaf.node, site)
                        else None
                    )
                    self.report_once(
                        leaf.node,
                        f"`json.dumps` without `sort_keys=True` feeds the ID made in "
                        f"{made_in(site, leaf.node)}; key order would change the ID",
                        fix,
                    )


def _with_sort_keys(call: cst.Call, tree: FixTree) -> cst.Call:
    """``sort_keys=True`` added, or a ``sort_keys=`` given turned into ``True``."""
    import libcst as cst

    from eventlint.fixes.tree import append_arg, keyword_arg

    true = cst.Name("True")
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "sort_keys":
            return call.with_changes(
                args=[a.with_changes(value=true) if a is arg else a for a in call.args]
            )
    return append_arg(call, keyword_arg("sort_keys", true))

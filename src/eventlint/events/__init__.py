"""``eventlint events``: the inventory of a project's event models and IDs, read statically.

- ``models``: which classes are event models, and each field's classification;
- ``ids``: every deterministic ID or idempotency key the EVT1 analysis finds, and the fields
  it hashes;
- ``render``: the inventory as markdown (a document to commit), JSON or text;
- ``document``: the generated region of a committed document, ``--check`` and ``--write``;
- ``command``: the command line.

Nothing is imported or run: the project model's summaries and the EVT1 analysis
(``analysis.id_hashes``), both on ``ast``, are all it reads.
"""

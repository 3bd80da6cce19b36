"""The project model: every fact about *other* files, gathered in one place, lazily.

This package front re-exports the names the rest of eventlint uses; each lives in the module
that models it:

- ``model``: :class:`Project` (one project root: its file inventory, layout, module index,
  raise-site index and the summaries kept between runs), :class:`Projects` (a run's) and
  :class:`Worked` (what a parent process hands its pool workers);
- ``view``: :class:`ProjectView`, the project as one linted file's rules see it
  (``context.project``);
- ``kafka``: the Kafka readiness queries the view answers (helpers, fixtures, deployment);
- ``requirements``: the libraries a project declares it depends on;
- ``inventory``, ``layout``, ``modules``, ``classes`` and ``class_index``, ``raises``,
  ``deployment``: the files, the import roots and pytest configs, the module index, classes
  with their bases merged in, raise sites and compose files;
- ``summaries`` (the data stored per module), ``readers/`` (one reader per kind of fact),
  ``linted_file`` (the same facts read from the linted text), ``store`` (the summaries kept
  between runs) and ``dependencies`` (what each answer read, for the results cache).

A rule that needs a new kind of fact about other files adds a reader (and a summary field)
and a query on the view, not lines here.
"""

from __future__ import annotations

from eventlint.project.classes import ClassInfo
from eventlint.project.inventory import MODULE_SUFFIXES, Listings
from eventlint.project.kafka import KafkaHelper
from eventlint.project.model import Project, Projects, Worked
from eventlint.project.view import ProjectView

__all__ = [
    "MODULE_SUFFIXES",
    "ClassInfo",
    "KafkaHelper",
    "Listings",
    "Project",
    "ProjectView",
    "Projects",
    "Worked",
]

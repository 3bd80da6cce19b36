"""eventlint: static analysis for event-driven Python services."""

__version__ = "0.2.0"

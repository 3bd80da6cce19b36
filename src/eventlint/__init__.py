"""eventlint: static analysis for event-driven Python services."""

__version__ = "0.1.0"

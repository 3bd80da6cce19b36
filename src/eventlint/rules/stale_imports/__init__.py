"""EVT3xx: imports, patch targets and pytest paths in tests that no longer resolve."""

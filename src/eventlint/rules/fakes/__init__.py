"""EVT5xx: test doubles that fake Redis without its behaviour."""

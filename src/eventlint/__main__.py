"""Allow ``python -m eventlint``."""

from eventlint.cli import main

raise SystemExit(main())

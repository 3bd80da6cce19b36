"""Allow ``python -m eventlint``."""

import os
import sys

# `python -m` puts the working directory first on sys.path, so a linted project with a folder
# named like one of our dependencies (pydantic/, libcst/) would be imported in its place.
# eventlint never imports the code it lints: drop that entry before importing anything else.
if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from eventlint.cli import main

raise SystemExit(main())

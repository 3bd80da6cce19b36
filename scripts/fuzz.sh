#!/usr/bin/env bash
# The long property-based run: many more generated programs than CI runs.
# Usage: scripts/fuzz.sh [EXAMPLES]   (default 2000)
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTLINT_HYPOTHESIS_PROFILE=fuzz EVENTLINT_FUZZ_EXAMPLES="${1:-2000}" python -m pytest -q -p no:cacheprovider \
    tests/test_robustness.py -k generated

#!/usr/bin/env bash
# End-to-end benchmark on a YAML list of records: scripts/bench-e2e.sh with FORMAT=yaml.
#
#   scripts/bench-yaml.sh [RECORDS...]        (default: 100000 1000000)
#
# RUNS, JOBS, DIR and KEEP as for scripts/bench-e2e.sh.
exec env FORMAT=yaml "$(dirname "$0")/bench-e2e.sh" "$@"

#!/usr/bin/env bash
# Runs every `go test -fuzz` target in the module briefly, seeded from its
# testdata corpus. Usage: scripts/fuzz-all.sh [FUZZTIME], where FUZZTIME is an
# execution count such as 50000x (the default) or a duration such as 30s.
set -euo pipefail
fuzztime="${1:-50000x}"
cd "$(dirname "$0")/.."
status=0
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  targets=$(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' || true)
  for t in $targets; do
    echo "fuzz $pkg $t ($fuzztime)"
    if ! go test -run '^$' -fuzz "^${t}\$" -fuzztime "$fuzztime" "$pkg"; then
      status=1
    fi
  done
done
exit $status

#!/usr/bin/env bash
# Runs every fuzz target (func FuzzXxx in a _test.go file) for a short fixed
# time, one target at a time, because `go test -fuzz` takes one target of
# one package per run. FUZZTIME overrides the time per target (default 5s).
# A failing input is saved under the package's testdata/fuzz and fails the
# run; `go test` then replays it as a regular test case.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime=${FUZZTIME:-5s}
go=${GO:-go}

# Only packages whose test files declare a fuzz function are listed, so the
# rest of the tree is not compiled again.
mapfile -t dirs < <(grep -rlE --include='*_test.go' '^func Fuzz[A-Z0-9_]' . | xargs -r -n1 dirname | sort -u)

count=0
failed=()
for dir in "${dirs[@]}"; do
	mapfile -t targets < <("$go" test -list '^Fuzz' "$dir" | grep '^Fuzz' || true)
	for target in "${targets[@]}"; do
		echo "fuzz: $dir $target for $fuzztime"
		if ! "$go" test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$dir"; then
			failed+=("$dir $target")
		fi
		count=$((count + 1))
	done
done

if [ "$count" -eq 0 ]; then
	echo "fuzz: no fuzz targets in the tree"
	exit 0
fi
if [ "${#failed[@]}" -gt 0 ]; then
	echo "fuzz: ${#failed[@]} of $count targets failed:" >&2
	printf '  %s\n' "${failed[@]}" >&2
	exit 1
fi
echo "fuzz: $count targets ran for $fuzztime each without a failure"

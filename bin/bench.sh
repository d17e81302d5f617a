#!/usr/bin/env bash
# `make bench`: measures what one `ibmcloud kp key sync` costs against its
# peers, all on this machine and in one run, and prints rows for
# BENCHMARKS.md (BENCH_RECORD=1 appends them there).
#
#  1. kp key sync of one key, run as the host runs it, against curl posting
#     the same request with the same headers to the same stand-in URL.
#  2. SendMetadata against `true`: the plug-in's start-up cost.
#  3. Peak resident memory of one sync (getrusage, from the runs of 1).
#  4. Size of the linux/amd64 release binary and the packages that take
#     the most of it.
#  5. The batch benchmark in internal/bench: 1,000 keys at --parallel 8.
#  6. The in-process testing.B benchmarks of commands/keysync.
#
# The timings come from internal/benchproc/cmd/benchproc, which runs the
# commands interleaved (A B A B ...) after a warm-up. Debian's hyperfine
# 1.15 runs each command's series back to back, with no interleaving, so it
# is not used. Nothing is timed inside the plug-in. The stand-in listens
# on 127.0.0.1 with a clock that moves on two hours at every reading, so
# every sync of the one key gets 204 and not the too-early 409.
#
# RUNS (default 30) and WARMUP (default 5) set the number of runs.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bin/standin.sh
. bin/standin.sh

go=${GO:-go}
runs=${RUNS:-30}
warmup=${WARMUP:-5}
key_id=0f3a6b7c-1d2e-4f50-8a9b-c0d1e2f3a4b5
instance=8d4f1b2a-5c3e-4f6a-9b7c-0d1e2f3a4b5c
release_flags=(-trimpath -buildvcs=false -ldflags='-s -w -buildid=')

if ! command -v curl >/dev/null; then
	echo "bench: curl is needed as the peer of the sync; install it (Debian: apt-get install curl)" >&2
	exit 1
fi

work=$(mktemp -d)
standin_pid=
cleanup() {
	if [ -n "$standin_pid" ]; then
		kill -TERM "$standin_pid" 2>/dev/null || true
		wait "$standin_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

echo "bench: building the release binary and the tools"
CGO_ENABLED=0 GOOS=linux GOARCH=amd64 "$go" build "${release_flags[@]}" -o "$work/kp-sync-linux-amd64" .
CGO_ENABLED=0 "$go" build "${release_flags[@]}" -o "$work/kp-sync" .
"$go" build -o "$work/kp-standin" ./internal/standin/cmd/kp-standin
"$go" build -o "$work/write-host-config" ./internal/testhost/cmd/write-host-config
"$go" build -o "$work/benchproc" ./internal/benchproc/cmd/benchproc

start_standin "$work" -instance "$instance" -key "$key_id" -clock-step 2h

# The plug-in gets the environment the host gives it; curl ignores it.
host_env=(env -i PATH="$PATH" HOME="$work/home" IBMCLOUD_HOME="$work/home"
	IBMCLOUD_PLUGIN_NAMESPACE="kp key" IBMCLOUD_VERSION_CHECK=false KP_TARGET_ADDR="$url")
sync_cmd=("$work/kp-sync" sync "$key_id" -i "$instance")
# The same headers as keyprotect-go-client sends (kp.go: accept,
# authorization, bluemix-instance, correlation-id); --fail makes any answer
# but 2xx stop the benchmark.
curl_cmd=(curl -s --fail -o /dev/null -X POST
	-H "accept: application/json"
	-H "authorization: Bearer $token"
	-H "bluemix-instance: $instance"
	-H "correlation-id: 6a1f7c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b"
	"$url/api/v2/keys/$key_id/actions/sync")

echo
echo "bench: 1 and 3. kp key sync against curl -X POST, $runs runs each after $warmup warm-up"
"${host_env[@]}" "$work/benchproc" -runs "$runs" -warmup "$warmup" -summary "$work/sync.txt" \
	-- sync "${sync_cmd[@]}" --- curl "${curl_cmd[@]}"

echo
echo "bench: 2. SendMetadata against true"
"${host_env[@]}" "$work/benchproc" -runs "$runs" -warmup "$warmup" -summary "$work/metadata.txt" \
	-- SendMetadata "$work/kp-sync" SendMetadata --- true "$(command -v true)"

echo
echo "bench: 4. size of the linux/amd64 release binary"
size=$(stat -c %s "$work/kp-sync-linux-amd64")
size_mib=$(awk -v b="$size" 'BEGIN { printf "%.1f", b / 1048576 }')
echo "$size bytes ($size_mib MiB)"
# The symbol sizes come from the same build without -s -w; the stripped
# release has no symbol table. Only code and read-only data count (nm types
# T and R), because zero-filled data such as the FIPS DRBG's 32 MiB buffer
# takes no room in the file. Each symbol counts for its package (the name
# up to the first dot after the last slash), and the package for its module
# (three path elements for a host such as github.com, else "std").
CGO_ENABLED=0 GOOS=linux GOARCH=amd64 "$go" build -trimpath -buildvcs=false -o "$work/kp-sync-symbols" .
"$go" tool nm -size "$work/kp-sync-symbols" | awk '
	$3 ~ /^[TtRr]$/ && $2 > 0 {
		name = $4
		slash = match(name, /.*\//) ? RLENGTH : 0
		rest = substr(name, slash + 1)
		dot = index(rest, ".")
		pkg = dot ? substr(name, 1, slash + dot - 1) : name
		split(pkg, parts, "/")
		module = (parts[1] ~ /\./) ? parts[1] "/" parts[2] "/" parts[3] : "std"
		if (pkg ~ /^(go:|type:|vendor\/)/) module = "std"
		bytes[module] += $2
		packages[pkg] += $2
		total += $2
	}
	END {
		for (m in bytes) printf "%d module %s\n", bytes[m], m
		for (p in packages) printf "%d package %s\n", packages[p], p
		printf "%d total all\n", total
	}' | sort -rn >"$work/symbols.txt"
echo "code and read-only data by module, from the symbol table:"
grep -E ' (module|total) ' "$work/symbols.txt" | sed -n '1,12p' | awk '{ printf "  %7.2f MiB  %s\n", $1 / 1048576, $3 }'
echo "largest packages:"
grep ' package ' "$work/symbols.txt" | sed -n '1,10p' | awk '{ printf "  %7.2f MiB  %s\n", $1 / 1048576, $3 }'
top_modules=$(grep ' module ' "$work/symbols.txt" | grep -v ' std$' | sed -n '1,5p' |
	awk '{ printf "%s%s %.2f MiB", sep, $3, $1 / 1048576; sep = ", " }')

echo
echo "bench: 5. batch sync of 1,000 keys against a loop of single runs (internal/bench)"
"$go" test ./internal/bench -run '^$' -bench BatchSync -benchtime 1x -v

echo
echo "bench: 6. in-process benchmarks (go test -bench)"
"$go" test ./commands/keysync -run '^$' -bench . -benchtime 1000x | tee "$work/gobench.txt"

value() { sed -n "s/^$2 //p" "$1"; }
verdict() { awk -v v="$1" -v limit="$2" 'BEGIN { print (v + 0 <= limit + 0) ? "met" : "missed" }'; }

today=$(date -u +%Y-%m-%d)
machine="$(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
go_version=$("$go" env GOVERSION)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
ratio=$(value "$work/sync.txt" ratio.1.2)
metadata_ms=$(value "$work/metadata.txt" 1.median_ms)
sync_rss=$(value "$work/sync.txt" 1.median_rss_mib)
curl_rss=$(value "$work/sync.txt" 2.median_rss_mib)
true_ms=$(value "$work/metadata.txt" 2.median_ms)

rows_sync="| $today | $machine | $go_version | $commit | $runs | $(value "$work/sync.txt" 1.median_ms) ms | $(value "$work/sync.txt" 2.median_ms) ms | $ratio | $(verdict "$ratio" 1.2) |"
rows_startup="| $today | $machine | $go_version | $commit | $runs | $metadata_ms ms | $true_ms ms | $(awk -v a="$metadata_ms" -v b="$true_ms" 'BEGIN { printf "%.1f", a / b }') | $(verdict "$metadata_ms" 10) |"
rows_memory="| $today | $machine | $go_version | $commit | $runs | $sync_rss MiB (max $(value "$work/sync.txt" 1.max_rss_mib)) | $curl_rss MiB | $(awk -v a="$sync_rss" -v b="$curl_rss" 'BEGIN { printf "%.1f", a / b }') | $(verdict "$sync_rss" 30) |"
rows_size="| $today | $go_version | $commit | $size_mib MiB ($size bytes) | $top_modules | $(verdict "$size_mib" 20) |"

rows_in_process=$(awk -v prefix="| $today | $machine | $go_version | $commit |" '
	/^Benchmark/ { name = $1; sub(/-[0-9]+$/, "", name); printf "%s %s | %s | %s | %s |\n", prefix, name, $3, $5, $7 }' "$work/gobench.txt")

cat <<ROWS

bench: rows for BENCHMARKS.md
sync-vs-curl: $rows_sync
startup:      $rows_startup
memory:       $rows_memory
size:         $rows_size
in-process:
$rows_in_process
ROWS

if [ "${BENCH_RECORD:-}" = 1 ]; then
	# Each table in BENCHMARKS.md ends with a marker comment; a new row goes
	# just above it, so older runs stay.
	for table in sync-vs-curl startup memory size in-process; do
		case $table in
		in-process) row=$rows_in_process ;;
		sync-vs-curl) row=$rows_sync ;;
		startup) row=$rows_startup ;;
		memory) row=$rows_memory ;;
		size) row=$rows_size ;;
		esac
		ROW=$row awk -v marker="<!-- rows: $table -->" '$0 == marker { print ENVIRON["ROW"] } { print }' \
			BENCHMARKS.md >"$work/BENCHMARKS.md"
		cp "$work/BENCHMARKS.md" BENCHMARKS.md
	done
	echo "bench: appended the rows to BENCHMARKS.md"
fi

#!/usr/bin/env bash
# Shows `ibmcloud kp key sync` end to end without IBM Cloud: it builds the
# plug-in and the Key Protect stand-in, starts the stand-in on 127.0.0.1
# with one key, writes a throw-away ibmcloud config that points IAM at the
# stand-in, and runs the plug-in the way the ibmcloud host does, three
# times: a sync, a second sync inside the hour (exit 3), and the same with
# -o json. KP_TARGET_ADDR and the config's IAM endpoint both name the
# stand-in, so no request leaves this machine. The stand-in is stopped on
# every exit.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bin/standin.sh
. bin/standin.sh

go=${GO:-go}
key_id=0f3a6b7c-1d2e-4f50-8a9b-c0d1e2f3a4b5
alias=demo-root-key
instance=8d4f1b2a-5c3e-4f6a-9b7c-0d1e2f3a4b5c

work=$(mktemp -d)
standin_pid=
cleanup() {
	if [ -n "$standin_pid" ] && kill -0 "$standin_pid" 2>/dev/null; then
		kill -TERM "$standin_pid"
		wait "$standin_pid" 2>/dev/null || true
		echo
		echo "The stand-in has stopped: $(grep 'stopping' "$work/standin.log" || echo 'no counters')"
	fi
	rm -rf "$work"
}
trap cleanup EXIT

echo "Building the plug-in, the stand-in and the config writer..."
"$go" build -o "$work/kp-sync" .
"$go" build -o "$work/kp-standin" ./internal/standin/cmd/kp-standin
"$go" build -o "$work/write-host-config" ./internal/testhost/cmd/write-host-config

start_standin "$work" -instance "$instance" -key "$key_id=$alias"
echo "The stand-in serves key $key_id (alias $alias) of instance $instance at $url."

# sync runs the plug-in as `ibmcloud kp key sync ARGS` would, with a clean
# environment, and prints its output and exit status.
sync() {
	local status=0
	echo
	echo "\$ ibmcloud kp key sync $*"
	env -i PATH="$PATH" HOME="$work/home" IBMCLOUD_HOME="$work/home" \
		IBMCLOUD_PLUGIN_NAMESPACE="kp key" IBMCLOUD_VERSION_CHECK=false \
		KP_TARGET_ADDR="$url" \
		"$work/kp-sync" sync "$@" || status=$?
	echo "(exit status $status)"
	last_status=$status
}

sync "$alias" -i "$instance"
first=$last_status
sync "$alias" -i "$instance"
second=$last_status
sync "$key_id" -i "$instance" -o json
third=$last_status

cat <<SUMMARY

What happened:
- The first sync asked the stand-in to notify the key's associated
  resources again; it accepted (exit status $first, 0 means synced).
- The second sync came less than an hour after the first, so Key Protect
  (here the stand-in) refused it as too early and named the time from
  which a sync is allowed again (exit status $second, 3 means too early).
- The third run asked for JSON: stdout holds only the result object, which
  scripts can read, and the exit status is again $third.
SUMMARY

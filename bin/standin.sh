# Sourced by the demo and bench scripts: starts the Key Protect stand-in
# and writes a throw-away ibmcloud config that points IAM at it.
#
# start_standin WORK ARGS... runs WORK/kp-standin on 127.0.0.1 with ARGS,
# waits until it listens, and sets standin_pid, url and token. It then runs
# WORK/write-host-config for a logged-in session under WORK/home. It exits
# the script with the stand-in's log when the stand-in does not start
# within 10 seconds.
start_standin() {
	local work=$1
	shift
	"$work/kp-standin" -addr 127.0.0.1:0 -url-file "$work/url" "$@" 2>"$work/standin.log" &
	standin_pid=$!
	for _ in $(seq 100); do
		[ -s "$work/url" ] && break
		kill -0 "$standin_pid" 2>/dev/null || break
		sleep 0.1
	done
	url=$(cat "$work/url" 2>/dev/null || true)
	token=$(sed -n 's/^kp-standin token: //p' "$work/standin.log")
	if [ -z "$url" ] || [ -z "$token" ]; then
		echo "the stand-in did not start:" >&2
		cat "$work/standin.log" >&2
		exit 1
	fi
	"$work/write-host-config" -home "$work/home" -iam "$url" -token "$token" >/dev/null
}

#!/usr/bin/env bash
# Builds the plug-in for this machine and installs it into the ibmcloud CLI
# with `ibmcloud plugin install`, replacing an installed copy of the same
# name. Without the ibmcloud CLI it prints where to get it and stops before
# building anything.
set -euo pipefail
cd "$(dirname "$0")/.."

ibmcloud=${IBMCLOUD:-ibmcloud}
if ! command -v "$ibmcloud" >/dev/null; then
	cat >&2 <<MESSAGE
install: the ibmcloud CLI was not found on PATH, so there is nothing to install
the plug-in into. Install the CLI first:
  https://cloud.ibm.com/docs/cli?topic=cli-install-ibmcloud-cli
then run 'make install' again. To only build the plug-in, run 'make build';
to install a release binary, see docs/install.md.
MESSAGE
	exit 1
fi

go=${GO:-go}
version=$(sed -n 's/^var Version = "\(.*\)"$/\1/p' metadata/version.go)
binary="out/kp-sync-$version-$("$go" env GOOS)-$("$go" env GOARCH)"
[ "$("$go" env GOOS)" = windows ] && binary+=".exe"

mkdir -p out
echo "install: building $binary"
CGO_ENABLED=0 "$go" build -trimpath -buildvcs=false -ldflags='-s -w -buildid=' -o "$binary" .

echo "install: $ibmcloud plugin install $binary -f"
"$ibmcloud" plugin install "$binary" -f
"$ibmcloud" plugin show key-protect-sync

#!/usr/bin/env bash
# Cross-builds the plug-in for every supported platform into out/ as
# kp-sync-VERSION-OS-ARCH (.exe on Windows), writes the SHA-256 checksums to
# out/kp-sync-VERSION-checksums.txt in sha256sum's format, then checks the
# result with bin/check-release.sh.
#
# The builds are reproducible: cgo is off, -trimpath drops the build paths,
# -buildvcs=false keeps the Git state out and -buildid= fixes the build ID,
# so the same source and Go version give the same bytes on any machine.
# -s -w strip the symbol table and DWARF data.
set -euo pipefail
cd "$(dirname "$0")/.."

go=${GO:-go}
version=$(sed -n 's/^var Version = "\(.*\)"$/\1/p' metadata/version.go)
if [ -z "$version" ]; then
	echo "release: no 'var Version = \"...\"' in metadata/version.go" >&2
	exit 1
fi
platforms=(linux/amd64 linux/arm64 linux/ppc64le linux/s390x darwin/amd64 darwin/arm64 windows/amd64)

rm -rf out
mkdir -p out

files=()
for platform in "${platforms[@]}"; do
	goos=${platform%/*}
	goarch=${platform#*/}
	name="kp-sync-$version-$goos-$goarch"
	[ "$goos" = windows ] && name+=".exe"

	echo "release: building out/$name"
	CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch "$go" build \
		-trimpath -buildvcs=false -ldflags='-s -w -buildid=' \
		-o "out/$name" .
	files+=("$name")
done

(cd out && sha256sum "${files[@]}" >"kp-sync-$version-checksums.txt")
echo "release: wrote out/kp-sync-$version-checksums.txt"

bash bin/check-release.sh

#!/usr/bin/env bash
# Checks what bin/release.sh put in out/: every platform's binary exists,
# was built for its OS and architecture with cgo off, -trimpath and stripped
# (read back with `go version -m` and `go tool nm`), contains no build
# path, matches the checksum file, and the host platform's binary responds
# to SendMetadata with the version of metadata/version.go. Rebuilding the host binary must give the
# same bytes, which shows the build is reproducible.
set -euo pipefail
cd "$(dirname "$0")/.."

go=${GO:-go}
version=$(sed -n 's/^var Version = "\(.*\)"$/\1/p' metadata/version.go)
platforms=(linux/amd64 linux/arm64 linux/ppc64le linux/s390x darwin/amd64 darwin/arm64 windows/amd64)
host="$("$go" env GOOS)/$("$go" env GOARCH)"
problems=0

fail() {
	echo "check-release: $*" >&2
	problems=$((problems + 1))
}

# expect_setting FILE KEY VALUE checks one "build KEY=VALUE" line of
# `go version -m FILE`.
expect_setting() {
	local info=$1 file=$2 key=$3 value=$4
	if ! grep -qxF "	build	$key=$value" <<<"$info"; then
		fail "$file: go version -m has no 'build $key=$value'"
	fi
}

(cd out && sha256sum --quiet -c "kp-sync-$version-checksums.txt") ||
	fail "out/kp-sync-$version-checksums.txt does not match the binaries"

for platform in "${platforms[@]}"; do
	goos=${platform%/*}
	goarch=${platform#*/}
	file="out/kp-sync-$version-$goos-$goarch"
	[ "$goos" = windows ] && file+=".exe"
	if [ ! -f "$file" ]; then
		fail "$file is missing"
		continue
	fi

	info=$("$go" version -m "$file")
	expect_setting "$info" "$file" GOOS "$goos"
	expect_setting "$info" "$file" GOARCH "$goarch"
	expect_setting "$info" "$file" CGO_ENABLED 0
	expect_setting "$info" "$file" -trimpath true

	# -trimpath keeps -ldflags out of the build info, so -s is checked on
	# the file: only the dynamic imports of a Darwin binary ("U") remain.
	if "$go" tool nm "$file" 2>/dev/null | grep -vqE '^[[:space:]]+U '; then
		fail "$file has a symbol table; build it with -ldflags=-s"
	fi

	# A build path would show the folder of this checkout or of the module
	# cache; -trimpath replaces both with module paths.
	for path in "$PWD" "$("$go" env GOMODCACHE)"; do
		if grep -qF "$path" "$file"; then
			fail "$file contains the build path $path"
		fi
	done
	echo "check-release: $file is $goos/$goarch, $(wc -c <"$file") bytes"

	if [ "$platform" = "$host" ]; then
		want="\"Version\":{\"Major\":${version%%.*},\"Minor\":$(cut -d. -f2 <<<"$version"),\"Build\":${version##*.}}"
		metadata=$(HOME=$(mktemp -d) "$file" SendMetadata) || fail "$file SendMetadata exited with $?"
		if ! grep -qF "$want" <<<"$metadata"; then
			fail "$file SendMetadata does not report version $version: $metadata"
		else
			echo "check-release: $file SendMetadata reports version $version"
		fi

		# The second build runs from a copy of the source in another folder
		# and with -a, so neither the path nor the build cache can make the
		# bytes agree by accident.
		rebuilt=$(mktemp -d)
		tar --exclude=./out --exclude=./.git -cf - . | tar -xf - -C "$rebuilt"
		(cd "$rebuilt" && CGO_ENABLED=0 "$go" build -a -trimpath -buildvcs=false -ldflags='-s -w -buildid=' -o kp-sync.rebuilt .)
		if cmp -s "$file" "$rebuilt/kp-sync.rebuilt"; then
			echo "check-release: a second build of $file in $rebuilt gave the same bytes"
		else
			fail "a second build of $file in $rebuilt gave different bytes, so the build is not reproducible"
		fi
		rm -rf "$rebuilt"
	fi
done

if [ "$problems" -gt 0 ]; then
	echo "check-release: $problems problems" >&2
	exit 1
fi
echo "check-release: all ${#platforms[@]} binaries and the checksum file are as expected"

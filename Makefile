# Build, test and release the kp key sync plug-in. `make test` is what CI
# runs (.ci/run); `make bench` and `make release` are run by hand.

GO ?= go
export GO
# -race needs cgo and a C compiler; without them the tests run without it.
RACE := $(shell [ "$$($(GO) env CGO_ENABLED)" = 1 ] && command -v "$$($(GO) env CC)" >/dev/null && echo -race)

.PHONY: all help build test unit fuzz lint demo release install bench clean

all: build

## help: list the targets
help:
	@sed -n 's/^## //p' Makefile

## build: build the plug-in for this machine as ./kp-sync
build:
	CGO_ENABLED=0 $(GO) build -trimpath -o kp-sync .

## test: lint, the whole test suite, then each fuzz target for a short while
test: lint unit fuzz

## unit: the test suite only
unit:
	$(GO) test $(RACE) -timeout 20m ./...

## fuzz: each fuzz target for 5s (FUZZTIME=30s make fuzz for longer)
fuzz:
	bash bin/fuzz.sh

## lint: go vet and staticcheck (pinned in go.mod as a tool) on the whole tree
lint:
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

## demo: sync a key against the local stand-in, never a real IBM Cloud host
demo:
	bash bin/demo.sh

## release: cross-build every platform into out/ with SHA-256 checksums, then check them
release:
	bash bin/release.sh

## install: build for this machine and install it with `ibmcloud plugin install`
install:
	bash bin/install.sh

## bench: time the plug-in against curl on the local stand-in (not part of test)
bench:
	bash bin/bench.sh

clean:
	rm -rf out kp-sync

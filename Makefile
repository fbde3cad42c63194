# Each target is one line; the work lives in hack/*.sh and the Go code.
.PHONY: build test lint bench demo cluster cluster-down fuzz screenshot
GO ?= go
BIN ?= bin

build: ; $(GO) build -o $(BIN)/ ./cmd/ferry ./cmd/ferry-engine ./cmd/ferry-controller && ln -sf ferry $(BIN)/kubectl-ferry
test: ; bash hack/test.sh
lint: ; bash hack/lint.sh
bench: ; bash hack/bench.sh
demo: build ; $(BIN)/ferry demo
cluster: ; bash hack/cluster.sh up
cluster-down: ; bash hack/cluster.sh down
fuzz: ; bash hack/fuzz.sh
screenshot: ; bash hack/screenshot.sh

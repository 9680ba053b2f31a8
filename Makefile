# mamori — the two commands in README.md are `make demo` and `make test`.
GO ?= go

.PHONY: demo test lint bench build

# Runs mamori on the embedded SQLite with the demo company.
demo:
	$(GO) run ./cmd/mamori demo

# The whole suite with the race detector, plus vet and gofmt. The PostgreSQL
# behaviour suite runs when MAMORI_TEST_POSTGRES is set, the browser suite
# when Chromium is installed (MAMORI_TEST_BROWSER=1 makes it mandatory).
test:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 60m ./...

lint:
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.7.0 ./...

build:
	CGO_ENABLED=0 $(GO) build -o mamori ./cmd/mamori

bench:
	$(GO) run ./cmd/mamori-load -c 32 -d 10s

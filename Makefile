# The test command CI runs (.ci/run calls `make test`). It installs what the
# tests need first: the differential-test oracle from npm, pinned by
# test/oracle/package-lock.json, into test/oracle/node_modules (gitignored).

GO ?= go
DIFFTEST_N ?= 20000
# An execution count, not a duration: with a duration, go1.26's fuzz coordinator
# can report a spurious "context deadline exceeded" at the end of the window
# (golang/go#75804, fixed in go1.27).
FUZZTIME ?= 50000x

.PHONY: all build test oracle vet unit race fuzz difftest bench
.PHONY: postgres

all: build

build:
	$(GO) build -o bin/cleanroom ./cmd/cleanroom

oracle: test/oracle/node_modules/.package-lock.json

test/oracle/node_modules/.package-lock.json: test/oracle/package-lock.json
	npm ci --prefix test/oracle --no-audit --no-fund --loglevel=error

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l cmd internal test bench)" || (gofmt -l cmd internal test bench; echo "gofmt needed"; exit 1)

# The PostgreSQL backend and the multi-node tests are tested by the postgres
# target, against its own cluster; without one their tests fail under CI=true.
unit:
	$(GO) test -count=1 $$($(GO) list ./... | grep -v -e /internal/store/postgres -e /test/multinode)

# -race on the engine and on every package of the server's request path.
race:
	$(GO) test -count=1 -race ./internal/policy/... ./internal/authz/... ./internal/simulate/... \
		./internal/server/... ./internal/sigv4/... ./internal/store ./internal/store/sqlite/... \
		./internal/store/storetest/... ./internal/store/storejson/... ./internal/secretbox/... \
		./internal/iam/... ./internal/sts/... ./internal/access/... ./internal/awsproto/... \
		./internal/orgs/... ./internal/audit/... ./internal/oidc/...

fuzz:
	./scripts/fuzz-all.sh $(FUZZTIME)

difftest: oracle
	$(GO) test -count=1 -run 'TestDifferential' ./internal/difftest/ -difftest.n=$(DIFFTEST_N) -v

# The PostgreSQL backend's tests, under -race, against a throwaway cluster
# that scripts/postgres-test.sh starts and removes (as root it installs
# PostgreSQL when missing).
postgres:
	GO=$(GO) ./scripts/postgres-test.sh

test: oracle vet unit race fuzz difftest postgres

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./internal/...

# Cầu Nối — the two commands of the README are `make run` and `make test`.
SHELL := /bin/bash
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
BIN := bin/caunoi

.PHONY: build run test test-faults bench bench-quick vet fmt lint clean db-stop

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/caunoi

# Builds, finds or starts PostgreSQL, migrates, seeds the demo data and serves
# on CAUNOI_ADDR (http://localhost:8080 by default). Demo secrets are generated once into .data/dev.env.
run: build
	@set -euo pipefail; \
	url=$$(scripts/db.sh app); \
	mkdir -p .data; \
	if [ ! -f .data/dev.env ]; then \
	  echo "CAUNOI_JWT_SECRET=$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" > .data/dev.env; \
	  echo "CAUNOI_SECRET_KEY=$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" >> .data/dev.env; \
	  chmod 600 .data/dev.env; \
	fi; \
	set -a; . .data/dev.env; set +a; \
	export DATABASE_URL="$$url" CAUNOI_LOG_FORMAT=$${CAUNOI_LOG_FORMAT:-text}; \
	echo "Database: $$(echo $$url | sed -E 's#//([^:@/]*):[^@]*@#//\1:***@#')"; \
	$(BIN) migrate; \
	$(BIN) seed --demo; \
	echo; \
	addr=$${CAUNOI_ADDR:-:8080}; host=$${addr%:*}; port=$${addr##*:}; \
	case "$$host" in ""|0.0.0.0|"[::]") host=localhost;; esac; \
	base=$${CAUNOI_PUBLIC_URL:-http://$$host:$$port}; base=$${base%/}; \
	echo "Cầu Nối is starting on $$base (listening on $$addr)"; \
	echo "  citizens: $$base/        staff: $$base/staff"; \
	echo "  demo sign-ins (password caunoi-demo): admin@demo.caunoi.vn, leader@demo.caunoi.vn,"; \
	echo "  head.kinhte@demo.caunoi.vn, staff.kinhte@demo.caunoi.vn, staff.vhxh@demo.caunoi.vn"; \
	echo; \
	exec $(BIN) serve

# Every test against a real PostgreSQL, found or started like `make run`.
test:
	@set -euo pipefail; \
	export CAUNOI_TEST_DATABASE_URL=$$(scripts/db.sh admin); \
	$(GO) vet ./...; \
	$(GO) test -count=1 -timeout 20m ./...

test-faults:
	@set -euo pipefail; \
	export CAUNOI_TEST_DATABASE_URL=$$(scripts/db.sh admin); \
	scripts/test-faults.sh

bench:
	@set -euo pipefail; export CAUNOI_TEST_DATABASE_URL=$$(scripts/db.sh admin); $(GO) run ./cmd/caunoi-bench

bench-quick:
	@set -euo pipefail; export CAUNOI_TEST_DATABASE_URL=$$(scripts/db.sh admin); $(GO) run ./cmd/caunoi-bench --quick

vet:
	$(GO) vet ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

# Stops the private cluster that `make run` may have started under .data/.
db-stop:
	@if [ -f .data/postgres/PG_VERSION ]; then \
	  bindir=$$(ls -d /usr/lib/postgresql/*/bin | sort -V -r | head -1); \
	  if [ $$(id -u) = 0 ]; then runuser -u postgres -- $$bindir/pg_ctl -D .data/postgres stop -m fast; \
	  else $$bindir/pg_ctl -D .data/postgres stop -m fast; fi; \
	fi

clean:
	rm -rf bin

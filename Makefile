# The two commands of the README:
#   make demo   plays the built-in demo (no Slack workspace, no Redis needed)
#   make test   vets and runs every test with the race detector against a real redis-server
.PHONY: demo test redis-server build bench fuzz fmt model

demo:
	go run ./cmd/deescalate demo

test: redis-server
	go vet ./...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	go test -race -count=1 ./...

# The tests start their own redis-server on a free port; install it when it is missing.
redis-server:
	@command -v redis-server >/dev/null 2>&1 || { \
	  echo "redis-server is missing: installing it (Debian/Ubuntu)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq redis-server >/dev/null || { \
	    echo "could not install redis-server: install it yourself (macOS: brew install redis) or set REDIS_URL"; exit 1; }; }

build:
	CGO_ENABLED=0 go build -trimpath -o bin/deescalate ./cmd/deescalate

bench:
	go test -run '^$$' -bench . -benchmem ./...

# Fuzz each target for FUZZTIME (default 30s).
FUZZTIME ?= 30s
fuzz:
	go test -run '^$$' -fuzz '^FuzzClean$$' -fuzztime $(FUZZTIME) ./coach
	go test -run '^$$' -fuzz '^FuzzAnalyze$$' -fuzztime $(FUZZTIME) ./coach
	go test -run '^$$' -fuzz '^FuzzFindPromise$$' -fuzztime $(FUZZTIME) ./coach
	go test -run '^$$' -fuzz '^FuzzResolveTime$$' -fuzztime $(FUZZTIME) ./coach
	go test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./bot/sim
	go test -run '^$$' -fuzz '^FuzzReadExport$$' -fuzztime $(FUZZTIME) ./cmd/deescalate
	go test -run '^$$' -fuzz '^FuzzParseTimerName$$' -fuzztime $(FUZZTIME) ./coach
	go test -run '^$$' -fuzz '^FuzzDraft$$' -fuzztime $(FUZZTIME) ./coach
	go test -run '^$$' -fuzz '^FuzzRedact$$' -fuzztime $(FUZZTIME) ./coach
	go test -run '^$$' -fuzz '^FuzzOverridden$$' -fuzztime $(FUZZTIME) ./coach
	go test -run '^$$' -fuzz '^FuzzReadMessage$$' -fuzztime $(FUZZTIME) ./bot
	go test -run '^$$' -fuzz '^FuzzParseRef$$' -fuzztime $(FUZZTIME) ./bot
	go test -run '^$$' -fuzz '^FuzzDecodeSource$$' -fuzztime $(FUZZTIME) ./bot

fmt:
	gofmt -w $$(git ls-files '*.go')

# Retrain the tone model from ../shared/data/goemotions (the training split) into coach/tone.model.
# The result is deterministic: TestTrainingReproducesTheEmbeddedModel checks the committed file.
model:
	go generate ./coach

# The two commands of the README:
#   make demo   plays the built-in demo (no Slack workspace, no Redis needed)
#   make test   vets, lints and runs every test with the race detector against a real redis-server
#               (and the playground's in headless Chromium)
# and to try it or ship it:
#   make playground   the bot, a fake Slack and Redis behind a web page on 127.0.0.1:8090
#   make image        the container image, from the Dockerfile
# and for development:
#   make eval   the checks that need the evaluation data beside the repository (EVAL_DATA)
#   make fuzz   fuzzes every Fuzz target for FUZZTIME each
.PHONY: demo playground test lint redis-server chromium build image bench fuzz fmt model eval floors

# The evaluation data (labelled sets, scorer, training data) is not part of the repository.
EVAL_DATA ?= $(abspath ../shared)
STATICCHECK = honnef.co/go/tools/cmd/staticcheck@v0.8.2

demo:
	go run ./cmd/deescalate demo

playground:
	go run ./cmd/deescalate playground

test: redis-server chromium lint
	go test -race -count=1 ./...
	cd deploy && go test -count=1 ./...

# go.mod must be tidy, the code vetted (make eval's files too), formatted and staticcheck-clean.
lint:
	go vet ./...
	go vet -tags eval ./...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	@go mod tidy -diff || { echo "go.mod or go.sum is not tidy: run go mod tidy"; exit 1; }
	go run $(STATICCHECK) ./...
	cd deploy && go vet ./...
	@cd deploy && go mod tidy -diff || { echo "deploy/go.mod or deploy/go.sum is not tidy: cd deploy && go mod tidy"; exit 1; }

# The tests start their own redis-server on a free port; install it when it is missing.
redis-server:
	@command -v redis-server >/dev/null 2>&1 || { \
	  echo "redis-server is missing: installing it (Debian/Ubuntu)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq redis-server >/dev/null || { \
	    echo "could not install redis-server: install it yourself (macOS: brew install redis) or set REDIS_URL"; exit 1; }; }

# The playground's browser test drives headless Chromium; install it when it is missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1 || { \
	  echo "chromium is missing: installing it (Debian/Ubuntu)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null || { \
	    echo "could not install chromium: install Chromium or Google Chrome yourself (macOS: brew install --cask chromium)"; exit 1; }; }

# The build command of make build and of the Dockerfile's build stage (deploy/deploy_test.go
# holds them together). -buildvcs=auto stamps the commit into the binary (deescalate version)
# when built from a git checkout, whatever GOFLAGS says.
GOBUILD = go build -trimpath -buildvcs=auto
build:
	CGO_ENABLED=0 $(GOBUILD) -o bin/deescalate ./cmd/deescalate

# The container image, from the Dockerfile (a static binary on distroless, running as non-root).
IMAGE ?= deescalate:latest
image:
	@command -v docker >/dev/null 2>&1 || { echo "make image needs Docker (or Podman as docker)"; exit 1; }
	docker build -t $(IMAGE) -f Dockerfile .

bench:
	go test -run '^$$' -bench . -benchmem ./...

# Fuzz every Fuzz target of the repository for FUZZTIME each; a failing input is written to the
# package's testdata/fuzz, where it stays as a seed once fixed.
FUZZTIME ?= 30s
fuzz:
	@targets=$$(grep -r --include='*_test.go' -o '^func Fuzz[A-Za-z0-9_]*' . | sed 's/:func /:/' | sort); \
	  [ -n "$$targets" ] || { echo "no Fuzz targets found"; exit 1; }; \
	  for t in $$targets; do \
	    dir=$$(dirname "$${t%%:*}"); name=$${t#*:}; \
	    echo "go test -run '^\$$' -fuzz '^$$name\$$' -fuzztime $(FUZZTIME) $$dir"; \
	    go test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) "$$dir" || exit 1; \
	  done

fmt:
	gofmt -w $$(git ls-files '*.go')

# Retrain every model of the coach from the training data into coach/models. Training is
# deterministic: make eval checks the committed files byte for byte.
model:
	go run ./coach/internal/train -shared "$(EVAL_DATA)" -out coach/models

# The checks that need the evaluation data: the eval-tagged tests (every model rebuilt byte for
# byte, drafts for every dev message, ...); then the judgement measured: the labelled dev sets
# by 5-fold cross-validation (models trained without each fold judge it), every external set
# with the shipped models; each figure held to its floor in testdata/eval/floors.json and shown
# beside its target.
CV = bin/eval
eval: build
	@test -f "$(EVAL_DATA)/eval/score.py" || { \
	  echo "make eval needs the evaluation data beside the repository (looked in $(EVAL_DATA); set EVAL_DATA)"; exit 1; }
	DEESCALATE_EVAL_DATA="$(EVAL_DATA)" go test -tags eval -count=1 ./...
	@mkdir -p $(CV)
	go run ./coach/internal/train -shared "$(EVAL_DATA)" -cv 5 -predictions $(CV)/cv.jsonl -labels $(CV)/cv-labels.jsonl
	python3 .ci/eval.py --data "$(EVAL_DATA)" --bin bin/deescalate --cv $(CV)/cv.jsonl --cv-labels $(CV)/cv-labels.jsonl --floors testdata/eval/floors.json

# After a change that lifts the figures: rewrite the floors from what is measured now (read the
# diff: a floor that goes down is ground lost).
floors: build
	@mkdir -p $(CV)
	go run ./coach/internal/train -shared "$(EVAL_DATA)" -cv 5 -predictions $(CV)/cv.jsonl -labels $(CV)/cv-labels.jsonl
	python3 .ci/eval.py --data "$(EVAL_DATA)" --bin bin/deescalate --cv $(CV)/cv.jsonl --cv-labels $(CV)/cv-labels.jsonl --floors testdata/eval/floors.json --update

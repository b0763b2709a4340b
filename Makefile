# evoarch build and test targets. `make test` is what CI runs (.ci/run).
GO ?= go
PKGS := ./...
STATICCHECK_VERSION := v0.8.2

.PHONY: build test test-short bench bench-search lint fuzz tools clean

build:
	$(GO) build -o bin/evoarch ./cmd/evoarch

## test: vet and the whole test suite (tests read ../shared/corpus and ../shared/schemas)
test:
	$(GO) vet $(PKGS)
	$(GO) test -count=1 -timeout 15m $(PKGS)

test-short:
	$(GO) test -short -count=1 $(PKGS)

## bench: speed and allocation benchmarks; compare figures within one run (the machines are noisy)
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./genome/... ./sim/... ./evolve/... ./cmd/evoarch/ | tee bench.txt

## bench-search: search quality (GA against exhaustive, random and hill climbing)
bench-search:
	$(GO) test -run '^$$' -bench 'Search' -benchtime 1x ./evolve/... ./cmd/evoarch/

## lint: gofmt, go vet and staticcheck
lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1)
	$(GO) vet $(PKGS)
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) $(PKGS)

## fuzz: run each fuzz target for FUZZTIME (default 30s)
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./genome/cfn
	$(GO) test -run '^$$' -fuzz '^FuzzApply$$' -fuzztime $(FUZZTIME) ./genome/cfn
	$(GO) test -run '^$$' -fuzz '^FuzzApply$$' -fuzztime $(FUZZTIME) ./genome
	$(GO) test -run '^$$' -fuzz '^FuzzScenario$$' -fuzztime $(FUZZTIME) ./scenarios
	$(GO) test -run '^$$' -fuzz '^FuzzCompile$$' -fuzztime $(FUZZTIME) ./sim/compliance

clean:
	rm -rf bin bench.txt

# lleval build.  Each folder is a module built into build/lib<module>.a; the
# command-line front end links them all.  `make check` runs every Check test.
CC ?= gcc
BUILD ?= build
.DEFAULT_GOAL := all
PKGS := sqlite3 gsl check
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# Fallbacks for a first run, before `make deps` has installed pkg-config;
# the targets that install packages re-run make, which then asks pkg-config.
PKG_LIBS := $(shell pkg-config --libs sqlite3 gsl 2>/dev/null || echo -lsqlite3 -lgsl -lgslcblas -lm)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck_pic -lrt -lm -lsubunit)
CFLAGS ?= -O2 -g
ALL_CFLAGS = $(CFLAGS) -std=c11 -D_DEFAULT_SOURCE -DLL_SOURCE_DIR='"$(CURDIR)"' -Wall -Wextra -Werror -Iinclude $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDLIBS := -lcsv -linih -lnettle $(PKG_LIBS) -lm $(EXTRA_LDLIBS)

# Link order: a module comes before the modules it uses.
MODULES := evaluate pool report sdc area costs estimate compare derive synth ingest stats core
define module_rules
$(1)_SRC := $$(wildcard $(1)/*.c)
$(1)_OBJ := $$(patsubst %.c,$(BUILD)/%.o,$$($(1)_SRC))
$(BUILD)/lib$(1).a: $$($(1)_OBJ)
	@mkdir -p $$(@D)
	rm -f $$@
	$$(if $$^,ar rcs $$@ $$^,ar rcs $$@)
endef
$(foreach m,$(MODULES),$(eval $(call module_rules,$(m))))
ALL_LIBS := $(foreach m,$(MODULES),$(BUILD)/lib$(m).a)

# secure/analysis.R: R/analysis.R is kept as a real R file (run and checked
# on its own by make check-r) and embedded in the binary as a table of C
# string lines, generated here (see evaluate/handover.c).
$(BUILD)/gen/analysis_r.c: R/analysis.R scripts/embed-lines.awk
	@mkdir -p $(@D)
	awk -v name=ll_analysis_r -f scripts/embed-lines.awk R/analysis.R > $@.tmp && mv $@.tmp $@
$(BUILD)/gen/analysis_r.o: $(BUILD)/gen/analysis_r.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<
$(BUILD)/libevaluate.a: $(BUILD)/gen/analysis_r.o

# A test program links only the archives it needs, so one module's
# half-written code does not stop another module's tests.
TEST_LIBS_stats := stats core
TEST_LIBS_models := stats core
TEST_LIBS_aipw := stats core
TEST_LIBS_meta := stats core
TEST_LIBS_did := stats core
TEST_LIBS_pool := pool sdc ingest stats core
TEST_LIBS_pool_e2e := core
TEST_LIBS_core := core
TEST_LIBS_costs := costs estimate stats core
TEST_LIBS_synth := synth core
TEST_LIBS_config := core
TEST_LIBS_layers := core
TEST_LIBS_derive := derive core
TEST_LIBS_e2e := core
TEST_LIBS_ingest := ingest core
TEST_LIBS_reliability := ingest core
TEST_LIBS_sdc := sdc stats core
TEST_LIBS_attack := core
TEST_LIBS_report := report sdc estimate compare derive ingest stats core
TEST_LIBS_area := area ingest stats core
TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(patsubst tests/%.c,$(BUILD)/%,$(TEST_SRC))
test_libs = $(foreach m,$(if $(TEST_LIBS_$(1)),$(TEST_LIBS_$(1)),$(MODULES)),$(BUILD)/lib$(m).a)

CLI_SRC := $(wildcard cli/*.c)
CLI_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(CLI_SRC))
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(patsubst bench/%.c,$(BUILD)/%,$(BENCH_SRC))

.PHONY: all deps check check-asan check-valgrind check-r readme-codebook demo bench fuzz clean
all: $(BUILD)/lleval

# Any header change rebuilds: public headers and the modules' internal ones.
$(BUILD)/%.o: %.c $(wildcard include/lleval/*.h) $(wildcard $(addsuffix /*.h,$(MODULES)) cli/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/lleval: $(CLI_OBJ) $(ALL_LIBS)
	$(CC) $(ALL_CFLAGS) -o $@ $(CLI_OBJ) $(ALL_LIBS) $(LDLIBS) $(LDFLAGS)

.SECONDEXPANSION:
$(BUILD)/test_%: tests/test_%.c $$(call test_libs,$$*) $(wildcard tests/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(call test_libs,$*) $(CHECK_LIBS) $(LDLIBS) $(LDFLAGS)

$(BUILD)/bench_%: bench/bench_%.c $(ALL_LIBS)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(ALL_LIBS) $(LDLIBS) $(LDFLAGS)

deps:
	@sh scripts/deps.sh

# The README's test command.  Runs every test program; fails if any fails.
check: deps
	@$(MAKE) --no-print-directory $(BUILD)/lleval $(TEST_BIN)
	@sh scripts/run-tests.sh $(BUILD) $(TEST_BIN)

# The whole suite (incl. the end-to-end test, which runs build-asan/lleval)
# under AddressSanitizer (with LeakSanitizer) and UndefinedBehaviorSanitizer.
# Check's per-test timeouts are stretched for the slower code.
ASAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
check-asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan CC=clang CFLAGS="$(ASAN_FLAGS)" \
	  LDFLAGS="-fsanitize=address,undefined" build-asan/lleval $(patsubst $(BUILD)/%,build-asan/%,$(TEST_BIN))
	@ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:exitcode=86 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=86 CK_TIMEOUT_MULTIPLIER=10 \
	  sh scripts/run-tests.sh build-asan $(patsubst $(BUILD)/%,build-asan/%,$(TEST_BIN))

# secure/analysis.R against the program: on each worked example (and the
# explicit one with comparison = none), Rscript analysis.R in a copy of
# secure/ must reproduce every row of estimates.csv within SPEC 6
# tolerances.  Skipped with a notice when Rscript is absent.
check-r: deps
	@$(MAKE) --no-print-directory $(BUILD)/lleval
	@sh scripts/check-r.sh $(BUILD)/lleval

# Rewrites the README's codebook section from the codebook table
# (`lleval codebook --markdown`); tests/test_handover.c fails when they differ.
readme-codebook: $(BUILD)/lleval
	@sh scripts/readme-codebook.sh $(BUILD)/lleval README.md

# The end-to-end demo (ingest and evaluate of both worked examples) under
# valgrind: any memory error or leak fails.
VALGRIND := valgrind --quiet --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
	--error-exitcode=1 --track-fds=no
check-valgrind: deps
	@$(MAKE) --no-print-directory $(BUILD)/lleval
	@d=$$(mktemp -d /tmp/lleval-valgrind-XXXXXX) && \
	for ex in matched explicit; do \
	  echo "valgrind: lleval demo --example $$ex"; \
	  $(VALGRIND) $(BUILD)/lleval demo --example $$ex --out $$d/$$ex >$$d/$$ex.log 2>&1 \
	    || { cat $$d/$$ex.log; rm -rf $$d; exit 1; }; \
	done; rm -rf $$d; echo "valgrind: no errors, no leaks"

# libFuzzer on the CSV ingest (fuzz/fuzz_ingest.c) for FUZZ_SECONDS.  The
# seeds (fuzz/corpus, from fixtures/) and every kept crash
# (fuzz/regressions, replayed by `make check` too) run first; new inputs go
# to build-fuzz/corpus and a crash to build-fuzz/artifacts/.
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_SRC := fuzz/fuzz_ingest.c $(wildcard ingest/*.c) $(wildcard core/*.c)
build-fuzz/fuzz_ingest: $(FUZZ_SRC) $(wildcard include/lleval/*.h) ingest/internal.h
	@mkdir -p $(@D)
	$(FUZZ_CC) -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=all -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -Iinclude \
	  $(PKG_CFLAGS) -o $@ $(FUZZ_SRC) $(LDLIBS)

fuzz: deps
	@$(MAKE) --no-print-directory build-fuzz/fuzz_ingest
	@mkdir -p build-fuzz/corpus build-fuzz/artifacts
	@build-fuzz/fuzz_ingest -max_total_time=$(FUZZ_SECONDS) -max_len=131072 -timeout=20 \
	  -dict=fuzz/ingest.dict -artifact_prefix=build-fuzz/artifacts/ -print_final_stats=1 \
	  build-fuzz/corpus fuzz/corpus fuzz/regressions \
	  || { echo "fuzz: a failing input is in build-fuzz/artifacts/: fix the bug and keep the input in fuzz/regressions/" >&2; exit 1; }

demo: deps
	@$(MAKE) --no-print-directory $(BUILD)/lleval
	@$(BUILD)/lleval demo --out demo-out

bench: deps
	@$(MAKE) --no-print-directory $(BUILD)/lleval $(BENCH_BIN)
	@bash bench/run.sh

clean:
	rm -rf build build-asan build-fuzz

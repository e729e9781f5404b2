# asys: make check (TLC proves the spec), make test (the unit tests and the fast model check).
# Plain 'make' lists the targets. Every target installs what it needs through Maven.

MVN      ?= mvn -q -B -Dstyle.color=never
JAVA     ?= java
MC_CP     = model-check/target/classes:impl/target/classes
LAUNCHER  = $(JAVA) -cp $(MC_CP) asys.modelcheck.Main
# The property tests' main classes, run by java itself (their summary lines then come out plain).
PT_CP     = property-tests/target/classes:$$(cat property-tests/target/runtime-classpath.txt)
BUILT     = model-check/target/classes/asys/modelcheck/Main.class model-check/target/lib/tla2tools.jar

# T=Class#method: the class. (A "#" outside a function, escaped, is one in every GNU make;
# inside one, make 4.3 and later read the backslash as part of it.)
HASH      := \#
TEST_CLASS = $(firstword $(subst $(HASH), ,$(T)))

.PHONY: test-one help check check-full check-distributed model-scale test fuzz bench bench-full bench-instructions stress mutation clean launcher example trace-throughput

help:
	@echo "asys: asynchronous calls by thread-blocked hook and identity transfer"
	@echo ""
	@echo "  make check       TLC on the default suite (model-check/check.suite): the healthy spec's"
	@echo "                   invariants, refinement and liveness; every broken variant rejected by"
	@echo "                   its property; every witness reached; every branch of Next taken under every"
	@echo "                   invariant ('coverage: B branches, ...'). About 9 minutes on 2 cores."
	@echo "  make check-full  TLC on the larger models (model-check/full.suite: three calls in flight)"
	@echo "  make check-distributed  TLC's distributed mode (TLCServer + DIST_WORKERS TLCWorker processes on"
	@echo "                   loopback, default 2): variants and a witness first, then the check-full model"
	@echo "  make model-scale state counts and TLC times of the healthy runs left by check, check-full and"
	@echo "                   check-distributed: bench/results/model-scale.md and .png"
	@echo "  make test        all JUnit tests (mvn verify), then the fast model check"
	@echo "                   (model-check/test.suite: small healthy model, every variant, every witness);"
	@echo "                   the automatic hook's tests (JDK 17, and JDK 25 where found) print"
	@echo "                   'agent: N raw JDK blocking calls handed off, M traces validated, R rejected';"
	@echo "                   errors injected at every step of the runtime print"
	@echo "                   'errors: P injection points, N injections, L lost, D double, O orphaned'"
	@echo "  make test-one T=Class[#method]  one test class (or method) of any module, with what it needs built"
	@echo "  make fuzz        the JQF campaign on the workload generator (FUZZ_TIME=10m by default);"
	@echo "                   keeps its corpus in property-tests/fuzz-corpus; prints"
	@echo "                   'fuzz: N executions, F failures, R execs/s' and how to reproduce each failure"
	@echo "  make bench       the JMH benchmarks, quick profile (about 13 minutes): asys against a direct"
	@echo "                   call, Vert.x, ForkJoinPool, CompletableFuture, virtual threads (on JDK 25 if"
	@echo "                   found; ASYS_JDK25=DIR to name one), raw JDK blocks with and without the agent,"
	@echo "                   the agent's cost; writes bench/results/quick.json, the"
	@echo "                   plots, and bench/results/quick.md; ends with"
	@echo "                   'bench: N benchmarks, F failed, goals met G of K; T s'"
	@echo "  make bench-full  the same, careful profile (3 forks per row; about 45 minutes)"
	@echo "  make bench-instructions  the instructions a quick call costs its loop's thread, counted by"
	@echo "                   valgrind's callgrind (asys's execute form against the design's steps on a loop,"
	@echo "                   by compiled method; about 90 s; JAVA=... for another JDK, JVM_OPTIONS='...'"
	@echo "                   for more options to both contenders' JVMs, KEEP=1 to keep callgrind's files,"
	@echo "                   removed after a run that succeeds; ANNOTATE=Class::method to read that compiled"
	@echo "                   method instruction by instruction with each one's count per call, by objdump;"
	@echo "                   a \$$ in a name doubled: ANNOTATE='asys.bench.CallsBench\$$\$$DesignSteps::runAll'); ends with"
	@echo "                   'loop-instructions: asysExecute A, designStepsOnLoop D instructions per quick call"
	@echo "                   on the loop (callgrind, N calls); asys's own O'"
	@echo "  make stress      STRESS_CALLS (default 10^7) calls of a realistic mix over 8 identities, checked"
	@echo "                   with an exactly-once ledger; ends with 'stress: N calls, L lost, D double, T s'"
	@echo "  make mutation    PIT on the runtime (impl/): report in impl/target/pit-reports; ends with"
	@echo "                   'mutation: K killed of M mutants, S survived, N no coverage; score P %'"
	@echo "                   (exit 1 below the goal of 85 %; about 30 minutes on 2 cores)"
	@echo "  make example     build the runtime and run the runtime guide's example program (docs/runtime.md)"
	@echo "  make trace-throughput  validate TRACES (default 2000) runtime traces with TLC, to measure events/s"
	@echo "  make clean       remove build output"
	@echo ""
	@echo "  Each check run prints a table, a step table per rejected variant, and ends with"
	@echo "  'check: P passed, R variants rejected as expected, F failed; S distinct states in T s'."

launcher: $(BUILT)

$(BUILT): model-check/pom.xml pom.xml $(wildcard model-check/src/main/java/asys/modelcheck/*.java) impl/src/main/java/asys/runtime/TraceAction.java
	$(MVN) -pl model-check -am package -Dmaven.test.skip=true -Dmaven.javadoc.skip=true -Dmaven.source.skip=true

check: launcher
	$(LAUNCHER) --suite model-check/check.suite

check-full: launcher
	$(LAUNCHER) --suite model-check/full.suite --out model-check/target/tlc-full

test:
	$(MVN) verify
	$(LAUNCHER) --suite model-check/test.suite --out model-check/target/tlc-test --reuse model-check/target/tlc

test-one:
	@test -n "$(T)" || { echo "usage: make test-one T=TestClass[#method]"; exit 2; }
	@m=$$(grep -rlE "class $(TEST_CLASS)\b" --include=*.java */src/test/java | head -1 | cut -d/ -f1); \
	test -n "$$m" || { echo "test-one: no test class $(TEST_CLASS) in any module's src/test/java"; exit 2; }; \
	echo "test-one: $(T) in $$m"; \
	$(MVN) -pl $$m -am verify -Dtest='$(T)' -Dsurefire.failIfNoSpecifiedTests=false -Dasys.failIfNoTests=false -Dmaven.javadoc.skip=true

FUZZ_TIME ?= 10m
FUZZ_CLASS = asys.conformance.WorkloadFuzzTest
FUZZ_METHOD = runtimeKeepsEveryPromise
FUZZ_RESULTS = property-tests/target/fuzz-results/$(FUZZ_CLASS)/$(FUZZ_METHOD)
FUZZ_CORPUS = property-tests/fuzz-corpus
fuzz:
	$(MVN) -pl property-tests -am install -Dmaven.test.skip=true
	cd property-tests && $(MVN) test-compile jqf:fuzz -Dclass=$(FUZZ_CLASS) -Dmethod=$(FUZZ_METHOD) \
	    -Dtime=$(FUZZ_TIME) $$(test -n "$$(ls ../$(FUZZ_CORPUS) 2>/dev/null)" && echo -Din=$(CURDIR)/$(FUZZ_CORPUS))
	mkdir -p $(FUZZ_CORPUS) && cp -r $(FUZZ_RESULTS)/corpus/. $(FUZZ_CORPUS)/
	$(JAVA) -cp "$(PT_CP)" asys.conformance.FuzzSummary $(CURDIR)/$(FUZZ_RESULTS) $(FUZZ_CLASS) $(FUZZ_METHOD)

BENCH_CP = bench/target/classes:bench/target/lib/*

bench:
	$(MVN) -pl bench -am install -Dmaven.test.skip=true
	$(JAVA) -cp '$(BENCH_CP)' asys.bench.BenchMain quick

bench-full:
	$(MVN) -pl bench -am install -Dmaven.test.skip=true
	$(JAVA) -cp '$(BENCH_CP)' asys.bench.BenchMain full

bench-instructions:
	$(MVN) -pl bench -am install -Dmaven.test.skip=true
	$(JAVA) $(if $(KEEP),-Dasys.instructions.keep=true) $(if $(JVM_OPTIONS),'-Dasys.instructions.jvmOptions=$(JVM_OPTIONS)') $(if $(ANNOTATE),'-Dasys.instructions.annotate=$(ANNOTATE)') -cp '$(BENCH_CP)' asys.bench.LoopInstructionsMain

example:
	$(MVN) -pl impl test-compile
	$(JAVA) -cp impl/target/classes:impl/target/test-classes asys.example.Example

TRACES ?= 2000
trace-throughput:
	$(MVN) -pl property-tests -am install -Dmaven.test.skip=true
	$(JAVA) -cp "$(PT_CP)" asys.conformance.CorpusMain $(CURDIR)/property-tests/target/throughput-traces 20261125 $(TRACES)
	$(JAVA) -cp $(MC_CP) asys.modelcheck.TraceValidator \
	    --out property-tests/target/throughput-validation property-tests/target/throughput-traces

DIST_WORKERS ?= 2

check-distributed: launcher
	$(LAUNCHER) --suite model-check/distributed.suite --distributed $(DIST_WORKERS) --out model-check/target/tlc-distributed

model-scale:
	$(MVN) -pl bench -am install -Dmaven.test.skip=true
	$(JAVA) -cp '$(BENCH_CP)' asys.bench.ModelScale bench/results/model-scale.png \
	    model-check/target/tlc model-check/target/tlc-full model-check/target/tlc-distributed

STRESS_CALLS ?= 10000000

stress:
	$(MVN) -pl property-tests -am install -Dmaven.test.skip=true
	$(JAVA) -cp "$(PT_CP)" asys.conformance.Stress $(STRESS_CALLS)

mutation:
	$(MVN) -pl impl,model-check -am install -Dmaven.test.skip=true
	$(MVN) -pl impl test-compile org.pitest:pitest-maven:mutationCoverage
	$(JAVA) -cp $(MC_CP) asys.modelcheck.MutationSummary impl/target/pit-reports/mutations.xml

clean:
	$(MVN) clean

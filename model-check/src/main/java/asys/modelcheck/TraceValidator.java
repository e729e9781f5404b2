package asys.modelcheck;

import asys.runtime.TraceAction;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Trace validation: checks runtime traces (JSON Lines, one event per line, a {@code Layout}
 * event first) against the spec with TLC and spec/AsysTrace.tla. Traces with equal settings
 * (lanes, spare capacity, thread limit, in-flight limit) are checked together in one TLC run: the
 * JVM start and the parse are paid once per group, not per trace, and the traces reach TLC as values
 * built in Java from the JSON files ({@link TraceData}), not as TLA+ text for TLC to parse. Prints, per rejected trace, the
 * first event no spec action can take, the spec's state before it, and the actions enabled there;
 * then {@code trace-validation: N traces, E events, X rejected, R events/s}.
 */
public final class TraceValidator {

    /** TLC runs at once: one per core of the 2-core machines this runs on. */
    static final int PARALLEL_GROUPS = Integer.getInteger("asys.trace.parallel", 2);
    /** TLC workers per run: one, as two runs at once already use both cores (measured: 1 worker is as fast). */
    static final String TLC_WORKERS = System.getProperty("asys.trace.workers", "1");

    /** The newest trace format this validator reads (the Layout event's {@code format}). */
    public static final int FORMAT = 1;

    static final Set<String> ACTIONS = actions();

    /** The spec actions of the runtime's trace format ({@link TraceAction}: every action but Layout). */
    private static Set<String> actions() {
        Set<String> names = new java.util.LinkedHashSet<>();
        for (TraceAction a : TraceAction.values()) if (a.isSpecAction()) names.add(a.name());
        return java.util.Collections.unmodifiableSet(names);
    }

    /** One trace file, read and checked for form. */
    public record Trace(Path file, Map<String, Object> layout, List<Map<String, Object>> events, List<Integer> lines) {
        String groupKey() {
            return "lanes" + layout.get("lanes") + "-cap" + layout.get("spareCapacity") + "-floor" + spareFloor(layout) + "-threads"
                    + layout.get("threadLimit") + "-limit" + layout.get("inFlightLimit");
        }
    }

    /** The pool's floor the Layout gives; a trace of a runtime before the adaptive pool has none,
     *  its pools fixed at their capacity. */
    static Object spareFloor(Map<String, Object> layout) {
        return layout.getOrDefault("spareFloor", layout.get("spareCapacity"));
    }

    /** A trace's verdict. */
    public record Verdict(Trace trace, boolean accepted, int stuckAt, String event, String state, String enabled) {}

    /** The outcome of a validation run. */
    public record Report(List<Verdict> verdicts, long events, double tlcSeconds, List<String> problems) {
        public long rejected() { return verdicts.stream().filter(v -> !v.accepted()).count(); }
        public String summary() {
            // events per second of wall time spent running TLC (JVM start and parse included)
            return String.format("trace-validation: %d traces, %d events, %d rejected, %.0f events/s",
                    verdicts.size(), events, rejected(), tlcSeconds > 0 ? events / tlcSeconds : 0.0);
        }
    }

    private TraceValidator() {}

    /** Reads and checks the form of one trace file; errors name the file and line. */
    @SuppressWarnings("unchecked")
    public static Trace read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + ": trace file not found");
        List<String> lines = Files.readAllLines(file);
        Map<String, Object> layout = null;
        List<Map<String, Object>> events = new ArrayList<>();
        List<Integer> numbers = new ArrayList<>();
        for (int n = 1; n <= lines.size(); n++) {
            String line = lines.get(n - 1).strip();
            if (line.isEmpty()) continue;
            String where = file + ":" + n + ": ";
            Object parsed;
            try {
                parsed = Json.parse(line);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + "not JSON (" + e.getMessage() + "); a truncated file?");
            }
            if (!(parsed instanceof Map)) throw new IllegalArgumentException(where + "an event must be a JSON object");
            Map<String, Object> ev = (Map<String, Object>) parsed;
            Object action = ev.get("action");
            if (!(action instanceof String a)) throw new IllegalArgumentException(where + "event has no \"action\"");
            if (layout == null) {
                if (!a.equals("Layout")) throw new IllegalArgumentException(where + "the first event must be Layout, got " + a);
                Object format = ev.getOrDefault("format", 1L);
                if (!(format instanceof Long f) || f > FORMAT) {
                    throw new IllegalArgumentException(where + "trace format " + format + " is newer than this validator reads ("
                            + FORMAT + ")");
                }
                for (String k : List.of("lanes", "spareCapacity", "threadLimit", "inFlightLimit", "pooled", "carriers")) {
                    if (!ev.containsKey(k)) throw new IllegalArgumentException(where + "Layout lacks \"" + k + "\"");
                }
                layout = ev;
                continue;
            }
            if (a.equals("Layout")) throw new IllegalArgumentException(where + "a second Layout event");
            if (!ACTIONS.contains(a)) throw new IllegalArgumentException(where + "unknown action \"" + a + "\"");
            for (String f : TraceAction.valueOf(a).required()) {
                if (!ev.containsKey(f)) throw new IllegalArgumentException(where + a + " event lacks \"" + f + "\"");
            }
            events.add(ev);
            numbers.add(n);
        }
        if (layout == null) throw new IllegalArgumentException(file + ": empty trace (no Layout event)");
        return new Trace(file, layout, events, numbers);
    }

    /** Validates the traces; TLC output under {@code out}/&lt;group&gt;/. */
    public static Report validate(List<Trace> traces, Path spec, Path out, Path jar, PrintStream err) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("TLC not found at " + jar + ": build it with 'mvn -q -pl model-check package'");
        }
        Map<String, List<Trace>> groups = new TreeMap<>();
        for (Trace t : traces) groups.computeIfAbsent(t.groupKey(), k -> new ArrayList<>()).add(t);
        List<Verdict> verdicts = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        long events = 0;
        long t0 = System.nanoTime();
        // First pass: TraceAccepted, cheap. Second pass, only over the traces not accepted:
        // TraceReport, which finds the first event no step matches and what was enabled there.
        Map<String, TlcProcess.Result> first = runGroups(groups, "TraceAccepted", out.resolve("pass1"), spec, jar, err);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, List<Trace>> notAccepted = new TreeMap<>();
        Map<Trace, Verdict> verdictOf = new LinkedHashMap<>();
        for (Map.Entry<String, List<Trace>> g : groups.entrySet()) {
            List<Trace> group = g.getValue();
            TlcProcess.Result res = first.get(g.getKey());
            TlcOutput parsed = TlcOutput.parse(res.output(), res.exitCode());
            if (parsed.verdict() != TlcOutput.Verdict.PASSED) {
                problems.add(g.getKey() + ": TLC " + parsed.verdict() + ": " + parsed.problemSummary()
                        + " (see " + out.resolve("pass1").resolve(g.getKey()) + "/tlc.out)");
            }
            Map<Integer, Verdict> byTrace = readVerdicts(res.output(), group);
            for (int t = 1; t <= group.size(); t++) {
                Verdict v = byTrace.get(t);
                if (v != null && v.accepted()) verdictOf.put(group.get(t - 1), v);
                else notAccepted.computeIfAbsent(g.getKey(), k -> new ArrayList<>()).add(group.get(t - 1));
                events += group.get(t - 1).events().size();
            }
        }
        if (!notAccepted.isEmpty()) {
            Map<String, TlcProcess.Result> second = runGroups(notAccepted, "TraceReport", out.resolve("pass2"), spec, jar, err);
            for (Map.Entry<String, List<Trace>> g : notAccepted.entrySet()) {
                TlcProcess.Result res = second.get(g.getKey());
                TlcOutput parsed = TlcOutput.parse(res.output(), res.exitCode());
                if (parsed.verdict() != TlcOutput.Verdict.PASSED) {
                    problems.add(g.getKey() + " (diagnosis): TLC " + parsed.verdict() + ": " + parsed.problemSummary()
                            + " (see " + out.resolve("pass2").resolve(g.getKey()) + "/tlc.out)");
                }
                Map<Integer, Verdict> byTrace = readVerdicts(res.output(), g.getValue());
                for (int t = 1; t <= g.getValue().size(); t++) {
                    Trace trace = g.getValue().get(t - 1);
                    Verdict v = byTrace.get(t);
                    verdictOf.put(trace, v != null ? v : new Verdict(trace, false, 1, "(TLC reported nothing for this trace)", "", ""));
                }
            }
        }
        for (Trace t : traces) verdicts.add(verdictOf.get(t));
        return new Report(verdicts, events, seconds, problems);
    }

    /** One TLC run per group, two at a time (one TLC worker each; see TLC_WORKERS). */
    static Map<String, TlcProcess.Result> runGroups(Map<String, List<Trace>> groups, String invariant, Path out, Path spec,
                                                    Path jar, PrintStream err) throws IOException {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(PARALLEL_GROUPS);
        Map<String, java.util.concurrent.Future<TlcProcess.Result>> runs = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, List<Trace>> g : groups.entrySet()) {
                Path dir = out.resolve(g.getKey());
                StringBuilder files = new StringBuilder();
                for (Trace t : g.getValue()) files.append(t.file().toAbsolutePath()).append('\n');
                TlcProcess.prepare(dir, spec, List.of(new String[] {"AsysTraceData.tla", dataModule(g.getValue())},
                        new String[] {"AsysTrace.cfg", CONFIG + "INVARIANT " + invariant + "\n"},
                        new String[] {TRACE_LIST, files.toString()}));
                List<String> jvm = new ArrayList<>(TRACE_JVM);
                jvm.add("-D" + TRACE_FILES_PROPERTY + "=" + dir.resolve(TRACE_LIST).toAbsolutePath());
                runs.put(g.getKey(), pool.submit(() -> TlcProcess.run(dir, "AsysTrace.cfg", "AsysTrace",
                        List.of(jar, ownClasses(), classesOf(TraceAction.class)), jvm, TLC_WORKERS, List.of("-deadlock"), "trace " + g.getKey(), err)));
            }
            Map<String, TlcProcess.Result> results = new LinkedHashMap<>();
            for (Map.Entry<String, java.util.concurrent.Future<TlcProcess.Result>> r : runs.entrySet()) {
                try {
                    results.put(r.getKey(), r.getValue().get());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while TLC validated " + r.getKey(), e);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IOException("TLC run for " + r.getKey() + " failed: " + e.getCause(), e.getCause());
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The system property, in TLC's JVM, naming the group's list of trace files. */
    static final String TRACE_FILES_PROPERTY = "asys.trace.files";

    /** The list of a group's trace files, one path a line, that {@link TraceData} reads in TLC. */
    static final String TRACE_LIST = "traces.txt";

    /** The JVM options of a trace run: a few seconds long, so the serial collector and the
     *  quick compiler only (the optimising compiler's threads cost more than they gained here). */
    static final List<String> TRACE_JVM = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    /** Where this class was loaded from (a classes directory or a jar): TLC needs {@link TraceData}. */
    static Path ownClasses() { return classesOf(TraceValidator.class); }

    /** Where {@code c} was loaded from: TLC needs the trace format's {@link TraceAction} too. */
    static Path classesOf(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("cannot locate the classes of " + c.getName(), e);
        }
    }

    static final String CONFIG = """
            \\* generated by TraceValidator: the constants of Asys come from AsysTraceData
            CONSTANTS
              CPU <- TraceCPU
              KThread <- TraceKThread
              Identity <- TraceIdentity
              Call <- TraceCall
              PoolCap <- TracePoolCap
              PoolFloor <- TracePoolFloor
              Limit <- TraceLimit
              WithClose = TRUE
              Fault = "none"
              NoThread = NoThread
              NoId = NoId
              NoCall = NoCall
              NoCpu = NoCpu
            INIT TraceInit
            NEXT TraceNext
            """;

    /** The generated module: the group's settings as Asys's constants. The traces themselves are
     *  {@code Traces}, defined in Java by {@link TraceData}, which reads the files of the group. */
    @SuppressWarnings("unchecked")
    static String dataModule(List<Trace> group) {
        Map<String, Object> l0 = group.get(0).layout();
        long maxId = 0, maxCall = 0;
        for (Trace t : group) {
            for (Object c : (List<Object>) t.layout().get("carriers")) maxId = Math.max(maxId, (Long) ((List<Object>) c).get(0));
            for (Map<String, Object> e : t.events()) {
                if (e.get("call") instanceof Long c) maxCall = Math.max(maxCall, c);
            }
        }
        return "---------------------------- MODULE AsysTraceData ----------------------------\n"
                + "\\* Generated by TraceValidator for " + group.size() + " runtime traces (listed in " + TRACE_LIST + "). Do not edit.\n"
                + "EXTENDS Naturals, Sequences, TLC\n\n"
                + "TraceCPU      == 0.." + ((Long) l0.get("lanes") - 1) + "\n"
                + "TraceKThread  == 1.." + l0.get("threadLimit") + "\n"
                + "TraceIdentity == 1.." + maxId + "\n"
                + "TraceCall     == 1.." + maxCall + "\n"
                + "TracePoolCap  == " + l0.get("spareCapacity") + "\n"
                + "TracePoolFloor == " + spareFloor(l0) + "\n"
                + "TraceLimit    == " + l0.get("inFlightLimit") + "\n\n"
                + "\\* The traces: <<[layout |-> [pooled, carriers], events |-> <<event, ...>>], ...>>, defined in\n"
                + "\\* Java (asys.modelcheck.TraceData, found by TLC through tlc2.overrides.TLCOverrides in model-check's\n"
                + "\\* classes, reading -D" + TRACE_FILES_PROPERTY + "=" + TRACE_LIST + "); this body only says so when TLC runs without them.\n"
                + "Traces == Assert(FALSE, \"AsysTraceData!Traces is defined in Java: run TLC with model-check's classes on the "
                + "class path and -D" + TRACE_FILES_PROPERTY + "=" + TRACE_LIST + " (see command.txt)\")\n"
                + "=============================================================================\n";
    }

    /** Reads TRACE_OK and TRACE_STUCK lines; a trace is stuck at the highest index printed for it. */
    static Map<Integer, Verdict> readVerdicts(String output, List<Trace> group) {
        Map<Integer, Verdict> out = new LinkedHashMap<>();
        Map<Integer, Verdict> stuck = new LinkedHashMap<>();
        String[] lines = output.split("\n");
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            String head = line.replace(" ", "");
            if (head.startsWith("<<\"TRACE_OK\"")) {
                StringBuilder sb = new StringBuilder(line);
                while (!balanced(sb) && n + 1 < lines.length) sb.append('\n').append(lines[++n]);
                line = sb.toString();
                TlaValue.Collection v = (TlaValue.Collection) TlaValue.parse(line.strip());
                int t = Integer.parseInt(v.elements().get(1).text());
                out.put(t, new Verdict(group.get(t - 1), true, -1, "", "", ""));
            } else if (head.startsWith("<<\"TRACE_STUCK\"")) {
                StringBuilder sb = new StringBuilder(line);
                while (!balanced(sb) && n + 1 < lines.length) sb.append('\n').append(lines[++n]);
                TlaValue.Collection v = (TlaValue.Collection) TlaValue.parse(sb.toString().strip());
                int t = Integer.parseInt(v.elements().get(1).text());
                int i = Integer.parseInt(v.elements().get(2).text());
                Verdict prev = stuck.get(t);
                if (prev == null || i > prev.stuckAt()) {
                    String enabled = v.elements().size() > 5 ? v.elements().get(5).text() : "";
                    stuck.put(t, new Verdict(group.get(t - 1), false, i, v.elements().get(3).text(),
                            v.elements().get(4).text(), enabled));
                }
            }
        }
        stuck.forEach(out::putIfAbsent);
        return out;
    }

    private static boolean balanced(StringBuilder sb) {
        int depth = 0;
        boolean inString = false;
        for (int k = 0; k < sb.length(); k++) {
            char c = sb.charAt(k);
            if (c == '"' && (k == 0 || sb.charAt(k - 1) != '\\')) inString = !inString;
            if (inString) continue;
            if (c == '<' && k + 1 < sb.length() && sb.charAt(k + 1) == '<') { depth++; k++; }
            else if (c == '>' && k + 1 < sb.length() && sb.charAt(k + 1) == '>') { depth--; k++; }
        }
        return depth <= 0;
    }

    /** Prints the rejected traces and the summary line. */
    public static void print(Report r, PrintStream out) {
        for (Verdict v : r.verdicts()) {
            if (v.accepted()) continue;
            Trace t = v.trace();
            int idx = Math.max(1, v.stuckAt());
            String line = idx <= t.lines().size() ? String.valueOf(t.lines().get(idx - 1)) : "?";
            out.printf("REJECTED %s: event %d (line %s) matches no step of the spec%n", t.file(), idx, line);
            out.printf("  event:   %s%n", v.event());
            if (!v.enabled().isEmpty()) out.printf("  enabled: %s%n", v.enabled());
            if (!v.state().isEmpty()) out.printf("  state before it: %s%n", v.state().replace("\n", " "));
        }
        r.problems().forEach(p -> out.println("PROBLEM " + p));
        out.println(r.summary());
    }

    /** {@code TraceValidator [--out DIR] [--spec DIR] [--tla2tools JAR] FILE_OR_DIR...}: exit 1 if any is rejected. */
    public static void main(String[] args) {
        int code;
        try {
            Path out = Path.of("model-check", "target", "trace-validation"), spec = Path.of("spec");
            Path jar = Path.of("model-check", "target", "lib", "tla2tools.jar");
            List<Path> inputs = new ArrayList<>();
            for (int k = 0; k < args.length; k++) {
                switch (args[k]) {
                    case "--out" -> out = Path.of(args[++k]);
                    case "--spec" -> spec = Path.of(args[++k]);
                    case "--tla2tools" -> jar = Path.of(args[++k]);
                    default -> inputs.add(Path.of(args[k]));
                }
            }
            if (inputs.isEmpty()) throw new IllegalArgumentException("usage: TraceValidator [--out DIR] [--spec DIR] [--tla2tools JAR] FILE_OR_DIR...");
            List<Trace> traces = new ArrayList<>();
            for (Path p : inputs) {
                if (Files.isDirectory(p)) {
                    try (Stream<Path> s = Files.list(p)) {
                        for (Path f : s.filter(f -> f.toString().endsWith(".jsonl")).sorted().toList()) traces.add(read(f));
                    }
                } else {
                    traces.add(read(p));
                }
            }
            if (traces.isEmpty()) throw new IllegalArgumentException("no .jsonl traces in " + inputs);
            Report r = validate(traces, spec, out, jar, System.err);
            print(r, System.out);
            code = r.rejected() == 0 && r.problems().isEmpty() ? 0 : 1;
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("trace-validation: " + e.getMessage());
            code = 2;
        }
        System.exit(code);
    }
}

package asys.bench;

import asys.modelcheck.Jdk25;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code make bench} / {@code make bench-full}: runs every scenario's JMH benchmarks (the virtual
 * thread ones, and asys beside them, on the JDK 25 it finds), writes one JSON file under
 * {@code bench/results/} with the JDK, the machine and the date, renders the plots, writes this
 * run's tables to {@code bench/results/<profile>.md} (which docs/benchmarks.md links), and ends with
 * {@code bench: N benchmarks, F failed, goals met G of K; T s} (exit 1 when a benchmark failed).
 *
 * <p>Usage: {@code BenchMain quick|full [--out DIR] [--only NAME,NAME]}.
 */
public final class BenchMain {

    /** One JMH run: a name, the benchmarks (a regular expression), parameters, the JVM, and how many
     *  times the profile's measured iterations it takes (rows of a few ns need more to be judged). */
    record Run(String name, String include, Map<String, String[]> params, boolean jdk25, int iterationScale, boolean gc) {
        Run(String name, String include, Map<String, String[]> params, boolean jdk25, int iterationScale) {
            this(name, include, params, jdk25, iterationScale, false);
        }

        Run(String name, String include, Map<String, String[]> params, boolean jdk25) {
            this(name, include, params, jdk25, 1);
        }
    }

    /** The runs, each a piece of one or more scenarios. */
    static List<Run> runs() {
        String peers = "direct|asys|asysExecute|vertx|forkJoinManagedBlock|completableFuture";
        // The rows the goals judge are a few ns apart: three times the measured iterations, and
        // the allocation per call (JMH's GC profiler) for the fast path.
        return List.of(
                new Run("s1-fast-path", "CallsBench\\.(" + peers + "|asysTraced|queuedLoop|designSteps|designStepsOnLoop)$", Map.of("share", new String[] {"0"}), false, 3, true),
                new Run("s2-mixed", "CallsBench\\.(" + peers + ")$", Map.of("share", new String[] {"1"}), false, 3),
                new Run("s1-s2-jdk25", "CallsBench\\.(asys|asysExecute|virtualThreads)$", Map.of("share", new String[] {"0", "1"}), true),
                new Run("s3-handoff", "HandoffBench\\.", Map.of(), false),
                new Run("s4-stall", "\\.StallBench\\.", Map.of(), false),
                new Run("s5-identities", "ScaleBench\\.", Map.of(), false),
                new Run("s5-share", "CallsBench\\.(asys|vertx)$", Map.of("share", new String[] {"10", "50"}), false),
                new Run("s6-raw-stall", "RawStallBench\\.(plainLoop|asysWithoutAgent|asysWithAgent|vertx)(OnLoop|OnLoopRunDelay)?$",
                        Map.of("block", new String[] {"park", "socket"}), false),
                new Run("s6-raw-stall-jdk25", "RawStallBench\\.(asysWithAgent|virtualThreadPerCall)(OnLoop|OnLoopRunDelay)?$",
                        Map.of("block", new String[] {"park", "socket", "sleep"}), true),
                new Run("s7-agent-cost", "AgentCostBench\\.", Map.of("agent", new String[] {"off", "on"}), false, 4),
                new Run("s8-pool", "PoolBench\\.", Map.of(), false));
    }

    /** Quick: one fork. Full: three forks (each row measured in three JVMs, so that its error
     *  covers what differs between JIT runs), one more warm-up iteration. */
    record Profile(String name, int forks, int warmups, TimeValue warmup, int iterations, TimeValue measurement) {
        static Profile of(String name) {
            return switch (name) {
                case "quick" -> new Profile("quick", 1, 2, TimeValue.seconds(1), 3, TimeValue.seconds(1));
                case "full" -> new Profile("full", 3, 3, TimeValue.seconds(1), 3, TimeValue.seconds(1));
                default -> throw new IllegalArgumentException("unknown profile '" + name + "': quick or full");
            };
        }
    }

    private BenchMain() {}

    public static void main(String[] args) throws IOException {
        long t0 = System.nanoTime();
        if (args.length == 0) {
            System.err.println("usage: BenchMain quick|full [--out DIR] [--only NAME,NAME]");
            System.exit(2);
        }
        Profile profile;
        Path out = Path.of("bench", "results");
        List<String> only = new ArrayList<>();
        try {
            profile = Profile.of(args[0]);
            for (int k = 1; k < args.length; k++) {
                switch (args[k]) {
                    case "--out" -> out = Path.of(args[++k]);
                    case "--only" -> only.addAll(List.of(args[++k].split(",")));
                    default -> throw new IllegalArgumentException("unknown option " + args[k]);
                }
            }
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        Files.createDirectories(out);
        Jdk25 jdk25 = Jdk25.find();
        System.out.println(jdk25.path() == null
                ? "bench: no JDK 25 found (" + jdk25.why() + "): the virtual-thread contender is skipped"
                : "bench: virtual threads on " + jdk25.path() + " (" + jdk25.version() + ")");

        Map<String, Collection<RunResult>> results = new LinkedHashMap<>();
        Map<String, String> json = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        List<String> remeasured = new ArrayList<>();
        int benchmarks = 0;
        for (Run run : runs()) {
            if (!only.isEmpty() && !only.contains(run.name())) continue;
            if (run.jdk25() && jdk25.path() == null) continue;
            Path file = out.resolve(profile.name() + "-" + run.name() + ".jmh.json");
            ChainedOptionsBuilder o = options(run, profile, jdk25, file, profile.iterations() * run.iterationScale())
                    .include(run.include());
            run.params().forEach(o::param);
            System.out.println("bench: run " + run.name() + " (" + run.include() + ")");
            try {
                Collection<RunResult> r = new Runner(o.build()).run();
                benchmarks += r.size();
                json.put(run.name(), Files.readString(file));
                results.put(run.name(), r);   // (kept should a second measurement fail)
                results.put(run.name(), remeasureWide(run, profile, jdk25, r, out, json, remeasured));
            } catch (RunnerException e) {
                failures.add(run.name() + ": " + e.getMessage());
                System.out.println("bench: FAILED " + run.name() + ": " + e.getMessage());
                if (Files.exists(file)) json.put(run.name(), Files.readString(file));
            } finally {
                Files.deleteIfExists(file);
            }
        }
        String date = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        Machine machine = Machine.read();
        Path jsonFile = out.resolve(profile.name() + ".json");
        Files.writeString(jsonFile, envelope(profile, date, machine, jdk25, json, failures));

        Report report = new Report(profile.name(), date, machine, jdk25, results, remeasured, out);
        report.plots();
        String section = report.markdown();
        Files.writeString(out.resolve(profile.name() + ".md"), section);
        System.out.println(section);
        failures.forEach(f -> System.out.println("bench: FAILED " + f));
        System.out.printf("bench: %d benchmarks, %d failed, goals met %d of %d; %.0f s%n", benchmarks, failures.size(),
                report.goalsMet(), report.goals().size(), (System.nanoTime() - t0) / 1e9);
        System.exit(failures.isEmpty() ? 0 : 1);
    }

    /** A run's JMH options but for what it includes and its parameters: {@code iterations}
     *  measured, its results written as JSON to {@code file}. */
    private static ChainedOptionsBuilder options(Run run, Profile profile, Jdk25 jdk25, Path file, int iterations) {
        ChainedOptionsBuilder o = new OptionsBuilder().forks(profile.forks())
                .warmupIterations(profile.warmups()).warmupTime(profile.warmup())
                .measurementIterations(iterations).measurementTime(profile.measurement())
                .shouldFailOnError(true).result(file.toString()).resultFormat(ResultFormatType.JSON);
        if (run.gc()) o.addProfiler(org.openjdk.jmh.profile.GCProfiler.class);
        if (run.jdk25()) o.jvm(jdk25.path());
        return o;
    }

    /**
     * The rows a goal reads, per run (their benchmark methods). One whose error exceeds 20 % of
     * its score ({@link Report#wide}) is measured once more with twice the iterations, and the
     * second measurement replaces the first whatever it gives, so that a goal is judged on a
     * row narrow enough to judge it on this noisy machine kind without lengthening every row.
     */
    static final Map<String, String> JUDGED = Map.of(
            "s1-fast-path", "direct|queuedLoop|designSteps|designStepsOnLoop|asys|asysExecute|vertx",
            "s2-mixed", "asysExecute|vertx");

    /** {@code rs} with each wide row that a goal reads measured again (see {@link #JUDGED}); the
     *  second measurement's JSON goes into {@code json}, its row's name into {@code remeasured}. */
    private static Collection<RunResult> remeasureWide(Run run, Profile profile, Jdk25 jdk25, Collection<RunResult> rs, Path out,
                                                       Map<String, String> json, List<String> remeasured) throws RunnerException, IOException {
        String judged = JUDGED.get(run.name());
        if (judged == null) return rs;
        List<RunResult> kept = new ArrayList<>();
        for (RunResult r : rs) {
            String benchmark = r.getParams().getBenchmark(), method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            if (!method.matches(judged) || !Report.wide(r)) {
                kept.add(r);
                continue;
            }
            int iterations = 2 * profile.iterations() * run.iterationScale();
            Path file = out.resolve(profile.name() + "-" + run.name() + "-" + method + ".jmh.json");
            ChainedOptionsBuilder o = options(run, profile, jdk25, file, iterations).include("^" + Pattern.quote(benchmark) + "$");
            for (String k : r.getParams().getParamsKeys()) o.param(k, r.getParams().getParam(k));
            String first = String.format(Locale.ROOT, "± %.0f %%", 100 * r.getPrimaryResult().getScoreError() / r.getPrimaryResult().getScore());
            System.out.println("bench: measure " + method + " of " + run.name() + " again, " + iterations + " iterations (error " + first + ")");
            try {
                Collection<RunResult> again = new Runner(o.build()).run();
                kept.addAll(again);
                json.put(run.name() + " " + method + " again", Files.readString(file));
                for (RunResult a : again) {
                    remeasured.add(String.format(Locale.ROOT, "`%s` of %s (error %s, then ± %.0f %%)", method, run.name(), first,
                            100 * a.getPrimaryResult().getScoreError() / a.getPrimaryResult().getScore()));
                }
            } finally {
                Files.deleteIfExists(file);
            }
        }
        return kept;
    }

    static String envelope(Profile p, String date, Machine m, Jdk25 j, Map<String, String> runs, List<String> failures) {
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"command\": ").append(q(p.name().equals("quick") ? "make bench" : "make bench-full")).append(",\n");
        sb.append("  \"profile\": ").append(q(p.name())).append(",\n");
        sb.append("  \"date\": ").append(q(date)).append(",\n");
        sb.append("  \"machine\": {\"cores\": ").append(m.cores()).append(", \"cpu\": ").append(q(m.cpu()))
                .append(", \"memoryMiB\": ").append(m.memoryMiB()).append(", \"os\": ").append(q(m.os())).append("},\n");
        sb.append("  \"jdk\": {\"host\": ").append(q(System.getProperty("java.home") + " " + System.getProperty("java.version")))
                .append(", \"jdk25\": ").append(j.path() == null ? "null" : q(j.path() + " " + j.version())).append("},\n");
        sb.append("  \"failures\": [");
        for (int k = 0; k < failures.size(); k++) sb.append(k == 0 ? "" : ", ").append(q(failures.get(k)));
        sb.append("],\n  \"runs\": {");
        boolean first = true;
        for (Map.Entry<String, String> e : runs.entrySet()) {
            sb.append(first ? "\n" : ",\n").append("    ").append(q(e.getKey())).append(": ").append(e.getValue().strip());
            first = false;
        }
        return sb.append("\n  }\n}\n").toString();
    }

    static String q(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return sb.append('"').toString();
    }

    /** The machine the run was on. */
    record Machine(int cores, String cpu, long memoryMiB, String os) {
        static Machine read() {
            String cpu = "unknown";
            long mem = -1;
            try {
                for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                    if (l.startsWith("model name")) {
                        cpu = l.substring(l.indexOf(':') + 1).strip();
                        break;
                    }
                }
                for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                    if (l.startsWith("MemTotal:")) mem = Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024;
                }
            } catch (IOException | RuntimeException e) {
                // not Linux: the fields stay unknown
            }
            return new Machine(Runtime.getRuntime().availableProcessors(), cpu, mem,
                    System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        }
    }

    /** The JDK 25 for virtual threads: $ASYS_JDK25, else the usual Temurin place, else any JDK 25 under /usr/lib/jvm. */
}

package asys.conformance;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import asys.agent.AsysAgent;
import asys.modelcheck.Jdk25;
import asys.modelcheck.TraceValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;

/**
 * The automatic hook, on the JDK that runs the build (self-attached) and on a JDK 25 found at run
 * time (with {@code -javaagent}, in a child JVM): every JDK blocking entry point fires where it
 * should and not where a cheap check shows it will not block; generated workloads whose calls
 * block only in raw JDK methods, and one scenario per kind of raw block (a JDBC query over TCP
 * among them), are traced, and TLC validates every trace against the same spec. Prints
 * {@code agent: N raw JDK blocking calls handed off, M traces validated, R rejected}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AutomaticHookConformanceTest {

    static final long SEED = 20261202L;
    static final int WORKLOADS = 60;
    static final int ROUNDS = 2;
    static final Path DIR = Conformance.TARGET.resolve("agent");

    private List<RawBlocks.Row> here;
    private final List<String> problems = new ArrayList<>();
    private List<RawBlocks.Row> jdk25;
    private String jdk25Skip;

    @BeforeAll
    void run() throws Exception {
        Corpus.recreate(DIR);
        Path mine = DIR.resolve("jdk" + Runtime.version().feature());
        for (WorkloadRunner.Run r : Corpus.runAndWrite(SEED, WORKLOADS, mine.resolve("raw"), Integer.MAX_VALUE,
                WorkloadRunner.Mode.RAW, "raw")) {
            for (String v : r.violations()) problems.add(r.workload() + ": " + v);
        }
        for (RawScenarios.Result r : RawScenarios.runAndWrite(mine.resolve("scenarios"), ROUNDS)) problems.addAll(r.problems());
        JdbcOverTcpTest.startServer();
        try {
            for (int k = 0; k < ROUNDS; k++) {
                RawScenarios.Result r = JdbcOverTcpTest.scenario();
                Files.write(mine.resolve("scenarios").resolve("scenario-jdbc-" + k + ".jsonl"), r.trace());
                problems.addAll(r.problems());
            }
        } finally {
            JdbcOverTcpTest.stopServer();
        }
        here = RawBlocks.run(mine.resolve("coverage-files"));
        runOnJdk25();
        writeCoverage(DIR.resolve("coverage.md"));
    }

    /** The coverage table as run, one column per JDK (docs/agent.md gives it with the checks). */
    private void writeCoverage(Path file) throws IOException {
        int feature = Runtime.version().feature();
        Map<String, RawBlocks.Row> other = jdk25 == null ? Map.of() : RawBlocks.byEntry(jdk25);
        StringBuilder md = new StringBuilder("| entry point | site | JDK " + feature + ": fires when it blocks | when it would not"
                + " | JDK 25: fires when it blocks | when it would not |\n|---|---|---|---|---|---|\n");
        for (RawBlocks.Row r : here) {
            RawBlocks.Row o = other.get(r.entry());
            md.append("| ").append(r.entry()).append(" | ").append(r.site()).append(" | ").append(yes(r.fires())).append(" | ")
                    .append(r.firesWhenNotBlocking() == null ? "" : yes(r.firesWhenNotBlocking())).append(" | ")
                    .append(o == null ? "not run" : yes(o.fires())).append(" | ")
                    .append(o == null || o.firesWhenNotBlocking() == null ? "" : yes(o.firesWhenNotBlocking())).append(" |\n");
        }
        Files.writeString(file, md);
    }

    private static String yes(boolean b) { return b ? "yes" : "no"; }

    /** AgentCorpusMain on JDK 25 with -javaagent: its traces land beside ours, its rows come back. */
    private void runOnJdk25() throws Exception {
        Jdk25 j = Jdk25.find();
        if (j.path() == null) {
            jdk25Skip = "no JDK 25 found (" + j.why() + "; set ASYS_JDK25 to one): the agent is tested on JDK "
                    + Runtime.version().feature() + " only";
            System.out.println("agent: " + jdk25Skip);
            return;
        }
        Path out = DIR.resolve("jdk25");
        Path log = DIR.resolve("jdk25.log");
        Process p = new ProcessBuilder(j.path(), "-javaagent:" + agentJar(), "-cp", System.getProperty("java.class.path"),
                AgentCorpusMain.class.getName(), out.toString(), String.valueOf(SEED), String.valueOf(WORKLOADS),
                String.valueOf(ROUNDS)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            problems.add("JDK 25 child did not finish in 5 minutes: see " + log);
            return;
        }
        List<String> lines = Files.readAllLines(log);
        if (p.exitValue() != 0 || !lines.contains("done")) {
            problems.add("JDK 25 child exited " + p.exitValue() + ": see " + log);
            return;
        }
        jdk25 = new ArrayList<>();
        for (String l : lines) {
            if (l.startsWith("coverage\t")) jdk25.add(RawBlocks.Row.parse(l));
            if (l.startsWith("problem\t")) problems.add("JDK 25: " + l.substring(8));
            if (l.startsWith("weave-errors\t") && !l.equals("weave-errors\t[]")) problems.add("JDK 25: " + l);
        }
    }

    /** The agent's jar, for -javaagent: the jar on this class path, else the one the build made. */
    static Path agentJar() throws Exception {
        Path here = Path.of(AsysAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isRegularFile(here)) return here;
        try (var s = Files.list(Conformance.ROOT.resolve("agent/target"))) {
            return s.filter(f -> f.getFileName().toString().matches("asys-agent-[^-].*\\.jar") && !f.toString().endsWith("-sources.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no agent jar in agent/target: run mvn package"));
        } catch (IOException e) {
            throw new IllegalStateException("no agent jar: " + here + " is not a jar and agent/target cannot be read", e);
        }
    }

    @Test
    void everyJdkBlockingEntryPointFiresOnThisJdk() throws Exception {
        assertEquals(List.of(), RawBlocks.agentErrors(), "classes the agent could not weave");
        assertCoverage(here, Runtime.version().feature());
    }

    @Test
    void everyJdkBlockingEntryPointFiresOnJdk25() {
        Assumptions.assumeTrue(jdk25Skip == null, () -> jdk25Skip);
        assertNotNull(jdk25, () -> "the JDK 25 run failed: " + problems);
        assertCoverage(jdk25, 25);
    }

    @Test
    void rawBlockingCallsKeepEveryPromiseAndTheirTracesAreBehavioursOfTheSpec() throws Exception {
        assertEquals(List.of(), problems, "violations seen by the runs");
        List<TraceValidator.Trace> traces = new ArrayList<>();
        long handedOff = 0;
        try (var walk = Files.walk(DIR)) {
            for (Path f : walk.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList()) {
                traces.add(TraceValidator.read(f));
                handedOff += Files.readAllLines(f).stream()
                        .filter(l -> l.contains("\"action\":\"HookFire\"") && l.contains("\"via\":\"agent\"")).count();
            }
        }
        TraceValidator.Report report = TraceValidator.validate(traces, Conformance.SPEC, DIR.resolve("validation"),
                Conformance.TLA2TOOLS, System.err);
        TraceValidator.print(report, System.out);
        System.out.println("agent: " + handedOff + " raw JDK blocking calls handed off, " + report.verdicts().size()
                + " traces validated, " + report.rejected() + " rejected");
        assertTrue(report.problems().isEmpty(), () -> "TLC problems: " + report.problems());
        assertEquals(traces.size(), report.verdicts().size());
        assertEquals(0, report.rejected(), "rejected traces: see above");
        assertTrue(handedOff >= 100, "too few raw blocks handed off to mean much: " + handedOff);
        assertTrue(report.verdicts().size() >= 50, "too few traces: " + report.verdicts().size());
    }

    /** Entry points whose cheap check cannot tell a page-cache read from a blocking one. */
    static final List<String> FIRES_ANYWAY = List.of("FileInputStream.read (FIFO)", "RandomAccessFile.read (FIFO)",
            "FileChannel.read (FIFO)", "Files.readAllBytes (FIFO)");

    /** The site each entry point fires at, where it is not its own name. */
    static final Map<String, String> VIA = Map.of(
            "ReentrantLock.lock (contended)", "LockSupport.park", "CompletableFuture.get", "LockSupport.park",
            "BlockingQueue.take", "LockSupport.park", "CountDownLatch.await", "LockSupport.park",
            "Semaphore.acquire", "LockSupport.park", "Files.readAllBytes (FIFO)", "FileChannel.read",
            "ServerSocketChannel.accept", "ServerSocket.accept");

    static void assertCoverage(List<RawBlocks.Row> rows, int feature) {
        Function<String, String> site = e -> VIA.getOrDefault(e, e.replaceAll(" \\(.*\\)$", "").replaceAll("\\(.*\\)$", ""));
        List<Executable> checks = new ArrayList<>();
        assertEquals(28, rows.size(), "cases run");
        for (RawBlocks.Row r : rows) {
            String e = r.entry();
            boolean nativeBefore21 = e.equals("Thread.sleep(millis)") || e.equals("Object.wait(millis)");
            boolean fires = !e.startsWith("ClassLoader.loadClass") && !(nativeBefore21 && feature < 21);
            checks.add(() -> assertEquals(null, r.error(), e + ": failed"));
            checks.add(() -> assertEquals(fires, r.fires(), e + " on JDK " + feature + ": fires when it blocks"));
            if (fires) checks.add(() -> assertEquals(site.apply(e), r.site(), e + ": the site counted"));
            if (r.firesWhenNotBlocking() != null) {
                checks.add(() -> assertEquals(FIRES_ANYWAY.contains(e), r.firesWhenNotBlocking(),
                        e + " on JDK " + feature + ": fires when a cheap check shows it will not block"));
            }
        }
        assertAll(checks);
    }
}

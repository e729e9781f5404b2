package asys.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * TLC to runtime: behaviours TLC generates by random simulation of model-check/MCAsys_replay.cfg
 * are replayed on a runtime with the same settings; every step must be matched.
 */
class ReplayTest {

    static final int BEHAVIOURS = 120;
    static final int DEPTH = 40;
    static final long SEED = 20261125L;

    @Test
    void tlcBehavioursReplayOnTheRuntime() throws Exception {
        Path dir = Conformance.TARGET.resolve("replay");
        Path out = dir.resolve("behaviours");
        runTlc(dir, "MCAsys_replay.cfg", "-simulate", "num=" + BEHAVIOURS + ",file=" + out.resolve("beh").toAbsolutePath(),
                "-depth", String.valueOf(DEPTH), "-seed", String.valueOf(SEED));

        List<Path> files = Replay.files(out);
        assertTrue(files.size() >= 100, "TLC wrote " + files.size() + " behaviours");
        int steps = 0;
        List<String> mismatches = new ArrayList<>();
        for (Path f : files) {
            Replay.Result r = Replay.replay(f, 1, 1, 4, 2);
            steps += r.steps();
            r.mismatches().forEach(m -> mismatches.add(f.getFileName() + ": " + m));
        }
        mismatches.stream().limit(20).forEach(m -> System.out.println("MISMATCH " + m));
        System.out.printf("replay: %d behaviours, %d steps, %d mismatches%n", files.size(), steps, mismatches.size());
        assertEquals(List.of(), mismatches);
    }

    /**
     * Replay has teeth: the same behaviours, replayed on the runtime's fault build with QuickPosts
     * switched on (a QUICK call is posted too), report mismatches.
     */
    @Test
    void replayOnARuntimeThatPostsQuickCallsReportsMismatches() throws Exception {
        Path dir = Conformance.TARGET.resolve("replay-teeth");
        Path out = dir.resolve("behaviours");
        runTlc(dir, "MCAsys_replay.cfg", "-simulate", "num=20,file=" + out.resolve("beh").toAbsolutePath(),
                "-depth", String.valueOf(DEPTH), "-seed", String.valueOf(SEED));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dasys.fault=QuickPosts", "-cp", Conformance.faultClassPath(), ReplayMain.class.getName(),
                out.toString(), "1", "1", "4", "2").redirectErrorStream(true).start();
        String printed = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the replay JVM did not finish");
        assertEquals(0, p.exitValue(), printed);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("replay: (\\d+) behaviours, \\d+ steps, (\\d+) mismatches").matcher(printed);
        assertTrue(m.find(), printed);
        assertTrue(Integer.parseInt(m.group(1)) >= 10, printed);
        assertTrue(Integer.parseInt(m.group(2)) > 0, "QuickPosts must be caught by replay: " + printed);
        System.out.println("replay: teeth QuickPosts: " + m.group(2) + " mismatches in " + m.group(1) + " behaviours");
    }

    /** Depth of the exhaustive replay (8: 4,448 behaviours); -Dasys.replay.depth=N to change it. */
    static final int EXHAUSTIVE_DEPTH = Integer.getInteger("asys.replay.depth", 8);

    @Test
    void everyBehaviourOfATinyModelUpToADepthReplaysOnTheRuntime() throws Exception {
        Path dir = Conformance.TARGET.resolve("replay-exhaustive");
        runTlc(dir, "MCAsys_replay_tiny.cfg", "-deadlock", "-dump", "dot,actionlabels",
                dir.resolve("graph.dot").toAbsolutePath().toString());

        StateGraph g = StateGraph.read(dir.resolve("graph.dot"));
        Path out = dir.resolve("behaviours");
        int n = g.writeBehaviours(EXHAUSTIVE_DEPTH, out);
        int steps = 0;
        List<String> mismatches = new ArrayList<>();
        for (Path f : Replay.files(out)) {
            Replay.Result r = Replay.replay(f, 1, 1, 3, 2);
            steps += r.steps();
            r.mismatches().forEach(m -> mismatches.add(f.getFileName() + ": " + m));
        }
        mismatches.stream().limit(20).forEach(m -> System.out.println("MISMATCH " + m));
        System.out.printf("replay: %d behaviours (every one to depth %d of %d states), %d steps, %d mismatches%n",
                n, EXHAUSTIVE_DEPTH, g.size(), steps, mismatches.size());
        assertTrue(n >= 100, "only " + n + " behaviours");
        assertEquals(List.of(), mismatches);
    }

    /** A fresh run directory with the spec and {@code cfg}; runs TLC there (one worker) with {@code args}. */
    static void runTlc(Path dir, String cfg, String... args) throws Exception {
        Corpus.recreate(dir);
        Files.createDirectories(dir.resolve("behaviours"));
        for (Path m : Files.list(Conformance.SPEC).filter(p -> p.toString().endsWith(".tla")).toList()) {
            Files.copy(m, dir.resolve(m.getFileName()));
        }
        Files.copy(Conformance.ROOT.resolve("model-check").resolve(cfg), dir.resolve(cfg));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseParallelGC", "-Djava.io.tmpdir=" + dir.toAbsolutePath(), "-cp", Conformance.TLA2TOOLS.toString(),
                "tlc2.TLC", "-workers", "1", "-metadir", "states"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-config", cfg, "MCAsys.tla"));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("tlc.out").toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "TLC did not finish: see " + dir.resolve("tlc.out"));
        assertEquals(0, p.exitValue(), "TLC failed: see " + dir.resolve("tlc.out"));
    }
}

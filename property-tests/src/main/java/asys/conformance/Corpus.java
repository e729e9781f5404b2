package asys.conformance;

import com.pholser.junit.quickcheck.random.SourceOfRandomness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/** Runs seeded workloads and writes their traces: the corpus that TLC validates. */
public final class Corpus {

    private Corpus() {}

    /** Generates {@code n} workloads from {@code seed}, runs each, writes trace-NNNN.jsonl under {@code dir}. */
    public static List<WorkloadRunner.Run> runAndWrite(long seed, int n, Path dir) throws IOException {
        return runAndWrite(seed, n, dir, Integer.MAX_VALUE);
    }

    /** As above, stopping early once {@code enoughFailing} runs have shown violations. */
    public static List<WorkloadRunner.Run> runAndWrite(long seed, int n, Path dir, int enoughFailing) throws IOException {
        return runAndWrite(seed, n, dir, enoughFailing, WorkloadRunner.Mode.BLOCKING, "trace");
    }

    /** Runs in {@code mode}; files are named {@code prefix-NNNN.jsonl}. */
    public static List<WorkloadRunner.Run> runAndWrite(long seed, int n, Path dir, int enoughFailing, WorkloadRunner.Mode mode,
                                                       String prefix) throws IOException {
        recreate(dir);
        int failing = 0;
        SourceOfRandomness r = new SourceOfRandomness(new Random(seed));
        WorkloadGenerator g = new WorkloadGenerator();
        List<WorkloadRunner.Run> runs = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            WorkloadRunner.Run run = WorkloadRunner.run(g.generate(r, null), mode);
            Files.write(dir.resolve(String.format("%s-%04d.jsonl", prefix, k)), run.trace());
            runs.add(run);
            if (!run.violations().isEmpty() && ++failing >= enoughFailing) break;
        }
        return runs;
    }

    public static void recreate(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
        Files.createDirectories(dir);
    }
}

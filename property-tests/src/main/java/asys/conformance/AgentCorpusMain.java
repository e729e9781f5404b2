package asys.conformance;

import java.nio.file.Path;
import java.util.List;

/**
 * The automatic hook's conformance runs in a JVM of their own (the JDK 25 child of the agent
 * tests): {@code AgentCorpusMain DIR SEED N ROUNDS} runs N generated workloads in raw mode and
 * every raw scenario ROUNDS times, writes their traces under DIR, then prints the coverage table
 * ({@code coverage} lines), one {@code problem} line per violation, and {@code done}.
 */
public final class AgentCorpusMain {

    private AgentCorpusMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: AgentCorpusMain DIR SEED N ROUNDS");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        int n = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        List<WorkloadRunner.Run> runs = Corpus.runAndWrite(seed, n, dir.resolve("raw"), Integer.MAX_VALUE, WorkloadRunner.Mode.RAW, "raw");
        for (WorkloadRunner.Run r : runs) for (String v : r.violations()) System.out.println("problem\t" + r.workload() + ": " + v);
        for (RawScenarios.Result r : RawScenarios.runAndWrite(dir.resolve("scenarios"), rounds)) {
            for (String p : r.problems()) System.out.println("problem\t" + p);
        }
        for (RawBlocks.Row r : RawBlocks.run(dir.resolve("coverage-files"))) System.out.println(r.tsv());
        System.out.println("weave-errors\t" + RawBlocks.agentErrors());
        System.out.println("done");
    }
}

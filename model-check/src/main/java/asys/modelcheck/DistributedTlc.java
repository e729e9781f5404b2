package asys.modelcheck;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One run of TLC's own distributed mode on this machine: a {@code tlc2.tool.distributed.TLCServer}
 * in the run's directory and {@code workers} {@code TLCWorker} processes that connect to it over
 * loopback (RMI, the server's port 10997). Workers on other machines connect the same way:
 * {@code java -cp tla2tools.jar tlc2.tool.distributed.TLCWorker SERVER_HOST}.
 *
 * <p>What TLCServer 2.18 reports, and why (from TLC's source):
 * <ul>
 * <li>It checks invariants and action properties (such as the refinement's {@code [][Next]_v}),
 *     not liveness.
 * <li>When a worker finds a violation, the server prints "The behavior up to this point is:" and
 *     states, but not the worker's message naming the property: TLCServerThread.run catches the
 *     WorkerException and, when it carries states, prints only them. Then it exits 0.
 * <li>The states printed are only the violating step, its first state labelled
 *     {@code <Initial predicate>}: the distributed workers (TLCApp) never call
 *     {@code setPredecessor}, so every state keeps level 1, {@code TLCState.isInitial()} is true
 *     for all of them, and TLCTrace.printTrace(s1, s2) prints s1 as an initial state instead of
 *     looking up the path to it.
 * </ul>
 * So the launcher gives every distributed run a config with exactly one property to violate,
 * reads a printed counterexample as a violation of it ({@link TlcOutput.Verdict#UNNAMED_VIOLATION})
 * whatever the exit code, and confirms it with plain TLC on the same config, which must name the
 * property and gives the whole counterexample from a real initial state.
 */
final class DistributedTlc {

    private DistributedTlc() {}

    static TlcProcess.Result run(Path dir, String cfgName, String module, Path jar, int workers, String label, PrintStream err)
            throws IOException {
        Path tmp = dir.resolve("tmp").toAbsolutePath();
        Files.createDirectories(tmp);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> server = List.of(java, "-XX:+UseParallelGC", "-Djava.io.tmpdir=" + tmp, "-cp", jar.toAbsolutePath().toString(),
                "tlc2.tool.distributed.TLCServer", "-tool", "-config", cfgName, module + ".tla");
        Files.writeString(dir.resolve("command.txt"), "cd " + dir + " && " + String.join(" ", server)
                + "\n# then, for each worker: java -cp " + jar.toAbsolutePath() + " tlc2.tool.distributed.TLCWorker localhost\n");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(server).directory(dir.toFile()).redirectErrorStream(true).start();
        StringBuilder all = new StringBuilder();
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                 Writer raw = Files.newBufferedWriter(dir.resolve("tlc.out"))) {
                String line;
                boolean progress = false;
                while ((line = in.readLine()) != null) {
                    raw.write(line);
                    raw.write('\n');
                    synchronized (all) {
                        all.append(line).append('\n');
                    }
                    if (line.contains("is ready")) ready.countDown();
                    if (line.startsWith("@!@!@STARTMSG " + TlcOutput.PROGRESS + ":")) progress = true;
                    else if (progress) {
                        progress = false;
                        err.println("  [" + label + ", distributed] " + line);
                    }
                }
            } catch (IOException e) {
                err.println("  [" + label + "] cannot read the TLC server's output: " + e.getMessage());
            } finally {
                ready.countDown();
            }
        }, "tlc-server-output");
        reader.start();
        List<Process> started = new ArrayList<>();
        try {
            if (!ready.await(120, TimeUnit.SECONDS)) throw new IOException("the TLC server in " + dir + " was not ready after 120 s");
            if (p.isAlive()) {
                for (int w = 0; w < workers; w++) {
                    Path wtmp = dir.resolve("tmp-worker-" + w).toAbsolutePath();
                    Files.createDirectories(wtmp);
                    started.add(new ProcessBuilder(java, "-XX:+UseParallelGC", "-Djava.io.tmpdir=" + wtmp, "-cp",
                            jar.toAbsolutePath().toString(), "tlc2.tool.distributed.TLCWorker", "localhost")
                            .directory(dir.toFile()).redirectErrorStream(true)
                            .redirectOutput(dir.resolve("worker-" + w + ".out").toFile()).start());
                }
            }
            int exit = p.waitFor();
            reader.join(10_000);
            for (Process w : started) {
                if (!w.waitFor(30, TimeUnit.SECONDS)) w.destroyForcibly();
            }
            String out;
            synchronized (all) {
                out = all.toString();
            }
            return new TlcProcess.Result(out, exit, (System.nanoTime() - t0) / 1e9);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while distributed TLC ran " + label, e);
        } finally {
            if (p.isAlive()) p.destroyForcibly();
            for (Process w : started) if (w.isAlive()) w.destroyForcibly();
        }
    }
}

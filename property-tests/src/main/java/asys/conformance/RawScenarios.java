package asys.conformance;

import asys.runtime.AsysRuntime;
import asys.runtime.CallHandle;
import asys.runtime.Identity;
import asys.runtime.Outcome;
import asys.runtime.TraceSink;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Calls that block in raw JDK methods (sleep, park, a contended lock, a future, a FIFO read, a
 * socket read from a loopback peer, a process), run with the automatic hook and tracing on, one
 * trace per scenario. In each, the blocking call is submitted first and a task after it: the
 * call's wait ends only once that task has run, so the call can complete only if the loop went
 * on while it was blocked (the hook fired), and each scenario is checked for exactly that. Its
 * trace is then what TLC validates against the spec.
 */
public final class RawScenarios {

    /** The scenario's blocking body, given the latch that the loop's next task counts down. */
    interface Body {
        Object run(CountDownLatch loopRan) throws Exception;
    }

    /** A scenario's result: its trace and what went wrong (empty when nothing did). */
    public record Result(String name, List<String> trace, List<String> problems) {}

    static final long WAIT_LIMIT_MS = 5_000;

    private RawScenarios() {}

    /** Runs every scenario {@code rounds} times; writes {@code scenario-NAME-K.jsonl} under {@code dir}. */
    public static List<Result> runAndWrite(Path dir, int rounds) throws Exception {
        Files.createDirectories(dir);
        List<Result> out = new ArrayList<>();
        for (int k = 0; k < rounds; k++) {
            for (Map.Entry<String, Body> s : scenarios(dir).entrySet()) {
                Result r = run(s.getKey(), s.getValue());
                Files.write(dir.resolve("scenario-" + s.getKey() + "-" + k + ".jsonl"), r.trace());
                out.add(r);
            }
        }
        return out;
    }

    /** A body whose preparation runs now, on the calling thread. */
    private static Body prepared(Callable<Body> prepare) {
        try {
            return prepare.call();
        } catch (Exception e) {
            return loopRan -> {
                throw e;
            };
        }
    }

    private static Map<String, Body> scenarios(Path dir) {
        Map<String, Body> m = new java.util.LinkedHashMap<>();
        m.put("sleep", loopRan -> {
            // Thread.sleep(millis, nanos) is Java-level on every JDK; sleep(millis) from JDK 19 on
            while (!loopRan.await(0, TimeUnit.MILLISECONDS)) Thread.sleep(2, 1);
            return 1;
        });
        m.put("park", loopRan -> {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_LIMIT_MS);
            while (loopRan.getCount() > 0 && System.nanoTime() < deadline) LockSupport.parkNanos(1_000_000);
            return 1;
        });
        m.put("latch", loopRan -> loopRan.await(WAIT_LIMIT_MS, TimeUnit.MILLISECONDS) ? 1 : -1);
        ReentrantLock lock = new ReentrantLock();
        m.put("lock", loopRan -> {
            Thread holder = new Thread(() -> {
                lock.lock();
                try {
                    loopRan.await(WAIT_LIMIT_MS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException ignored) {
                    // ending
                } finally {
                    lock.unlock();
                }
            });
            holder.start();
            while (!lock.isLocked()) Thread.onSpinWait();
            lock.lock();
            lock.unlock();
            return loopRan.getCount() == 0 ? 1 : -1;
        });
        m.put("future", loopRan -> {
            CompletableFuture<Integer> f = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    f.complete(loopRan.await(WAIT_LIMIT_MS, TimeUnit.MILLISECONDS) ? 1 : -1);
                } catch (InterruptedException e) {
                    f.complete(-1);
                }
            });
            t.start();
            return f.get();
        });
        // The FIFO and the socket pair are made here, on the test thread: only the read is in the call.
        m.put("fifo", prepared(() -> {
            Path p = dir.resolve("scenario-fifo-" + System.nanoTime());
            if (new ProcessBuilder("mkfifo", p.toString()).start().waitFor() != 0) throw new IOException("mkfifo failed");
            return loopRan -> {
                Thread writer = new Thread(() -> {
                    try (OutputStream out = new FileOutputStream(p.toFile())) {
                        out.write(loopRan.await(WAIT_LIMIT_MS, TimeUnit.MILLISECONDS) ? 1 : 0);
                    } catch (Exception e) {
                        // the reader reports what it read
                    }
                });
                writer.start();
                try (InputStream in = new FileInputStream(p.toFile())) {
                    return in.read() == 1 ? 1 : -1;
                } finally {
                    Files.deleteIfExists(p);
                }
            };
        }));
        m.put("socket", prepared(() -> {
            Socket client, peer;
            try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                peer = server.accept();
            }
            return loopRan -> {
                try (client; peer) {
                    Thread answer = new Thread(() -> {
                        try {
                            peer.getOutputStream().write(loopRan.await(WAIT_LIMIT_MS, TimeUnit.MILLISECONDS) ? 1 : 0);
                        } catch (Exception e) {
                            // the reader reports what it read
                        }
                    });
                    answer.start();
                    return client.getInputStream().read() == 1 ? 1 : -1;
                }
            };
        }));
        m.put("process", loopRan -> {
            Process p = new ProcessBuilder("cat").start();
            Thread closer = new Thread(() -> {
                try {
                    loopRan.await(WAIT_LIMIT_MS, TimeUnit.MILLISECONDS);
                    p.getOutputStream().close();
                } catch (Exception e) {
                    p.destroy();
                }
            });
            closer.start();
            p.waitFor();
            return loopRan.getCount() == 0 ? 1 : -1;
        });
        return m;
    }

    /**
     * One scenario: a runtime with the automatic hook (file I/O included) and tracing, two
     * identities; the first gets a quick call, the blocking call, a throwing call, then the task
     * that ends the wait; the second runs a quick call meanwhile.
     */
    public static Result run(String name, Body body) throws Exception {
        List<String> trace = Collections.synchronizedList(new ArrayList<>());
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch loopRan = new CountDownLatch(1);
        List<CompletableFuture<CallHandle<Object>>> outcomes = new ArrayList<>();
        for (int i = 0; i < 4; i++) outcomes.add(new CompletableFuture<>());
        AsysRuntime rt = AsysRuntime.builder().automaticHook(true).automaticHookOnFileIo(true).lanes(2).spareCapacity(1)
                .threadLimit(8).inFlightLimit(4).traceSink(TraceSink.to(trace))
                .uncaughtErrorHandler((what, t) -> problems.add("uncaught: " + what + ": " + t)).build();
        try {
            Identity u1 = rt.newIdentity("u1");
            Identity u2 = rt.newIdentity("u2");
            rt.traceLayout();
            u1.execute(() -> {
                u1.submit(() -> 0, outcomes.get(0)::complete);
                u1.submit(() -> body.run(loopRan), outcomes.get(1)::complete);
                u1.submit(() -> {
                    throw new IllegalStateException("scenario call throws");
                }, outcomes.get(2)::complete);
            });
            u1.execute(loopRan::countDown);
            u2.execute(() -> u2.submit(() -> 3, outcomes.get(3)::complete));
            CallHandle<Object> blocking = outcomes.get(1).get(WAIT_LIMIT_MS * 2, TimeUnit.MILLISECONDS);
            if (blocking.outcome() != Outcome.IN_PROGRESS) problems.add(name + ": the blocking call was " + blocking.outcome());
            if (!Integer.valueOf(1).equals(blocking.value())) {
                problems.add(name + ": the blocking call gave " + blocking.value() + " / " + blocking.error()
                        + " (1 means the loop ran its next task while the call was blocked)");
            }
            for (int i : new int[] {0, 2, 3}) {
                CallHandle<Object> h = outcomes.get(i).get(WAIT_LIMIT_MS, TimeUnit.MILLISECONDS);
                if (h.outcome() != Outcome.QUICK) problems.add(name + ": call " + i + " was " + h.outcome());
            }
        } catch (Exception e) {
            problems.add(name + ": " + e);
        } finally {
            if (!rt.close(Duration.ofSeconds(10))) problems.add(name + ": close did not finish");
        }
        if (rt.ownerViolations() != 0) problems.add(name + ": IdentityUnique: " + rt.ownerViolations() + " owner check failures");
        return new Result(name, List.copyOf(trace), List.copyOf(problems));
    }

    /** Runs {@code Callable}s given as scenarios by other modules (the JDBC test) the same way. */
    public static Result run(String name, Callable<Object> blocking, CountDownLatch[] loopRanOut) throws Exception {
        return run(name, loopRan -> {
            loopRanOut[0] = loopRan;
            return blocking.call();
        });
    }
}

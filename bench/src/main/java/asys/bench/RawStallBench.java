package asys.bench;

import asys.runtime.AsysRuntime;
import asys.runtime.CallHandle;
import asys.runtime.Identity;
import asys.runtime.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Scenario 6, loop stall while a call blocks 1 ms in a <em>raw</em> JDK call, one the runtime's
 * own primitives do not see: {@code LockSupport.parkNanos}, a socket read from a loopback peer
 * that answers after 1 ms, or {@code Thread.sleep} (Java-level from JDK 21 on, so run on JDK 25).
 * The sample is as in {@link StallBench}: from handing the loop the call and a ready probe task to
 * the probe having run, as the measuring thread sees it; the {@code *OnLoop} benchmarks take it on
 * the loop instead, as {@link StallBench}'s do. Contenders: a plain loop, asys without and with
 * the automatic hook, Vert.x {@code executeBlocking}, a virtual thread per call (JDK 21+). The
 * pitfall avoided: asys with the agent must really hand over: most of its calls must come back
 * IN_PROGRESS, or the run fails, so a build that lost the agent cannot look like asys without it.
 * (Not every one: when the thread is descheduled for over 1 ms between the socket write and the
 * read, the answer is there already and the read does not block, so nothing fires, rightly.)
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class RawStallBench extends StallProbe {

    @Param({"park", "socket"})
    public String block;


    /** The loopback peer: answers each byte with one byte, 1 ms later. */
    private ServerSocket server;
    private Socket client;
    private InputStream in;
    private OutputStream out;
    private Thread peer;

    @Setup
    public void setup() throws IOException {
        if (!block.equals("socket")) return;
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        peer = new Thread(() -> {
            try (Socket s = server.accept(); InputStream pin = s.getInputStream(); OutputStream pout = s.getOutputStream()) {
                int b;
                while ((b = pin.read()) >= 0) {
                    pause(Work.BLOCK_NANOS);
                    pout.write(b);
                }
            } catch (IOException e) {
                // closed at tear-down
            }
        }, "raw-stall-peer");
        peer.setDaemon(true);
        peer.start();
        client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        client.setTcpNoDelay(true);
        in = client.getInputStream();
        out = client.getOutputStream();
    }

    @TearDown
    public void tearDown() throws IOException {
        if (client != null) client.close();
        if (server != null) server.close();
    }

    /** Parks for {@code nanos} in all, through spurious wake-ups. */
    static void pause(long nanos) {
        long end = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = end - System.nanoTime()) LockSupport.parkNanos(left);
    }

    /** When the socket call's write to the peer returned: its last step on the loop before its
     *  read blocks (on the loop for a plain loop and for asys, whose loop runs the call until it
     *  blocks). */
    private volatile long wroteAt;

    /** The socket call's time on the loop before its read could block: its Submit and its write,
     *  which wakes the peer's thread. */
    @Override
    long beforeBlock() {
        long w = wroteAt, q = queuedAt;
        return block.equals("socket") && w >= q ? w - q : -1;
    }

    /** The call: blocks 1 ms in the raw JDK method of {@link #block}. */
    @Override
    long call() throws Exception {
        switch (block) {
            case "park" -> pause(Work.BLOCK_NANOS);
            case "sleep" -> Thread.sleep(1);
            case "socket" -> {
                out.write(7);
                wroteAt = System.nanoTime();
                if (in.read() != 7) throw new IOException("the peer answered wrong");
            }
            default -> throw new IllegalArgumentException("unknown block " + block);
        }
        return Work.quick(0);
    }




    /** A plain loop that runs the call inline: the probe waits out the 1 ms. */
    @Benchmark
    public void plainLoop(Plain p) { onPlainLoop(p, null); }

    /** The same, the delay as the loop sees it. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    public void plainLoopOnLoop(Plain p, Delays d) { onPlainLoop(p, d); }

    /** An asys runtime, with or without the automatic hook. */
    static class AsysLoop {
        AsysRuntime rt;
        Identity loop;
        /** Calls and how many of them were handed over; on the loop (one thread at a time). */
        long calls, handedOver;

        void setup(boolean agent) {
            rt = AsysRuntime.builder().lanes(1).spareCapacity(2).automaticHook(agent).build();
            loop = rt.newIdentity("raw-stall");
        }

        void close(boolean mustHandOver) {
            if (!rt.close(Duration.ofSeconds(30))) throw new IllegalStateException("asys runtime did not close in 30 s");
            // Read by a person explaining the tail: a call not handed over made the probe wait it out.
            System.out.println("raw-stall: " + (mustHandOver ? "with" : "without") + " the agent, " + handedOver + " of "
                    + calls + " calls handed over; automatic fires by site " + rt.automaticHookFires());
            if (mustHandOver && handedOver * 2 < calls) {
                throw new IllegalStateException("with the agent, only " + handedOver + " of " + calls + " raw blocks were handed over");
            }
            if (!mustHandOver && handedOver != 0) {
                throw new IllegalStateException("without the agent, " + handedOver + " of " + calls + " raw blocks were handed over");
            }
        }
    }

    @State(Scope.Benchmark)
    public static class WithoutAgent extends AsysLoop {
        @Setup
        public void setup() { setup(false); }

        @TearDown
        public void tearDown() { close(false); }
    }

    @State(Scope.Benchmark)
    public static class WithAgent extends AsysLoop {
        @Setup
        public void setup() { setup(true); }

        @TearDown
        public void tearDown() { close(true); }
    }

    /** The sample on asys: as the measuring thread sees it, or, with {@code d}, as the loop does
     *  (with {@code tail}, its tail taken apart too). */
    private void onAsys(AsysLoop a, Delays d, RunDelays tail) {
        arm();
        a.loop.execute(() -> {
            a.loop.execute(d == null ? probe : startOnLoop(tail));
            a.loop.submit(this::call, (CallHandle<Long> r) -> {
                a.calls++;
                if (r.outcome() == Outcome.IN_PROGRESS) a.handedOver++;
                else if (r.outcome() != Outcome.QUICK) blockingCall.wrong("outcome " + r.outcome());
                blockingCall.done(0, r.value() == null ? -1 : r.value());
            });
        });
        awaitProbe();
        countDelay(d, tail);
    }

    /** asys without the agent: the raw block is invisible, the call runs inline (QUICK), the probe waits. */
    @Benchmark
    public void asysWithoutAgent(WithoutAgent a) { onAsys(a, null, null); }

    /** asys with the agent: the raw block fires the hook, the spare runs the probe. */
    @Benchmark
    public void asysWithAgent(WithAgent a) { onAsys(a, null, null); }

    /** The same, the delay as the loop sees it. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    public void asysWithAgentOnLoop(WithAgent a, Delays d) { onAsys(a, d, null); }

    /** The same, its tail taken apart: how long the thread that ran the probe waited for a CPU
     *  in each delay of the tail ({@link StallProbe.RunDelays}). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    public void asysWithAgentOnLoopRunDelay(WithAgent a, Delays d, RunDelays r) { onAsys(a, d, r); }

    /** Vert.x: the call goes to a worker through executeBlocking; the loop runs the probe. */
    @Benchmark
    public void vertx(VertxLoop v) { onVertx(v, null); }

    /** The same, the delay as the event loop sees it. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    public void vertxOnLoop(VertxLoop v, Delays d) { onVertx(v, d); }

    @State(Scope.Benchmark)
    public static class VirtualLoop extends Plain {
        ThreadFactory factory;

        @Override   // (no @Setup: JMH would run it twice, once for this and once for the overridden one)
        public void setup() {
            super.setup();
            factory = Work.virtualThreadFactory();
            if (factory == null) {
                throw new UnsupportedOperationException("virtual threads need Java 21 or later; this JVM is "
                        + System.getProperty("java.version"));
            }
        }
    }

    /** A virtual thread per call: the loop starts one for the call and runs the probe. */
    @Benchmark
    public void virtualThreadPerCall(VirtualLoop v) { onVirtualThread(v, null); }

    /** The same, the delay as the loop sees it. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    public void virtualThreadPerCallOnLoop(VirtualLoop v, Delays d) { onVirtualThread(v, d); }

    /** The sample with a virtual thread per call: as the measuring thread sees it, or, with
     *  {@code d}, as the loop does. */
    private void onVirtualThread(VirtualLoop v, Delays d) {
        arm();
        v.loop.execute(() -> {
            Runnable p = d == null ? probe : startOnLoop(null);
            v.factory.newThread(this::runCall).start();
            v.loop.execute(p);
        });
        awaitProbe();
        if (d != null) d.add(delay);
    }
}

package asys.bench;

import asys.runtime.AsysRuntime;
import asys.runtime.CallHandle;
import asys.runtime.Identity;
import asys.runtime.Outcome;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Scenario 7, what the agent costs where nothing blocks: an uncontended lock, a park whose permit
 * is already there, a read of a cached file, with the agent installed ({@code agent=on}) or not,
 * on an unrelated thread (the benchmark's own) and on a runtime thread inside a call. The woven
 * code on an unrelated thread is a volatile read and a thread-local look-up; an uncontended lock
 * never reaches a woven method at all. The pitfall avoided: each operation's result is consumed
 * (returned), so the JIT cannot drop it; the runtime-thread figures are per operation over 1,000
 * operations in one call, with the call's own cost spread over them, and the call is checked
 * QUICK (a fired hook would measure a handoff, not the agent).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class AgentCostBench {

    static final int OPS = 1000;

    @Param({"off", "on"})
    public String agent;

    private final ReentrantLock lock = new ReentrantLock();
    private FileChannel file;
    private Path path;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(1);
    private AsysRuntime rt;
    private Identity loop;

    @Setup
    public void setup() throws IOException {
        // agent=on installs the agent in this fork (a runtime with the automatic hook); off never does
        rt = AsysRuntime.builder().lanes(1).spareCapacity(1).automaticHook(agent.equals("on")).build();
        loop = rt.newIdentity("agent-cost");
        path = Files.createTempFile("asys-agent-cost", ".bin");
        Files.write(path, new byte[4096]);
        file = FileChannel.open(path, StandardOpenOption.READ);
        file.read(ByteBuffer.allocate(4096), 0);   // in the page cache from now on
    }

    @TearDown
    public void tearDown() throws IOException {
        file.close();
        Files.deleteIfExists(path);
        if (!rt.close(Duration.ofSeconds(30))) throw new IllegalStateException("asys runtime did not close in 30 s");
    }

    private int lockOnce() {
        lock.lock();
        try {
            return lock.getHoldCount();
        } finally {
            lock.unlock();
        }
    }

    private int readOnce() throws IOException {
        buf.clear();
        return file.read(buf, 0);
    }

    /**
     * The code the agent weaves into a JDK method, alone: the bridge's enter and exit, called as the
     * woven code calls them, through method handles that are constants (so the JIT inlines them as
     * it inlines the woven call). With the agent off there is no bridge, and the handles are a
     * no-op of the same shape: the difference is the woven code's own cost.
     */
    static final class Woven {
        static final MethodHandle ENTER, EXIT;
        static {
            MethodHandles.Lookup l = MethodHandles.lookup();
            MethodType enter = MethodType.methodType(int.class, int.class), exit = MethodType.methodType(void.class, int.class);
            MethodHandle e, x;
            try {
                Class<?> bridge = Class.forName("asys.agent.bridge.BlockHook", true, null);
                e = l.findStatic(bridge, "enter", enter);
                x = l.findStatic(bridge, "exit", exit);
            } catch (ClassNotFoundException notInstalled) {
                try {
                    e = l.findStatic(Woven.class, "noEnter", enter);
                    x = l.findStatic(Woven.class, "noExit", exit);
                } catch (ReflectiveOperationException ex) {
                    throw new ExceptionInInitializerError(ex);
                }
            } catch (ReflectiveOperationException ex) {
                throw new ExceptionInInitializerError(ex);
            }
            ENTER = e;
            EXIT = x;
        }

        static int noEnter(int site) { return 0; }

        static void noExit(int token) { }
    }

    /** The site code of {@code LockSupport.park} (the bridge's PARK). */
    static final int PARK_SITE = 1;

    @Benchmark
    public int unrelatedThreadWovenCode() throws Throwable {
        int token = (int) Woven.ENTER.invokeExact(PARK_SITE);
        Woven.EXIT.invokeExact(token);
        return token;
    }

    @Benchmark
    public int unrelatedThreadUncontendedLock() { return lockOnce(); }

    @Benchmark
    public boolean unrelatedThreadParkWithPermit() {
        Thread me = Thread.currentThread();
        LockSupport.unpark(me);
        LockSupport.park();
        return me.isInterrupted();
    }

    @Benchmark
    public int unrelatedThreadCachedFileChannelRead() throws IOException { return readOnce(); }

    /** {@code OPS} operations in one call on the loop; the call must stay QUICK. */
    private long inCall(java.util.concurrent.Callable<Integer> op) throws Exception {
        CompletableFuture<CallHandle<Long>> done = new CompletableFuture<>();
        loop.execute(() -> loop.submit(() -> {
            long sum = 0;
            for (int i = 0; i < OPS; i++) sum += op.call();
            return sum;
        }, done::complete));
        CallHandle<Long> h = done.get(30, TimeUnit.SECONDS);
        if (h.outcome() != Outcome.QUICK || h.error() != null) throw new IllegalStateException("the call was " + h);
        return h.value();
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long runtimeThreadUncontendedLock() throws Exception { return inCall(this::lockOnce); }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long runtimeThreadCachedFileChannelRead() throws Exception { return inCall(this::readOnce); }
}

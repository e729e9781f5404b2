package asys.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/** Builds a runtime from a checked configuration. */
public final class RuntimeBuilder {
    int lanes = 1;
    /** Null: the thread limit. */
    Integer spareCapacity;
    /** Null: 2, or the capacity when that is less. */
    Integer spareFloor;
    Duration spareKeepAlive = Duration.ofSeconds(60);
    Duration spareWait = Duration.ZERO;
    boolean preallocate = true;
    int threadLimit = 256;
    int inFlightLimit = 1024;
    /** How long an idle thread spins before it parks: 20 us with 4 cores or more; none with fewer
     *  (see {@link #spinBeforePark}). */
    long spinNanos = Runtime.getRuntime().availableProcessors() >= 4 ? java.util.concurrent.TimeUnit.MICROSECONDS.toNanos(20) : 0;
    /** The hot spare's window: 2 ms with 4 cores or more; none with fewer (see {@link #hotSpare}). */
    long hotSpareNanos = Runtime.getRuntime().availableProcessors() >= 4 ? java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(2) : 0;
    Duration threadStartTimeout = Duration.ofSeconds(10);
    Duration closeOnExit = Duration.ofSeconds(10);
    ThreadFactory threadFactory;
    TraceSink traceSink;
    boolean automaticHook;
    boolean automaticHookOnFileIo;
    boolean automaticHookOnSocketWrites;
    Duration stallThreshold = Duration.ofMillis(100);
    java.util.function.Consumer<Stall> onStall = StallWatchdog::log;
    BiConsumer<String, Throwable> uncaught = (what, t) -> System.getLogger("asys").log(System.Logger.Level.ERROR, what, t);

    RuntimeBuilder() {}

    /**
     * Lanes (the spec's CPUs), each with its own pool of spares; at least 1.
     *
     * @param n the number
     * @return this builder
     */
    public RuntimeBuilder lanes(int n) { lanes = n; return this; }
    /**
     * The most idle spares a lane's pool holds (PoolCap); at least 1. A worker that finishes, or
     * a spare its call no longer needs, goes back to its pool while the pool has room, and exits
     * when it is full; so the pool grows toward demand, up to this, and a loop that blocks often
     * reuses the threads of its earlier blocks instead of starting new ones. Idle spares above
     * the {@link #spareFloor floor} exit after the {@link #spareKeepAlive keep-alive}. Default:
     * the {@link #threadLimit thread limit}, so no finished worker is thrown away while it may
     * be needed again (as a cached thread pool keeps its threads). The design reserves a spare
     * before every call, so that the hook fire never allocates; with no pool at all every call,
     * quick ones included, would start and end a thread of its own and every ATOMIC call would
     * be refused.
     *
     * @param n the number
     * @return this builder
     */
    public RuntimeBuilder spareCapacity(int n) { spareCapacity = n; return this; }
    /**
     * The idle spares a lane keeps through idle time (PoolFloor): started at build, and never
     * taken by the keep-alive, so an idle runtime holds this many spares a lane and its first
     * calls find one. Between 0 and {@link #spareCapacity}. With 0, an idle runtime holds no
     * spare: the first call after an idle time starts a thread (Allocate), and an ATOMIC call
     * gets EAGAIN (NO_SPARE) until some thread comes back to the pool. Default 2 (or the
     * capacity, when that is less).
     *
     * @param n the number
     * @return this builder
     */
    public RuntimeBuilder spareFloor(int n) { spareFloor = n; return this; }
    /**
     * How long a spare idle in its pool waits for work before it exits, when its pool holds more
     * than the {@link #spareFloor floor} (KeepAliveExit). A spare put to work in the meantime
     * (reserved for a call, even one that did not block) starts its wait again. Default 60 s.
     *
     * @param d the duration, positive
     * @return this builder
     */
    public RuntimeBuilder spareKeepAlive(Duration d) {
        Objects.requireNonNull(d, "spareKeepAlive");
        if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("spareKeepAlive must be positive, got " + d);
        spareKeepAlive = d;
        return this;
    }

    /**
     * What a call does that finds its pool empty and no thread left to start (the thread limit
     * reached): with zero (the default), it gets EAGAIN (NO_SPARE) at once; otherwise its loop
     * waits in the allocator, at most this long, for a spare to come back to its lane's pool or a
     * thread to end, and the call runs with it (the design's allocator, which may sleep; bounded,
     * so that every call still returns: the spec's broken variant AllocRetriesForever is the
     * unbounded wait). The loop runs nothing else while it waits. ATOMIC calls never wait.
     *
     * @param d the longest wait, zero or positive
     * @return this builder
     */
    public RuntimeBuilder spareWait(Duration d) {
        Objects.requireNonNull(d, "spareWait");
        if (d.isNegative()) throw new IllegalArgumentException("spareWait must not be negative, got " + d);
        spareWait = d;
        return this;
    }

    /** The capacity in force: as set, or the thread limit. */
    int spareCapacity() { return spareCapacity != null ? spareCapacity : Math.max(1, threadLimit); }

    /** The floor in force: as set, or 2 (the capacity when that is less). */
    int spareFloor() { return spareFloor != null ? spareFloor : Math.min(2, spareCapacity()); }
    /** Whether build starts the pools' spares (default true). False only for tests that
     *  drive the runtime's objects by hand and must see no thread of the runtime's running. */
    RuntimeBuilder preallocate(boolean p) { preallocate = p; return this; }
    /**
     * Most threads the runtime may run at once: carriers, spares and workers.
     *
     * @param n the number
     * @return this builder
     */
    public RuntimeBuilder threadLimit(int n) { threadLimit = n; return this; }
    /**
     * Most calls one identity may have in flight (Limit); the next gets EAGAIN (LIMIT).
     *
     * @param n the number
     * @return this builder
     */
    public RuntimeBuilder inFlightLimit(int n) { inFlightLimit = n; return this; }
    /** How long a thread that has just become idle (back in its pool) spins for work before it
     *  parks; a hook that finds it still spinning hands over in well under a microsecond,
     *  one that finds it parked waits for the operating system to wake it. Zero: never spin.
     *  Default: 20 us on a machine with 4 cores or more; zero with fewer, where each worker's
     *  spin after its call takes the core that the loop and the other workers need (on 2 cores
     *  the mixed load ran faster without it: see docs/benchmarks.md).
     *
     * @param d the duration
     * @return this builder
     */
    public RuntimeBuilder spinBeforePark(Duration d) {
        Objects.requireNonNull(d, "spinBeforePark");
        if (d.isNegative()) throw new IllegalArgumentException("spinBeforePark must not be negative, got " + d);
        spinNanos = d.toNanos();
        return this;
    }
    /**
     * The hot spare: while a lane blocks often (it has handed an identity over twice within this
     * window of each other, the last time within this window of now), the spare that the lane's
     * next HookFire will find (the one reserved or kept for an identity's next call, else the top
     * of the pool) spins instead of parking, so that the handoff costs no wake-up; a spare taken
     * from the pool parked on such a lane is woken to spin. One spare per lane spins at most; a
     * window after the lane's last handoff, every spare parks: an idle runtime spins nowhere. A
     * loop that blocks at least once per window keeps one core busy spinning. Zero: spares spin
     * only {@link #spinBeforePark} after they become idle. Default: 2 ms on a machine with 4
     * cores or more; zero with fewer, where the spinning spare takes the core that the workers
     * and the callers need (on 2 cores it cost the mixed load about a sixth of its throughput:
     * see docs/benchmarks.md).
     *
     * @param d the window
     * @return this builder
     */
    public RuntimeBuilder hotSpare(Duration d) {
        Objects.requireNonNull(d, "hotSpare");
        if (d.isNegative()) throw new IllegalArgumentException("hotSpare must not be negative, got " + d);
        hotSpareNanos = d.toNanos();
        return this;
    }
    /**
     * The automatic hook: with the asys agent, a call that blocks in any of the JDK's blocking
     * entry points (locks and parks, sleep, wait, join, sockets, selectors, processes; see
     * docs/agent.md) fires its hook there, as it does in {@link Blocking}'s primitives, and the
     * loop goes on on the spare. {@code build()} installs the agent when the JVM was not
     * started with {@code -javaagent:asys-agent.jar} (self-attach: asys-agent on the class
     * path). Off by default.
     *
     * @param on true to turn it on
     * @return this builder
     */
    public RuntimeBuilder automaticHook(boolean on) { automaticHook = on; return this; }
    /** With {@link #automaticHook}: file reads and writes are blocking points too. Off by
     *  default: a read from the page cache rarely blocks, and each firing costs a handoff.
     *  Standard output and error are never blocking points.
     *
     * @param on true to turn it on
     * @return this builder
     */
    public RuntimeBuilder automaticHookOnFileIo(boolean on) { automaticHookOnFileIo = on; return this; }
    /** With {@link #automaticHook}: socket writes are blocking points too. Off by default: a
     *  write blocks only when the peer stops reading (its send buffer full), and nothing
     *  cheap tells whether it will, so every write would hand over; a request that waits for
     *  its answer fires at the read that waits.
     *
     * @param on true to turn it on
     * @return this builder
     */
    public RuntimeBuilder automaticHookOnSocketWrites(boolean on) { automaticHookOnSocketWrites = on; return this; }
    /**
     * The stall watchdog's threshold: a task, a handler or a call run inline that holds its
     * loop this long (a block no hook sees, or plain long work) is reported once, with its
     * stack (see {@link #onStall}), counted in {@link Counters#stalls()} and recorded as the
     * JFR event {@code asys.Stall}. Sampled at half the threshold (at least every 100 us, so
     * sub-millisecond thresholds work). Default 100 ms; {@link Duration#ZERO} turns it off.
     *
     * @param d the duration
     * @return this builder
     */
    public RuntimeBuilder stallThreshold(Duration d) {
        Objects.requireNonNull(d, "stallThreshold");
        if (d.isNegative()) throw new IllegalArgumentException("stallThreshold must not be negative, got " + d);
        stallThreshold = d;
        return this;
    }
    /** Receives each stall, on the watchdog's thread (default: a WARNING through
     *  {@link System.Logger} {@code "asys"}, with the stack). It must not block.
     *
     * @param listener the listener
     * @return this builder
     */
    public RuntimeBuilder onStall(java.util.function.Consumer<Stall> listener) {
        onStall = Objects.requireNonNull(listener, "onStall");
        return this;
    }
    /**
     * How long a new thread from the factory may take to enter the runtime's code once
     * started. One that has not by then, or that ends first (a factory's wrapper failing in its
     * own set-up), is a failed start: reported, its slot freed, not counted; the build fails,
     * {@code newIdentity} throws, or the call that needed it gets EAGAIN (NO_SPARE). Default 10 s.
     *
     * @param d the duration
     * @return this builder
     */
    public RuntimeBuilder threadStartTimeout(Duration d) {
        Objects.requireNonNull(d, "threadStartTimeout");
        if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("threadStartTimeout must be positive, got " + d);
        threadStartTimeout = d;
        return this;
    }
    /**
     * What happens at JVM exit to a runtime not closed: its threads are daemon threads, so they
     * do not keep the JVM alive, and a shutdown hook closes it, waiting at most {@code d} for
     * every call in flight to have its outcome (handlers run, futures complete); what is still in
     * flight then is reported (a WARNING through {@link System.Logger} {@code "asys"}, naming the
     * identities and threads left) and dropped with the JVM. {@link AsysRuntime#close()} removes
     * the hook. Zero turns the hook off: calls in flight at exit are then dropped without a word.
     * Default 10 s.
     *
     * @param d how long the exit waits, or zero for no hook
     * @return this builder
     */
    public RuntimeBuilder closeOnExit(Duration d) {
        Objects.requireNonNull(d, "closeOnExit");
        if (d.isNegative()) throw new IllegalArgumentException("closeOnExit must not be negative, got " + d);
        closeOnExit = d;
        return this;
    }

    /**
     * Makes the runtime's threads (default: daemon threads named asys-N; see {@link #closeOnExit}).
     *
     * @param f the factory
     * @return this builder
     */
    public RuntimeBuilder threadFactory(ThreadFactory f) { threadFactory = Objects.requireNonNull(f, "threadFactory"); return this; }
    /**
     * Records every transition (off when not set).
     *
     * @param s the sink
     * @return this builder
     */
    public RuntimeBuilder traceSink(TraceSink s) { traceSink = Objects.requireNonNull(s, "traceSink"); return this; }
    /**
     * Receives what tasks and handlers throw, and the runtime's own failed steps (default: an
     * ERROR through {@link System.Logger} {@code "asys"}, with the throwable).
     *
     * @param h the handler: what failed, and the throwable
     * @return this builder
     */
    public RuntimeBuilder uncaughtErrorHandler(BiConsumer<String, Throwable> h) { uncaught = Objects.requireNonNull(h, "uncaughtErrorHandler"); return this; }

    /**
     * Builds the runtime: checks the settings, then starts and parks the spares.
     *
     * @return the running runtime
     * @throws IllegalArgumentException naming the setting that is impossible
     */
    public AsysRuntime build() {
        List<String> wrong = new ArrayList<>();
        if (lanes < 1) wrong.add("lanes must be at least 1, got " + lanes);
        int spareCapacity = spareCapacity(), spareFloor = spareFloor();
        if (spareCapacity < 1) {
            wrong.add("spareCapacity must be at least 1, got " + spareCapacity + ": every call reserves a spare before it runs,"
                    + " and with no pool every call, quick ones included, would start and end a thread and every ATOMIC call"
                    + " would get EAGAIN (NO_SPARE)");
        }
        if (inFlightLimit < 1) wrong.add("inFlightLimit must be at least 1, got " + inFlightLimit);
        if (spareFloor < 0) wrong.add("spareFloor must not be negative, got " + spareFloor);
        if (spareCapacity >= 1 && spareFloor > spareCapacity) {
            wrong.add("spareFloor " + spareFloor + " is above spareCapacity " + spareCapacity
                    + ": a pool cannot keep more idle spares than it holds");
        }
        long preallocated = (long) Math.max(lanes, 0) * Math.max(spareFloor, 0);
        if (threadLimit < preallocated + 1) {
            wrong.add("threadLimit " + threadLimit + " cannot hold the " + preallocated + " preallocated spares (lanes "
                    + lanes + " x spareFloor " + spareFloor + ") and one identity's thread");
        }
        if (automaticHookOnFileIo && !automaticHook) wrong.add("automaticHookOnFileIo needs automaticHook(true)");
        if (automaticHookOnSocketWrites && !automaticHook) wrong.add("automaticHookOnSocketWrites needs automaticHook(true)");
        if (!wrong.isEmpty()) throw new IllegalArgumentException("impossible asys configuration: " + String.join("; ", wrong));
        if (automaticHook) AutomaticHook.connect();   // before any thread starts: throws naming why not
        if (threadFactory == null) {
            AtomicInteger n = new AtomicInteger();
            threadFactory = r -> {
                Thread t = new Thread(r, "asys-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
        }
        return new AsysRuntime(this);
    }
}

package asys.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

/**
 * The asys runtime: lanes of parked spare threads (the spec's CPUs and pools) and the
 * identities (event loops) that run calls inline on them. Build one with {@link #builder()};
 * spares are started and parked at build time. {@link #close()} stops new work, lets every call
 * in flight deliver its one outcome, and ends every thread the runtime started.
 *
 * <pre>{@code
 * try (AsysRuntime rt = AsysRuntime.builder().lanes(2).spareCapacity(2).build()) {
 *     Identity loop = rt.newIdentity("main");
 *     loop.execute(() -> loop.submit(() -> Blocking.sleep(Duration.ofMillis(5)), r -> ...));
 * }
 * }</pre>
 */
public final class AsysRuntime implements AutoCloseable {

    final int inFlightLimit;
    private final int threadLimit;
    private final ThreadFactory threadFactory;
    /** Null when tracing is off: every emit site checks it, so tracing off costs one branch. */
    final Tracer tracer;
    private final BiConsumer<String, Throwable> uncaught;
    private final Lane[] lanes;

    final Counters.Live counters = new Counters.Live();
    /** The agent fires this runtime's hooks at the JDK's blocking entry points. */
    final boolean automaticHook;
    /** ... at file I/O entry points too (a page-cache read rarely blocks, and a handoff costs). */
    final boolean automaticHookOnFileIo;
    /** ... at socket writes too (a write blocks only when the peer does not read). */
    final boolean automaticHookOnSocketWrites;
    /** Automatic hook fires by site index (see {@link AutomaticHook#sites()}); null without the agent. */
    private final AtomicLongArray automaticFires;
    /** Reports loops held past the stall threshold; null when the threshold is zero. */
    private final StallWatchdog watchdog;
    /** How long an idle thread spins for work before it parks. */
    final long spinNanos;
    /** How long a started thread may take to enter the runtime's code. */
    private final long threadStartNanos;
    /** Thread ids are slots 1..threadLimit, the spec's finite supply: a slot is in use from the
     *  step that starts its thread to the step that decides it exits (the spec's Unallocated),
     *  and is then reused. Guarded by its own monitor. */
    private final boolean[] slotInUse;
    private final AtomicLong callIds = new AtomicLong();
    private final AtomicInteger identityIds = new AtomicInteger();
    private final AtomicInteger nextLane = new AtomicInteger();
    private final List<Identity> identities = new CopyOnWriteArrayList<>();
    private final List<KThread> threads = new CopyOnWriteArrayList<>();
    private final AtomicInteger ownerViolations = new AtomicInteger();

    private volatile boolean closing;
    private final ReentrantLock exitLock = new ReentrantLock();
    private final Condition allExited = exitLock.newCondition();
    private int alive;                                                  // guarded by exitLock

    private AsysRuntime(Builder b) {
        this.spinNanos = b.spinNanos;
        this.threadStartNanos = b.threadStartTimeout.toNanos();
        this.automaticHook = b.automaticHook;
        this.automaticHookOnFileIo = b.automaticHookOnFileIo;
        this.automaticHookOnSocketWrites = b.automaticHookOnSocketWrites;
        this.automaticFires = b.automaticHook ? new AtomicLongArray(AutomaticHook.sites().length) : null;
        this.inFlightLimit = b.inFlightLimit;
        this.threadLimit = b.threadLimit;
        this.threadFactory = b.threadFactory;
        this.tracer = b.traceSink == null ? null : new Tracer(b.traceSink);
        this.uncaught = b.uncaught;
        this.slotInUse = new boolean[b.threadLimit + 1];
        this.lanes = new Lane[b.lanes];
        for (int i = 0; i < lanes.length; i++) lanes[i] = new Lane(i, b.spareCapacity);
        this.watchdog = b.stallThreshold.isZero() ? null : new StallWatchdog(this, b.stallThreshold, b.onStall);
        for (Lane lane : lanes) {
            for (int i = 0; b.preallocate && i < b.spareCapacity; i++) {
                KThread k = start(lane, KThread.State.POOLED);
                if (k == null || !lane.give(k)) {
                    close();
                    throw new IllegalStateException("cannot preallocate spare " + i + " of lane " + lane.id
                            + ": the thread factory gave no thread that started (see the uncaught-error handler)");
                }
            }
        }
        if (watchdog != null) watchdog.start();
    }

    public static Builder builder() { return new Builder(); }

    /**
     * A new identity (event loop) with a thread of its own, on the next lane.
     *
     * @throws IllegalStateException when the runtime is closed or the thread limit is reached
     */
    public Identity newIdentity(String name) {
        Objects.requireNonNull(name, "name");
        if (closing) throw new IllegalStateException("runtime is closed: no new identities");
        Lane lane = lanes[Math.floorMod(nextLane.getAndIncrement(), lanes.length)];
        Identity u = new Identity(identityIds.incrementAndGet(), name, this, lane);
        KThread k = start(lane, KThread.State.USER);
        if (k == null) {
            throw new IllegalStateException("cannot start identity " + name + ": " + (threadSlotFree()
                    ? "the thread factory gave no thread that could start (see the uncaught-error handler)"
                    : "thread limit " + threadLimit + " reached (each identity needs a thread of its own, and spares count too)"));
        }
        identities.add(u);
        if (closing) u.close();   // close() began after the check above and may not have seen u in the list
        u.claim(k);
        k.assign(new KThread.Assignment(u, null));
        return u;
    }

    /** Counters a user can read; exact once the runtime is closed. */
    public Counters counters() {
        int pooled = 0;
        for (Lane l : lanes) pooled += l.pooled();
        long quick = 0;
        for (Identity u : identities) quick += u.quickCalls();
        return counters.snapshot(quick, alive(), pooled, ownerViolations.get(), identities.size());
    }

    /** The identities whose loop has not ended (for the stall watchdog). */
    Iterable<Identity> liveIdentities() { return identities; }

    /**
     * With tracing on, records the current layout as a {@code Layout} event: the settings, every
     * pooled spare with its lane, every identity with its carrier thread and lane. Trace
     * validation starts from it. Call it while no task or call is running (after creating the
     * identities, before giving them work).
     */
    public void traceLayout() {
        if (tracer == null) return;
        synchronized (tracer) {
            StringBuilder pooled = new StringBuilder("[");
            for (KThread k : threads) {
                if (k.state() == KThread.State.POOLED) {
                    pooled.append(pooled.length() > 1 ? "," : "").append("[").append(k.id).append(",").append(k.lane.id).append("]");
                }
            }
            StringBuilder carriers = new StringBuilder("[");
            for (Identity u : identities) {
                KThread k = u.carrier();
                if (k != null) {
                    carriers.append(carriers.length() > 1 ? "," : "").append("[").append(u.id).append(",").append(k.id)
                            .append(",").append(k.lane.id).append("]");
                }
            }
            tracer.emitRaw("Layout", "\"format\":1,\"lanes\":" + lanes.length + ",\"spareCapacity\":" + lanes[0].capacity()
                    + ",\"threadLimit\":" + threadLimit + ",\"inFlightLimit\":" + inFlightLimit
                    + ",\"pooled\":" + pooled + "]" + ",\"carriers\":" + carriers + "]");
        }
    }

    /**
     * Automatic hook fires so far by call site (the JDK entry point, as {@code "Thread.sleep"},
     * {@code "Socket.read"}, ...): where this runtime's handoffs come from. Only sites that fired
     * are listed; empty without {@link Builder#automaticHook}.
     */
    public java.util.Map<String, Long> automaticHookFires() {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        if (automaticFires == null) return out;
        String[] names = AutomaticHook.sites();
        for (int i = 1; i < automaticFires.length(); i++) {
            long n = automaticFires.get(i);
            if (n != 0) out.put(names[i], n);
        }
        return out;
    }

    void countAutomaticFire(int index) {
        if (automaticFires != null) automaticFires.incrementAndGet(index);
    }

    /** Times a thread found an identity carried by another thread: must stay 0 (IdentityUnique). */
    public int ownerViolations() { return ownerViolations.get(); }

    public boolean isClosed() { return closing; }

    /**
     * Stops new identities, tasks and calls; waits until every identity has delivered the outcome
     * of every call in flight and every thread the runtime started has ended. A call that never
     * finishes makes this wait forever: use {@link #close(Duration)}. Called from a runtime thread
     * (a task or handler), it starts closing and returns at once: waiting would wait for itself
     * (and {@code close(Duration)} then returns false: not everything has ended yet).
     * Interrupted while waiting, it returns with the thread's interrupt flag set; closing goes on.
     */
    @Override
    public void close() {
        closeAndAwait(null);   // false only when interrupted while waiting: the interrupt flag is set again
    }

    /** {@link #close()} waiting at most {@code timeout}; true when everything has ended. */
    public boolean close(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return closeAndAwait(timeout);
    }

    private boolean closeAndAwait(Duration timeout) {
        Tracer tr = tracer;
        if (tr == null) {
            closing = true;
        } else {
            synchronized (tr) {   // a step that reads closing and emits comes wholly before or after
                if (!closing) {
                    closing = true;
                    emitQuietly(tr, "CloseRuntime");
                }
            }
        }
        for (Identity u : identities) u.close();
        exitPooled();
        if (KThread.current() != null && KThread.current().runtime == this) return false;   // cannot wait for itself
        long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        exitLock.lock();
        try {
            while (alive > 0) {
                // A spare pooled after the drain above is told to exit by its pooler's next step
                // (exitIfClosing); drain again all the same, for one pooled in between.
                exitPooled();
                long left = timeout == null ? Long.MAX_VALUE : deadline - System.nanoTime();
                if (left <= 0) return false;
                try {
                    allExited.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        } finally {
            exitLock.unlock();
        }
        if (watchdog != null) watchdog.stop();
        return true;
    }

    /**
     * Close's step on the pools: every pooled thread is taken out and told to exit. A thread taken
     * out of its pool is told to exit whatever fails in between (nothing here allocates), so that
     * none is left parked out of every pool, which close would wait for forever.
     */
    private void exitPooled() {
        Tracer tr = tracer;
        for (Lane l : lanes) {
            while (true) {
                if (tr == null) {
                    if (!poolExit(l, null)) break;
                } else {
                    synchronized (tr) {   // the pool's state and the event change together
                        if (!poolExit(l, tr)) break;
                    }
                }
            }
        }
    }

    /** PoolExit: one pooled thread of {@code l} taken out and told to exit; false when none is left. */
    private boolean poolExit(Lane l, Tracer tr) {
        KThread k = l.take();
        if (k == null) return false;
        try {
            Inject.at(Inject.Point.Close);
            if (tr != null) tr.emit("PoolExit", "thread", k.id, "lane", l.id);
        } catch (Throwable t) {
            stepFailed("Close", "thread " + k.id + " is still told to exit", t);
        } finally {
            tellToExit(k);
        }
        return true;
    }

    /** An event of close's own steps: a trace sink that fails is reported, close goes on. */
    void emitQuietly(Tracer tr, String action, Object... fields) {
        try {
            tr.emit(action, fields);
        } catch (Throwable t) {
            stepFailed(action, "close goes on", t);
        }
    }

    // ---- internals -----------------------------------------------------------------------

    boolean closing() { return closing; }

    /** Reserves {@code n} consecutive call ids; returns the first (ids start at 1). */
    long reserveCallIds(int n) { return callIds.getAndAdd(n) + 1; }

    /** What Allocate got: a new spare, or none because the supply is exhausted (the spec's
     *  AllocateExhausted) or because starting one failed with slots left (AllocateFails). */
    record Allocation(KThread spare, boolean exhausted) {}

    /** Allocate: a new spare for {@code lane} within the thread limit, reserved. */
    Allocation allocateSpare(Lane lane) {
        int id = claimSlot();
        if (id < 0) return new Allocation(null, true);
        KThread k = start(id, lane, KThread.State.RESERVED);
        if (k != null) counters.sparesAllocated.increment();
        return new Allocation(k, false);
    }

    /**
     * Starts a runtime thread parked in {@code initial}, or returns null at the limit or on a
     * failed start: the factory threw or returned null, {@code start()} threw, or the thread did
     * not enter the runtime's code within {@link Builder#threadStartTimeout} (a factory's wrapper
     * that died in its own set-up, or never runs its task). A failed start is reported, its slot
     * is freed and it is not counted alive; no call waits on it. Returns only once the thread runs
     * the runtime's code: a thread that is handed an identity is known to be there to carry it.
     */
    private KThread start(Lane lane, KThread.State initial) {
        int id = claimSlot();
        return id < 0 ? null : start(id, lane, initial);
    }

    /** {@link #start(Lane, KThread.State)} in the slot {@code id}, already claimed. */
    private KThread start(int id, Lane lane, KThread.State initial) {
        KThread k;
        try {
            k = new KThread(id, lane, this, initial);
        } catch (Throwable e) {
            freeSlot(id);
            throw e;
        }
        Thread t;
        try {
            t = threadFactory.newThread(k);
            if (t == null) reportUncaught("thread factory returned null instead of a thread", new NullPointerException("thread factory"));
        } catch (Throwable e) {
            reportUncaught("thread factory failed", e);
            t = null;
        }
        if (t == null) {
            retire(k);
            return null;
        }
        k.thread = t;
        exitLock.lock();
        try {
            alive++;
        } finally {
            exitLock.unlock();
        }
        threads.add(k);
        try {
            Inject.at(Inject.Point.Allocate);
            t.start();
        } catch (Throwable e) {
            threadExited(k);
            reportUncaught("cannot start a runtime thread", e);
            return null;
        }
        String failed = k.awaitEntered(threadStartNanos);
        if (failed != null) {
            threadExited(k);
            reportUncaught("thread " + t.getName() + " from the thread factory " + failed + ": a failed start, its slot freed",
                    new IllegalStateException("runtime thread " + id + " never ran the runtime's task"));
            return null;
        }
        return k;
    }

    private boolean threadSlotFree() {
        synchronized (slotInUse) {
            for (int i = 1; i < slotInUse.length; i++) if (!slotInUse[i]) return true;
            return false;
        }
    }

    private int claimSlot() {
        synchronized (slotInUse) {
            for (int i = 1; i < slotInUse.length; i++) {
                if (!slotInUse[i]) {
                    slotInUse[i] = true;
                    return i;
                }
            }
            return -1;
        }
    }

    /** Puts an idle thread in its lane's pool; when full it exits instead. A throw from here
     *  comes before the thread is in a pool (callers then retire it: see {@link #parkOrRetire}).
     *  Once the runtime is closing, a thread pooled here is told to exit by the caller's next
     *  step, {@link #exitIfClosing}, as by close's own drain: both are the spec's PoolExit. */
    boolean park(KThread k) {
        Inject.at(Inject.Point.Park);
        k.state(KThread.State.POOLED);
        if (k.lane.give(k)) return true;
        retire(k);
        return false;
    }

    /**
     * PoolExit for a thread its caller has just pooled: once the runtime is closing, close's drain
     * may have passed that pool already, so the thread is taken out again and told to exit. (A
     * thread pooled before {@code closing} was set is found by the drain: the give comes before
     * this read, the drain's take after the write.)
     */
    void exitIfClosing(KThread k) {
        if (!closing) return;
        Tracer tr = tracer;
        if (tr == null) {
            if (k.lane.remove(k)) tellToExit(k);
        } else {
            synchronized (tr) {   // the pool's state and the event change together
                if (k.lane.remove(k)) {
                    tellToExit(k);
                    tr.emit("PoolExit", "thread", k.id, "lane", k.lane.id);
                }
            }
        }
    }

    /** A thread taken out of its pool exits: its slot goes back to the supply, it is woken. */
    private void tellToExit(KThread k) {
        retire(k);
        k.assign(KThread.Assignment.EXIT);
    }

    /** {@link #park}, or, when that fails, the thread is decided to exit (the failure reported):
     *  either way the step completes. Returns true when it is in its pool. */
    boolean parkOrRetire(KThread k) {
        try {
            return park(k);
        } catch (Throwable t) {
            retire(k);
            stepFailed("Park", "thread " + k.id + " exits instead", t);
            return false;
        }
    }

    /** The step that decides {@code k} exits: its slot goes back to the supply (once). */
    void retire(KThread k) {
        if (!k.retire()) return;
        freeSlot(k.id);
    }

    private void freeSlot(int id) {
        synchronized (slotInUse) {
            slotInUse[id] = false;
        }
    }

    /** The thread has ended (after its exit was decided, or on failure). */
    void threadExited(KThread k) {
        retire(k);
        threads.remove(k);
        boolean last;
        exitLock.lock();
        try {
            last = --alive == 0;
            allExited.signalAll();
        } finally {
            exitLock.unlock();
        }
        if (last && closing && watchdog != null) watchdog.stop();   // closed from a runtime thread: nobody waits
    }

    private int alive() {
        exitLock.lock();
        try {
            return alive;
        } finally {
            exitLock.unlock();
        }
    }

    void identityEnded(Identity u) {
        counters.quick.add(u.quickCalls());   // counted here before the identity leaves the list
        identities.remove(u);
    }

    void ownerViolation(Identity u, KThread k) {
        ownerViolations.incrementAndGet();
        reportUncaught("owner check: " + u + " is not carried by " + k + " alone", new IllegalStateException("IdentityUnique"));
    }

    /**
     * A step of the runtime's own code failed (an {@code Error}, such as a stack overflow or out
     * of memory, or a trace sink that threw) and was undone or completed as {@code done} says:
     * said loudly, through the uncaught-error handler, and counted.
     */
    void stepFailed(String step, String done, Throwable t) {
        counters.stepFailures.increment();
        reportUncaught("the runtime's " + step + " step failed (" + t + "); " + done, t);
    }

    void reportUncaught(String what, Throwable t) {
        try {
            uncaught.accept(what, t);
        } catch (Throwable ignored) {
            // the uncaught-error handler itself failed: nothing more to tell
        }
    }

    /** Builds a runtime from a checked configuration. */
    public static final class Builder {
        private int lanes = 1;
        private int spareCapacity = 2;
        private boolean preallocate = true;
        private int threadLimit = 256;
        private int inFlightLimit = 1024;
        private long spinNanos = java.util.concurrent.TimeUnit.MICROSECONDS.toNanos(20);
        private Duration threadStartTimeout = Duration.ofSeconds(10);
        private ThreadFactory threadFactory;
        private TraceSink traceSink;
        private boolean automaticHook;
        private boolean automaticHookOnFileIo;
        private boolean automaticHookOnSocketWrites;
        private Duration stallThreshold = Duration.ofMillis(100);
        private java.util.function.Consumer<Stall> onStall = StallWatchdog::log;
        private BiConsumer<String, Throwable> uncaught = (what, t) -> {
            System.err.println("asys: " + what);
            t.printStackTrace();
        };

        private Builder() {}

        /** Lanes (the spec's CPUs), each with its own pool of spares; at least 1. */
        public Builder lanes(int n) { lanes = n; return this; }
        /**
         * Idle spares each lane keeps parked (PoolCap); preallocated at build; at least 1. The
         * design reserves a spare before every call, so that the hook fire never allocates; with
         * no pool at all every call, quick ones included, would start and end a thread of its own
         * and every ATOMIC call would be refused.
         */
        public Builder spareCapacity(int n) { spareCapacity = n; return this; }
        /** Whether build starts the pools' spares (default true). False only for tests that
         *  drive the runtime's objects by hand and must see no thread of the runtime's running. */
        Builder preallocate(boolean p) { preallocate = p; return this; }
        /** Most threads the runtime may run at once: carriers, spares and workers. */
        public Builder threadLimit(int n) { threadLimit = n; return this; }
        /** Most calls one identity may have in flight (Limit); the next gets EAGAIN (LIMIT). */
        public Builder inFlightLimit(int n) { inFlightLimit = n; return this; }
        /** How long a thread that has just become idle (back in its pool) spins for work before it
         *  parks; a hook that finds it still spinning hands over in well under a microsecond,
         *  one that finds it parked waits for the operating system to wake it. Zero: never spin.
         *  Default 20 us (longer spins cost the loops' own cores more than they saved on 2 cores:
         *  see the README's benchmarks). */
        public Builder spinBeforePark(Duration d) {
            Objects.requireNonNull(d, "spinBeforePark");
            if (d.isNegative()) throw new IllegalArgumentException("spinBeforePark must not be negative, got " + d);
            spinNanos = d.toNanos();
            return this;
        }
        /**
         * The automatic hook: with the asys agent, a call that blocks in any of the JDK's blocking
         * entry points (locks and parks, sleep, wait, join, sockets, selectors, processes; see
         * docs/agent.md) fires its hook there, as it does in {@link Blocking}'s primitives, and the
         * loop goes on on the spare. {@code build()} installs the agent when the JVM was not
         * started with {@code -javaagent:asys-agent.jar} (self-attach: asys-agent on the class
         * path). Off by default.
         */
        public Builder automaticHook(boolean on) { automaticHook = on; return this; }
        /** With {@link #automaticHook}: file reads and writes are blocking points too. Off by
         *  default: a read from the page cache rarely blocks, and each firing costs a handoff.
         *  Standard output and error are never blocking points. */
        public Builder automaticHookOnFileIo(boolean on) { automaticHookOnFileIo = on; return this; }
        /** With {@link #automaticHook}: socket writes are blocking points too. Off by default: a
         *  write blocks only when the peer stops reading (its send buffer full), and nothing
         *  cheap tells whether it will, so every write would hand over; a request that waits for
         *  its answer fires at the read that waits. */
        public Builder automaticHookOnSocketWrites(boolean on) { automaticHookOnSocketWrites = on; return this; }
        /**
         * The stall watchdog's threshold: a task, a handler or a call run inline that holds its
         * loop this long (a block no hook sees, or plain long work) is reported once, with its
         * stack (see {@link #onStall}), counted in {@link Counters#stalls()} and recorded as the
         * JFR event {@code asys.Stall}. Sampled at half the threshold (at least every 100 us, so
         * sub-millisecond thresholds work). Default 100 ms; {@link Duration#ZERO} turns it off.
         */
        public Builder stallThreshold(Duration d) {
            Objects.requireNonNull(d, "stallThreshold");
            if (d.isNegative()) throw new IllegalArgumentException("stallThreshold must not be negative, got " + d);
            stallThreshold = d;
            return this;
        }
        /** Receives each stall, on the watchdog's thread (default: a WARNING through
         *  {@link System.Logger} {@code "asys"}, with the stack). It must not block. */
        public Builder onStall(java.util.function.Consumer<Stall> listener) {
            onStall = Objects.requireNonNull(listener, "onStall");
            return this;
        }
        /**
         * How long a new thread from the factory may take to enter the runtime's code once
         * started. One that has not by then, or that ends first (a factory's wrapper failing in its
         * own set-up), is a failed start: reported, its slot freed, not counted; the build fails,
         * {@code newIdentity} throws, or the call that needed it gets EAGAIN (NO_SPARE). Default 10 s.
         */
        public Builder threadStartTimeout(Duration d) {
            Objects.requireNonNull(d, "threadStartTimeout");
            if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("threadStartTimeout must be positive, got " + d);
            threadStartTimeout = d;
            return this;
        }
        /** Makes the runtime's threads (default: daemon threads named asys-N). */
        public Builder threadFactory(ThreadFactory f) { threadFactory = Objects.requireNonNull(f, "threadFactory"); return this; }
        /** Records every transition (off when not set). */
        public Builder traceSink(TraceSink s) { traceSink = Objects.requireNonNull(s, "traceSink"); return this; }
        /** Receives what tasks and handlers throw (default: printed to stderr). */
        public Builder uncaughtErrorHandler(BiConsumer<String, Throwable> h) { uncaught = Objects.requireNonNull(h, "uncaughtErrorHandler"); return this; }

        /**
         * @throws IllegalArgumentException naming the setting that is impossible
         */
        public AsysRuntime build() {
            List<String> wrong = new ArrayList<>();
            if (lanes < 1) wrong.add("lanes must be at least 1, got " + lanes);
            if (spareCapacity < 1) {
                wrong.add("spareCapacity must be at least 1, got " + spareCapacity + ": every call reserves a spare before it runs,"
                        + " and with no pool every call, quick ones included, would start and end a thread and every ATOMIC call"
                        + " would get EAGAIN (NO_SPARE)");
            }
            if (inFlightLimit < 1) wrong.add("inFlightLimit must be at least 1, got " + inFlightLimit);
            long preallocated = (long) Math.max(lanes, 0) * Math.max(spareCapacity, 0);
            if (threadLimit < preallocated + 1) {
                wrong.add("threadLimit " + threadLimit + " cannot hold the " + preallocated + " preallocated spares (lanes "
                        + lanes + " x spareCapacity " + spareCapacity + ") and one identity's thread");
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

    /**
     * A loop held past the stall threshold: its identity's name, what held it ({@code "task"},
     * {@code "handler"} or {@code "call"}), for how long at least when seen, the threshold, and
     * the carrier thread's stack when seen.
     */
    public record Stall(String identity, String what, long heldNanos, Duration threshold, StackTraceElement[] stack) {}

    /**
     * Read-only counters: how calls went and what threads exist. {@code identitiesOpen}: identities
     * made and whose loop has not ended yet (a closed identity counts until its last call is delivered).
     * {@code stalls}: loops held past the stall threshold (see {@link Builder#stallThreshold}).
     * {@code stepFailures}: steps of the runtime's own code that failed (an {@code Error} such as a
     * stack overflow, or a trace sink that threw) and were undone or completed, each reported to
     * the uncaught-error handler.
     */
    public record Counters(long quick, long inProgress, long eagain, long hookFires, long sparesAllocated,
                           int threadsAlive, int sparesPooled, int ownerViolations, int identitiesOpen, long stalls,
                           long stepFailures) {

        /** The live adders behind a snapshot. */
        static final class Live {
            /** QUICK calls of the identities that have ended (the live ones count their own). */
            final LongAdder quick = new LongAdder();
            final LongAdder inProgress = new LongAdder();
            final LongAdder eagain = new LongAdder();
            final LongAdder hookFires = new LongAdder();
            final LongAdder sparesAllocated = new LongAdder();
            final LongAdder stalls = new LongAdder();
            final LongAdder stepFailures = new LongAdder();

            Counters snapshot(long liveQuick, int alive, int pooled, int violations, int identitiesOpen) {
                return new Counters(quick.sum() + liveQuick, inProgress.sum(), eagain.sum(), hookFires.sum(),
                        sparesAllocated.sum(), alive, pooled, violations, identitiesOpen, stalls.sum(), stepFailures.sum());
            }
        }
    }
}

package asys.conformance;

import asys.runtime.AsysRuntime;
import asys.runtime.Counters;
import asys.runtime.Blocking;
import asys.runtime.CallFlags;
import asys.runtime.CallHandle;
import asys.runtime.EagainReason;
import asys.runtime.Identity;
import asys.runtime.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code make stress}: many calls over many identities with a realistic mix, checked with an
 * exactly-once ledger. Every call has a sequence number; its handler bumps the ledger entry, so a
 * call whose entry ends at 0 was lost and one above 1 was delivered twice. Each outcome is also
 * checked against what the call's kind allows (a call that blocked cannot be QUICK, a call that
 * threw must carry its error, and so on), and at the end the runtime's counters must add up to the
 * calls submitted, no thread may be left, and no identity may have been found on two threads.
 *
 * <p>The mix: quick calls, calls that block once or repeatedly, that throw before or after
 * blocking, explicit state machines (some completing with an error), NONBLOCK and ATOMIC calls.
 * A small thread limit and pool, and a small in-flight limit, make pool exhaustion (EAGAIN
 * NO_SPARE) and the limit (EAGAIN LIMIT) happen too.
 *
 * <p>Prints {@code stress: N calls, L lost, D double, T s}; exit 1 unless L, D and every other
 * check are 0.
 */
public final class Stress {

    /** What a call does; each allows certain outcomes. */
    enum Kind { QUICK, BLOCK_ONCE, BLOCK_MANY, THROW, THROW_AFTER_BLOCK, STAGE, STAGE_FAILS, NONBLOCK_BLOCKS, ATOMIC_BLOCKS }

    /** Percent of calls of each kind (in the order of {@link Kind}). */
    static final int[] MIX = {70, 5, 2, 4, 2, 6, 1, 5, 5};

    static final int IDENTITIES = 8;
    static final int PER_TASK = Integer.getInteger("asys.stress.perTask", 32);
    /** Tasks given to the loops and not yet finished: bounds the memory of the run. */
    static final int TASKS_IN_FLIGHT = 64;

    /** The result of a run. */
    public record Result(long calls, long lost, long doubled, long wrongOutcomes, long seconds100, List<String> problems,
                         Map<Kind, Long> byKind, Map<Outcome, Long> byOutcome, Map<EagainReason, Long> byReason, long hookFires) {
        public boolean ok() { return lost == 0 && doubled == 0 && wrongOutcomes == 0 && problems.isEmpty(); }

        public String summary() {
            return String.format(Locale.ROOT, "stress: %d calls, %d lost, %d double, %.1f s", calls, lost, doubled, seconds100 / 100.0);
        }
    }

    private Stress() {}

    public static Result run(long calls, long seed) throws InterruptedException {
        if (calls < 1 || calls > Integer.MAX_VALUE - PER_TASK) throw new IllegalArgumentException("calls must be in 1.." + (Integer.MAX_VALUE - PER_TASK) + ", got " + calls);
        long t0 = System.nanoTime();
        LongAdder uncaught = new LongAdder();
        List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        AsysRuntime rt = AsysRuntime.builder().lanes(2).spareCapacity(4).threadLimit(Integer.getInteger("asys.stress.threads", 96)).inFlightLimit(Integer.getInteger("asys.stress.limit", 24))
                .uncaughtErrorHandler((what, t) -> {
                    uncaught.increment();
                    if (uncaught.sum() <= 3) problems.add("uncaught: " + what + ": " + t);
                }).build();
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "stress-timer");
            t.setDaemon(true);
            return t;
        });
        int n = (int) calls;
        AtomicIntegerArray ledger = new AtomicIntegerArray(n);
        AtomicInteger delivered = new AtomicInteger();
        AtomicLong wrong = new AtomicLong();
        Map<Kind, LongAdder> byKind = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) byKind.put(k, new LongAdder());
        Map<Outcome, LongAdder> byOutcome = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) byOutcome.put(o, new LongAdder());
        Map<EagainReason, LongAdder> byReason = new EnumMap<>(EagainReason.class);
        for (EagainReason r : EagainReason.values()) byReason.put(r, new LongAdder());
        Semaphore tasks = new Semaphore(TASKS_IN_FLIGHT);
        List<Identity> ids = new ArrayList<>();
        long closedIn;
        try {
            for (int i = 0; i < IDENTITIES; i++) ids.add(rt.newIdentity("stress-" + i));
            SplittableRandom rnd = new SplittableRandom(seed);
            long lastReport = System.nanoTime();
            for (int first = 0; first < n; first += PER_TASK) {
                tasks.acquire();
                Identity id = ids.get((first / PER_TASK) % IDENTITIES);
                int from = first, to = Math.min(n, first + PER_TASK);
                long taskSeed = rnd.nextLong();
                id.execute(() -> {
                    try {
                        SplittableRandom r = new SplittableRandom(taskSeed);
                        for (int seq = from; seq < to; seq++) {
                            Kind kind = pick(r.nextInt(100));
                            byKind.get(kind).increment();
                            submit(id, kind, seq, timers, r.nextInt(4), (h, s) -> {
                                int c = ledger.incrementAndGet(s);
                                if (c == 1) delivered.incrementAndGet();
                                byOutcome.get(h.outcome()).increment();
                                if (h.eagainReason() != null) byReason.get(h.eagainReason()).increment();
                                String why = check(kind, h);
                                if (why != null && wrong.getAndIncrement() < 3) problems.add("call " + s + " (" + kind + "): " + why);
                            });
                        }
                    } finally {
                        tasks.release();
                    }
                });
                if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(10)) {
                    lastReport = System.nanoTime();
                    System.err.printf(Locale.ROOT, "  stress: %d of %d calls submitted, %d delivered%n", to, n, delivered.get());
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (delivered.get() < n && System.nanoTime() < deadline) Thread.sleep(5);
        } finally {
            long c0 = System.nanoTime();
            if (!rt.close(Duration.ofSeconds(60))) problems.add("close did not finish in 60 s");
            closedIn = System.nanoTime() - c0;
            timers.shutdownNow();
        }
        long lost = 0, doubled = 0;
        for (int s = 0; s < n; s++) {
            int c = ledger.get(s);
            if (c == 0) lost++;
            else if (c > 1) doubled++;
        }
        Counters k = rt.counters();
        if (k.quick() + k.inProgress() + k.eagain() != n) {
            problems.add("counters: quick " + k.quick() + " + in progress " + k.inProgress() + " + eagain " + k.eagain() + " != " + n + " calls");
        }
        if (k.quick() != byOutcome.get(Outcome.QUICK).sum() || k.inProgress() != byOutcome.get(Outcome.IN_PROGRESS).sum()
                || k.eagain() != byOutcome.get(Outcome.EAGAIN).sum()) {
            problems.add("counters disagree with the handlers: " + k + " vs " + byOutcome);
        }
        if (k.threadsAlive() != 0) problems.add(k.threadsAlive() + " runtime threads left after close");
        if (k.ownerViolations() != 0) problems.add(k.ownerViolations() + " owner violations (an identity on two threads)");
        if (uncaught.sum() != 0) problems.add(uncaught.sum() + " uncaught errors");
        if (closedIn > TimeUnit.SECONDS.toNanos(60)) problems.add("close took " + closedIn / 1_000_000 + " ms");
        Map<Kind, Long> kinds = new EnumMap<>(Kind.class);
        byKind.forEach((kk, v) -> kinds.put(kk, v.sum()));
        Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
        byOutcome.forEach((o, v) -> outcomes.put(o, v.sum()));
        Map<EagainReason, Long> reasons = new EnumMap<>(EagainReason.class);
        byReason.forEach((r, v) -> reasons.put(r, v.sum()));
        return new Result(n, lost, doubled, wrong.get(), (System.nanoTime() - t0) / 10_000_000, List.copyOf(problems),
                kinds, outcomes, reasons, k.hookFires());
    }

    static Kind pick(int percent) {
        int acc = 0;
        for (Kind k : Kind.values()) {
            acc += MIX[k.ordinal()];
            if (percent < acc) return k;
        }
        return Kind.QUICK;
    }

    interface Ledger {
        void record(CallHandle<?> h, int seq);
    }

    static final class Boom extends RuntimeException {
        Boom(int seq) { super("call " + seq + " throws", null, false, false); }
    }

    private static void submit(Identity id, Kind kind, int seq, ScheduledExecutorService timers, int wait, Ledger ledger) {
        Duration brief = Duration.ofNanos(10_000L * (1 + wait));
        switch (kind) {
            case QUICK -> id.submit(() -> seq, h -> ledger.record(h, seq));
            case BLOCK_ONCE -> id.submit(() -> { Blocking.sleep(brief); return seq; }, h -> ledger.record(h, seq));
            case BLOCK_MANY -> id.submit(() -> {
                for (int i = 0; i < 3; i++) Blocking.sleep(brief);
                return seq;
            }, h -> ledger.record(h, seq));
            case THROW -> id.submit(() -> { throw new Boom(seq); }, h -> ledger.record(h, seq));
            case THROW_AFTER_BLOCK -> id.submit(() -> {
                Blocking.sleep(brief);
                throw new Boom(seq);
            }, h -> ledger.record(h, seq));
            case STAGE, STAGE_FAILS -> id.submitStage(CallFlags.NONE, () -> {
                CompletableFuture<Integer> f = new CompletableFuture<>();
                timers.schedule(() -> {
                    if (kind == Kind.STAGE) f.complete(seq);
                    else f.completeExceptionally(new Boom(seq));
                }, 10L * (1 + wait), TimeUnit.MICROSECONDS);
                return f;
            }, h -> ledger.record(h, seq));
            case NONBLOCK_BLOCKS -> id.submit(CallFlags.NONBLOCK, () -> { Blocking.sleep(brief); return seq; }, h -> ledger.record(h, seq));
            case ATOMIC_BLOCKS -> id.submit(CallFlags.ATOMIC, () -> { Blocking.sleep(brief); return seq; }, h -> ledger.record(h, seq));
        }
    }

    /** Null when {@code h}'s outcome is one that a call of {@code kind} may have; else why not. */
    static String check(Kind kind, CallHandle<?> h) {
        Outcome o = h.outcome();
        if (!h.isDone()) return "handler ran before the call was done";
        if (o == Outcome.EAGAIN) {
            EagainReason r = h.eagainReason();
            if (r == EagainReason.LIMIT) return null;   // any call may meet the limit
            if (r == EagainReason.NO_SPARE) return null;   // pool empty and no thread to allocate (ATOMIC: pool empty)
            if (r == EagainReason.WOULD_BLOCK) return kind == Kind.NONBLOCK_BLOCKS ? null : "WOULD_BLOCK for a call without NONBLOCK";
            if (r == EagainReason.RUNTIME_ERROR) return "EAGAIN (RUNTIME_ERROR): the runtime's own Submit failed: " + h.error();
            return "EAGAIN without a reason";
        }
        boolean blocks = kind == Kind.BLOCK_ONCE || kind == Kind.BLOCK_MANY || kind == Kind.THROW_AFTER_BLOCK
                || kind == Kind.ATOMIC_BLOCKS || kind == Kind.STAGE || kind == Kind.STAGE_FAILS;
        if (kind == Kind.NONBLOCK_BLOCKS) return "a NONBLOCK call that blocks must get EAGAIN (WOULD_BLOCK), got " + o;
        if (!blocks && o != Outcome.QUICK) return "a call that never blocks got " + o;
        if (blocks && kind != Kind.STAGE && kind != Kind.STAGE_FAILS && o != Outcome.IN_PROGRESS) return "a call that blocked got " + o;
        boolean throwsError = kind == Kind.THROW || kind == Kind.THROW_AFTER_BLOCK || kind == Kind.STAGE_FAILS;
        if (throwsError && !(h.error() instanceof Boom)) return "its error is missing: " + h.error();
        if (!throwsError && h.error() != null) return "an unexpected error: " + h.error();
        if (!throwsError && h.value() == null) return "no value";
        return null;
    }

    /** {@code Stress [CALLS] [SEED]}: default 10^7 calls. */
    public static void main(String[] args) throws InterruptedException {
        long calls = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 10_000_000L;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 20261126L;
        Result r = run(calls, seed);
        System.out.println("  by kind: " + r.byKind());
        System.out.println("  outcomes: " + r.byOutcome() + "; EAGAIN reasons: " + r.byReason() + "; hook fires: " + r.hookFires());
        r.problems().forEach(p -> System.out.println("  PROBLEM " + p));
        if (r.wrongOutcomes() > 0) System.out.println("  " + r.wrongOutcomes() + " outcomes a call of its kind may not have");
        System.out.println(r.summary());
        System.exit(r.ok() ? 0 : 1);
    }
}

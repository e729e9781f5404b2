package asys.runtime;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * The blocking points of calls. Each primitive first tries without blocking; only when it must
 * really block does it tell the current runtime thread, which (inside a call with its hook set)
 * fires the hook: the loop moves to the spare and this thread blocks as a worker (HookFire). A
 * NONBLOCK call gets EAGAIN instead. On a worker, blocking again fires nothing (WorkerBlock,
 * WorkerWake). Outside a call, or on a thread that is not the runtime's, each behaves exactly
 * like the plain JDK primitive.
 */
public final class Blocking {

    private Blocking() {}

    /**
     * Sleeps {@code d}; a zero or negative duration does not block.
     *
     * @param d how long
     * @throws InterruptedException when interrupted while waiting (the call's own interrupt)
     */
    public static void sleep(Duration d) throws InterruptedException {
        Objects.requireNonNull(d, "duration");
        if (d.isZero() || d.isNegative()) return;
        int k = before();
        try {
            Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
        } finally {
            after(k);
        }
    }

    /**
     * Waits for {@code f}'s value; returns at once when it is done.
     *
     * @param <T> the value's type
     * @param f the future
     * @return its value
     * @throws InterruptedException when interrupted while waiting (the call's own interrupt)
     * @throws ExecutionException when {@code f} failed
     */
    public static <T> T get(Future<T> f) throws InterruptedException, ExecutionException {
        Objects.requireNonNull(f, "future");
        if (f.isDone()) return f.get();
        if (f instanceof RuntimeFuture<?> rf) rf.checkNotOwnWait();   // before the hook fires: it would never end
        int k = before();
        try {
            return f.get();
        } finally {
            after(k);
        }
    }

    /**
     * Waits for {@code stage}'s value.
     *
     * @param <T> the value's type
     * @param stage the stage
     * @return its value
     * @throws InterruptedException when interrupted while waiting (the call's own interrupt)
     * @throws ExecutionException when {@code stage} failed, with its failure as the cause
     */
    public static <T> T await(CompletionStage<T> stage) throws InterruptedException, ExecutionException {
        Objects.requireNonNull(stage, "stage");
        return get(stage.toCompletableFuture());
    }

    /**
     * Acquires {@code lock}, blocking (and firing the hook) only if it is held.
     *
     * @param lock the lock
     * @throws InterruptedException when interrupted while waiting (the call's own interrupt)
     */
    public static void lock(Lock lock) throws InterruptedException {
        Objects.requireNonNull(lock, "lock");
        if (lock.tryLock()) return;
        int k = before();
        try {
            lock.lockInterruptibly();
        } finally {
            after(k);
        }
    }

    /**
     * Acquires a permit of {@code s}, blocking only if none is free.
     *
     * @param s the semaphore
     * @throws InterruptedException when interrupted while waiting (the call's own interrupt)
     */
    public static void acquire(Semaphore s) throws InterruptedException {
        Objects.requireNonNull(s, "semaphore");
        if (s.tryAcquire()) return;
        int k = before();
        try {
            s.acquire();
        } finally {
            after(k);
        }
    }

    /**
     * Waits on {@code c} (its lock held, as for {@link Condition#await()}) until signalled. A
     * condition wait always blocks, so inside a call it always fires the hook.
     *
     * @param c the condition
     * @throws InterruptedException when interrupted while waiting (the call's own interrupt)
     */
    public static void await(Condition c) throws InterruptedException {
        Objects.requireNonNull(c, "condition");
        int k = before();
        try {
            c.await();
        } finally {
            after(k);
        }
    }

    /**
     * Runs a {@link ForkJoinPool.ManagedBlocker}: {@code isReleasable} first, and the hook fires
     * only when it is not; then {@link ForkJoinPool#managedBlock}.
     *
     * @param blocker the blocker
     * @throws InterruptedException when interrupted while waiting (the call's own interrupt)
     */
    public static void managedBlock(ForkJoinPool.ManagedBlocker blocker) throws InterruptedException {
        Objects.requireNonNull(blocker, "blocker");
        if (blocker.isReleasable()) return;
        int k = before();
        try {
            ForkJoinPool.managedBlock(blocker);
        } finally {
            after(k);
        }
    }

    /** A stage's value or failure. */
    record StageResult<T>(T value, Throwable error) {}

    /** A worker waits for a stage returned by a call that blocked before returning it. */
    static <T> StageResult<T> awaitStage(CompletionStage<T> stage) {
        CompletableFuture<T> f = stage.toCompletableFuture();
        int k = f.isDone() ? 0 : before();
        try {
            return new StageResult<>(f.join(), null);
        } catch (Throwable t) {
            return new StageResult<>(null, CallSteps.unwrap(t));
        } finally {
            after(k);
        }
    }

    /**
     * Runs {@code body}, which may block in code that neither these primitives nor the agent see
     * (a native driver, a monitor held elsewhere): the hook fires first, as for any blocking point,
     * so that the loop goes on while {@code body} runs on this thread as a worker. What {@code body}
     * returns or throws, checked exceptions included, comes out unchanged. Outside a call it just
     * runs {@code body}; in a NONBLOCK call it throws the would-block signal instead (EAGAIN).
     *
     * @param <T> what {@code body} returns
     * @param body the code that may block
     * @return what {@code body} returned
     * @throws Exception what {@code body} threw
     */
    public static <T> T call(Callable<T> body) throws Exception {
        Objects.requireNonNull(body, "body");
        int k = before();
        try {
            return body.call();
        } finally {
            after(k);
        }
    }

    /** The current runtime thread's blocking point begins; returns its token (0: nothing to undo). */
    private static int before() {
        KThread k = KThread.current();
        return k == null ? 0 : k.beforeBlock(AutomaticHook.BLOCKING);
    }

    private static void after(int token) {
        if (token == 0) return;
        KThread k = KThread.current();
        if (k != null) k.afterBlock(token);
    }
}

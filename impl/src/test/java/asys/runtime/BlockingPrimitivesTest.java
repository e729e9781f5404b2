package asys.runtime;

import static asys.runtime.Harness.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every blocking primitive: inside a call it fires the hook only when it must really block (the
 * call goes IN_PROGRESS and the loop moves on), returns without firing when it can proceed at
 * once (QUICK), and outside the runtime it is the plain JDK primitive.
 */
class BlockingPrimitivesTest {

    /** A blocking point that is held (must block) or free (proceeds at once), released on command. */
    interface Point {
        void block() throws Exception;   // called inside a call
        void release();                  // from the test thread
    }

    static Point point(String kind, boolean held) {
        switch (kind) {
            case "lock": {
                if (held) throw new IllegalArgumentException("a held lock comes from LockHolder");
                ReentrantLock lock = new ReentrantLock();
                return new Point() {
                    public void block() throws Exception { Blocking.lock(lock); lock.unlock(); }
                    public void release() { }
                };
            }
            case "condition": {
                ReentrantLock lock = new ReentrantLock();
                Condition c = lock.newCondition();
                AtomicBoolean ready = new AtomicBoolean(!held);
                return new Point() {
                    public void block() throws Exception {
                        lock.lock();
                        try {
                            while (!ready.get()) Blocking.await(c);
                        } finally {
                            lock.unlock();
                        }
                    }
                    public void release() {
                        lock.lock();
                        try {
                            ready.set(true);
                            c.signalAll();
                        } finally {
                            lock.unlock();
                        }
                    }
                };
            }
            case "future": {
                CompletableFuture<Integer> f = held ? new CompletableFuture<>() : CompletableFuture.completedFuture(1);
                return new Point() {
                    public void block() throws Exception { Blocking.get(f); }
                    public void release() { f.complete(1); }
                };
            }
            case "stage": {
                CompletableFuture<Integer> f = held ? new CompletableFuture<>() : CompletableFuture.completedFuture(1);
                return new Point() {
                    public void block() throws Exception { Blocking.await(f.thenApply(v -> v)); }
                    public void release() { f.complete(1); }
                };
            }
            case "managedBlocker": {
                AtomicBoolean free = new AtomicBoolean(!held);
                Object monitor = new Object();
                ForkJoinPool.ManagedBlocker b = new ForkJoinPool.ManagedBlocker() {
                    public boolean block() throws InterruptedException {
                        synchronized (monitor) {
                            while (!free.get()) monitor.wait();
                        }
                        return true;
                    }
                    public boolean isReleasable() { return free.get(); }
                };
                return new Point() {
                    public void block() throws Exception { Blocking.managedBlock(b); }
                    public void release() {
                        synchronized (monitor) {
                            free.set(true);
                            monitor.notifyAll();
                        }
                    }
                };
            }
            default:
                throw new IllegalArgumentException(kind);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"condition", "future", "stage", "managedBlocker", "lock"})
    void insideACallAPrimitiveThatMustBlockFiresTheHookAndOneThatNeedNotDoesNot(String kind) throws Exception {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            LockHolder holder = kind.equals("lock") ? new LockHolder() : null;
            Point held = holder != null ? holder.point() : point(kind, true);
            Point free = point(kind, false);
            AtomicReference<CallHandle<Integer>> blocking = new AtomicReference<>(), quick = new AtomicReference<>();
            CompletableFuture<CallHandle<Integer>> done = new CompletableFuture<>();
            onLoop(u, () -> {
                blocking.set(u.submit(() -> { held.block(); return 1; }, done::complete));
                quick.set(u.submit(() -> { free.block(); return 2; }, r -> { }));
            });
            assertEquals(Outcome.QUICK, Harness.done(quick.get()).outcome(), "proceeding at once fires nothing");
            assertEquals(Outcome.IN_PROGRESS, blocking.get().outcome(), kind + " blocked: the hook fired");
            held.release();
            assertEquals(1, done.get(10, TimeUnit.SECONDS).value());
            assertEquals(1, h.rt.counters().hookFires());
            // the blocked thread, a worker once the hook fired, reports its wake-up, then finishes
            h.assertBlockingSteps(blocking.get().id(), List.of("Submit", "HookFire", "WorkerWake", "WorkerFinish", "Reap"));
            assertEquals(List.of("Submit", "CompleteInline"), h.actionsOf(quick.get().id()), kind);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"condition", "future", "stage", "managedBlocker"})
    void outsideTheRuntimeAPrimitiveIsThePlainJdkOne(String kind) throws Exception {
        Point p = point(kind, true);
        CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> {
            try {
                p.block();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        Thread.sleep(20);
        assertTrue(!blocked.isDone(), "it blocks");
        p.release();
        blocked.get(10, TimeUnit.SECONDS);
        Blocking.sleep(Duration.ofMillis(1));
        Blocking.sleep(Duration.ZERO);
    }

    @org.junit.jupiter.api.Test
    void insideACallWaitsThatNeedNotBlockReturnAtOnceWithTheirValueAndFireNothing() {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            AtomicReference<CallHandle<Integer>> x = new AtomicReference<>();
            onLoop(u, () -> x.set(u.submit(() -> {
                Blocking.sleep(Duration.ZERO);
                Blocking.sleep(Duration.ofMillis(-1));
                return Blocking.get(CompletableFuture.completedFuture(40)) + Blocking.await(CompletableFuture.completedStage(2));
            }, r -> { })));
            CallHandle<Integer> done = Harness.done(x.get());
            assertEquals(Outcome.QUICK, done.outcome());
            assertEquals(42, done.value());
            assertEquals(List.of("Submit", "CompleteInline"), h.actionsOf(done.id()));
        }
    }

    /** A lock held by a thread of the test's until released. */
    static final class LockHolder {
        final ReentrantLock lock = new ReentrantLock();
        final CompletableFuture<Void> release = new CompletableFuture<>();
        final AtomicInteger holding = new AtomicInteger();

        LockHolder() throws InterruptedException {
            Thread t = new Thread(() -> {
                lock.lock();
                holding.set(1);
                try {
                    release.join();
                } finally {
                    lock.unlock();
                }
            });
            t.setDaemon(true);
            t.start();
            while (holding.get() == 0) Thread.sleep(1);
        }

        Point point() {
            return new Point() {
                public void block() throws Exception { Blocking.lock(lock); lock.unlock(); }
                public void release() { release.complete(null); }
            };
        }
    }
}

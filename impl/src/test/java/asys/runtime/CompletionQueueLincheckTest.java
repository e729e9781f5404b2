package asys.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jetbrains.lincheck.Lincheck;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.junit.jupiter.api.Test;

/**
 * Lincheck's model checker (every interleaving of the threads below, up to its bounds) on a
 * {@link CompletionQueue} alone, used as the runtime uses it: two threads post (MachineComplete), and the
 * loop's carrier reaps, or sleeps in await when nothing is posted. Checked: each completion is
 * reaped exactly once (ExactlyOnceCompletion), and no post is lost while the carrier sleeps: every
 * interleaving ends with the carrier awake and both completions reaped (NoLostWakeup; a lost
 * wakeup would leave the carrier asleep forever, which Lincheck reports as a hang).
 */
class CompletionQueueLincheckTest {

    private static final int INVOCATIONS = 3_000;

    /** The loop's own order, as runLoop has it: reap; nothing reaped, await; until n are reaped. */
    private static List<Long> reapAll(CompletionQueue q, KThread carrier, int n) {
        List<Long> reaped = new ArrayList<>();
        while (reaped.size() < n) {
            CallRecord<?> c = q.reap(carrier);
            if (c == null) q.await(carrier);
            else reaped.add(c.id);
        }
        return reaped;
    }

    @Test
    void postsFromTwoWorkersAreEachReapedOnceAndNeitherIsLostWhileTheCarrierSleeps() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            CompletionQueue q = new CompletionQueue(1, null, new Reporter((what, t) -> { }), null, () -> false);
            KThread carrier = new KThread(1, new Lane(0, 0, 0), null, KThread.State.USER);
            List<CallRecord<Integer>> calls = List.of(
                    new CallRecord<>(1, null, 0, () -> 1, null, r -> { }),
                    new CallRecord<>(2, null, 0, () -> 2, null, r -> { }));
            for (int i = 0; i < calls.size(); i++) q.callWentAsync();   // both went IN_PROGRESS (HookFire)
            List<Long> reaped = new ArrayList<>();
            Thread loop = new Thread(() -> reaped.addAll(reapAll(q, carrier, 2)));
            Thread w1 = new Thread(() -> q.machineComplete(calls.get(0)));
            Thread w2 = new Thread(() -> q.machineComplete(calls.get(1)));
            loop.start();
            w1.start();
            w2.start();
            join(w1, w2, loop);
            assertEquals(2, reaped.size());
            assertTrue(reaped.containsAll(List.of(1L, 2L)), "each completion reaped once: " + reaped);
            assertEquals(null, q.reap(carrier), "nothing left behind");
        });
    }

    private static void join(Thread... ts) {
        for (Thread t : ts) {
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    /**
     * The same queue with await's check and its sleep in two critical sections (the spec's
     * AwaitNotAtomic variant, and the runtime's fault of that name): a post that lands between
     * them signals nobody, and the carrier sleeps with a completion queued.
     */
    static final class QueueWithSplitAwait {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition wake = lock.newCondition();
        private final ArrayDeque<Long> completions = new ArrayDeque<>();
        private boolean sleeping;

        void post(long x) {
            lock.lock();
            try {
                completions.add(x);
                if (sleeping) wake.signal();
            } finally {
                lock.unlock();
            }
        }

        Long reap() {
            lock.lock();
            try {
                return completions.poll();
            } finally {
                lock.unlock();
            }
        }

        void await() {
            boolean empty;
            lock.lock();
            try {
                empty = completions.isEmpty();
            } finally {
                lock.unlock();
            }
            if (!empty) return;
            lock.lock();       // the check above may be stale by now
            try {
                sleeping = true;
                wake.awaitUninterruptibly();
                sleeping = false;
            } finally {
                lock.unlock();
            }
        }
    }

    @Test
    void aQueueWhoseAwaitChecksAndSleepsInTwoStepsIsCaughtLosingAWakeup() {
        LincheckAssertionError e = assertThrows(LincheckAssertionError.class, () -> Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            QueueWithSplitAwait q = new QueueWithSplitAwait();
            List<Long> reaped = new ArrayList<>();
            Thread loop = new Thread(() -> {
                while (reaped.size() < 1) {
                    Long c = q.reap();
                    if (c == null) q.await();
                    else reaped.add(c);
                }
            });
            Thread w = new Thread(() -> q.post(1));
            loop.start();
            w.start();
            join(w, loop);
            assertEquals(List.of(1L), reaped);
        }));
        assertTrue(e.getMessage().contains("Concurrent test has hung"), e.getMessage());
    }
}

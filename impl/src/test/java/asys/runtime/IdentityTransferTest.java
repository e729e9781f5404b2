package asys.runtime;

import static asys.runtime.Harness.done;
import static asys.runtime.Harness.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Each action of the spec, forced by a test call, and seen in the trace under its spec name.
 * Calls block only on a {@link Harness.Gate} that the test opens, so every run is the same.
 */
class IdentityTransferTest {

    @Test
    void aCallThatDoesNotBlockRunsInlineOnTheLoopThreadAndReturnsQuick() {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            AtomicReference<Thread> taskThread = new AtomicReference<>(), callThread = new AtomicReference<>(),
                    handlerThread = new AtomicReference<>();
            AtomicReference<CallHandle<Integer>> handle = new AtomicReference<>();
            onLoop(u, () -> {
                taskThread.set(Thread.currentThread());
                handle.set(u.submit(() -> {
                    callThread.set(Thread.currentThread());
                    return 42;
                }, r -> handlerThread.set(Thread.currentThread())));
            });
            CallHandle<Integer> x = done(handle.get());
            assertEquals(Outcome.QUICK, x.outcome());
            assertEquals(42, x.value());
            assertSame(taskThread.get(), callThread.get(), "CompleteInline: the call ran on the loop's own thread");
            onLoop(u, () -> assertSame(taskThread.get(), handlerThread.get(), "the handler ran on the loop, at once"));
            assertEquals(List.of("Submit", "CompleteInline"), h.actionsOf(x.id()));
            assertEquals(1, h.rt.counters().quick());
            assertEquals(0, h.rt.counters().hookFires());
        }
    }

    @Test
    void aCallThatBlocksHandsTheLoopToItsSpareWhichRunsTheNextTaskMeanwhile() throws Exception {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            Harness.Gate gate = new Harness.Gate();
            AtomicReference<Thread> before = new AtomicReference<>(), after = new AtomicReference<>(), call = new AtomicReference<>();
            AtomicReference<CallHandle<String>> handle = new AtomicReference<>();
            CompletableFuture<CallHandle<String>> handled = new CompletableFuture<>();
            onLoop(u, () -> {
                before.set(Thread.currentThread());
                handle.set(u.submit(() -> {
                    call.set(Thread.currentThread());
                    gate.pass();
                    return "done";
                }, handled::complete));
            });
            gate.awaitBlocked(1);
            onLoop(u, () -> after.set(Thread.currentThread()));   // the loop did not stall
            assertEquals(Outcome.IN_PROGRESS, handle.get().outcome(), "HookFire decided IN_PROGRESS");
            assertNotEquals(before.get(), after.get(), "the identity moved to the spare");
            assertSame(before.get(), call.get(), "the call stayed on the thread it started on");
            assertTrue(!handled.isDone(), "no completion before the call finishes");
            gate.open();
            CallHandle<String> x = handled.get(10, TimeUnit.SECONDS);
            assertEquals("done", x.value());
            assertEquals(List.of("Submit", "HookFire", "ReturnToUser", "WorkerWake", "WorkerFinish", "Reap"), h.actionsOf(x.id()));
            assertEquals(1, h.rt.counters().hookFires());
            assertEquals(1, h.rt.counters().inProgress());
        }
    }

    @Test
    void aWorkerThatBlocksAgainFiresNothing() throws Exception {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            Harness.Gate first = new Harness.Gate(), second = new Harness.Gate();
            CompletableFuture<CallHandle<Integer>> handled = new CompletableFuture<>();
            onLoop(u, () -> u.submit(() -> {
                first.pass();
                second.pass();
                return 2;
            }, handled::complete));
            first.awaitBlocked(1);
            first.open();
            second.awaitBlocked(1);
            second.open();
            CallHandle<Integer> x = handled.get(10, TimeUnit.SECONDS);   // the handler runs after Reap
            assertEquals(2, x.value());
            assertEquals(1, h.rt.counters().hookFires(), "only the first block fires the hook");
            List<String> acts = h.actionsOf(x.id());
            List<String> workers = new java.util.ArrayList<>(acts);
            workers.removeAll(List.of("ReturnToUser", "Reap"));   // the spare's steps interleave freely
            assertEquals(List.of("Submit", "HookFire", "WorkerWake", "WorkerBlock", "WorkerWake", "WorkerFinish"), workers);
            assertTrue(acts.indexOf("ReturnToUser") > acts.indexOf("HookFire"), acts.toString());
        }
    }

    @Test
    void aNonblockCallThatWouldBlockReturnsEagainAndNeverSleeps() {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            Harness.Gate gate = new Harness.Gate();
            AtomicReference<CallHandle<Integer>> handle = new AtomicReference<>();
            onLoop(u, () -> handle.set(u.submit(CallFlags.NONBLOCK, () -> {
                gate.pass();
                return 1;
            }, r -> { })));
            CallHandle<Integer> x = done(handle.get());
            assertEquals(Outcome.EAGAIN, x.outcome());
            assertEquals(EagainReason.WOULD_BLOCK, x.eagainReason());
            assertEquals(0, h.rt.counters().hookFires());
            assertEquals(List.of("Submit", "WouldBlock"), h.actionsOf(x.id()));
            assertTrue(h.trace.stream().anyMatch(l -> l.contains("\"WouldBlock\"") && l.contains("\"outcome\":\"EAGAIN\"")));
        }
    }

    @Test
    void aNonblockCallThatDoesNotBlockIsQuick() {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            AtomicReference<CallHandle<Integer>> handle = new AtomicReference<>();
            onLoop(u, () -> handle.set(u.submit(CallFlags.NONBLOCK, () -> 7, r -> { })));
            assertEquals(Outcome.QUICK, done(handle.get()).outcome());
        }
    }

    @Test
    void aPendingStageIsInProgressWithNoThreadHeldAndCompletesByMachine() {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            CompletableFuture<String> io = new CompletableFuture<>();
            AtomicReference<CallHandle<String>> handle = new AtomicReference<>();
            onLoop(u, () -> handle.set(u.submitStage(CallFlags.NONE, () -> io, r -> { })));
            onLoop(u, () -> { });
            assertEquals(Outcome.IN_PROGRESS, handle.get().outcome());
            assertEquals(0, h.rt.counters().hookFires(), "no thread was handed over");
            io.complete("io");
            CallHandle<String> x = done(handle.get());
            assertEquals("io", x.value());
            onLoop(u, () -> { });
            assertEquals(List.of("Submit", "WouldBlock", "MachineComplete", "Reap"), h.actionsOf(x.id()));
        }
    }

    @Test
    void aStageCallThatBlocksBeforeReturningItsStageIsFinishedByItsWorker() throws Exception {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            Harness.Gate gate = new Harness.Gate();
            CompletableFuture<String> io = new CompletableFuture<>();
            CompletableFuture<CallHandle<String>> handled = new CompletableFuture<>();
            onLoop(u, () -> u.submitStage(CallFlags.NONE, () -> {
                gate.pass();          // blocks: the hook fires, this thread is a worker now
                return io;            // a pending stage, returned on the worker
            }, handled::complete));
            gate.awaitBlocked(1);
            gate.open();
            Thread.sleep(20);
            assertTrue(!handled.isDone(), "the worker waits for its stage before posting");
            io.complete("late");
            CallHandle<String> x = handled.get(10, TimeUnit.SECONDS);
            assertEquals(Outcome.IN_PROGRESS, x.outcome());
            assertEquals("late", x.value());
            List<String> acts = h.actionsOf(x.id());
            assertTrue(acts.containsAll(List.of("HookFire", "WorkerBlock", "WorkerFinish")), acts.toString());
        }
    }

    @Test
    void aStageAlreadyCompleteIsQuickAndANonblockPendingStageIsEagain() {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            AtomicReference<CallHandle<String>> quick = new AtomicReference<>(), eagain = new AtomicReference<>();
            onLoop(u, () -> {
                quick.set(u.submitStage(CallFlags.NONE, () -> CompletableFuture.completedFuture("now"), r -> { }));
                eagain.set(u.submitStage(CallFlags.NONBLOCK, CompletableFuture::new, r -> { }));
            });
            assertEquals(Outcome.QUICK, done(quick.get()).outcome());
            assertEquals("now", quick.get().value());
            assertEquals(Outcome.EAGAIN, done(eagain.get()).outcome(), "NONBLOCK wins over a state machine");
            assertEquals(EagainReason.WOULD_BLOCK, eagain.get().eagainReason());
        }
    }

    @Test
    void anAtomicCallWithAnEmptyPoolGetsEagainAndAnyOtherAllocatesASpare() throws Exception {
        try (Harness h = new Harness(b -> b.lanes(1).spareCapacity(1).threadLimit(4))) {
            Identity u = h.rt.newIdentity("u");
            Harness.Gate held = Harness.emptyThePool(u);
            AtomicReference<CallHandle<Integer>> atomic = new AtomicReference<>(), plain = new AtomicReference<>();
            onLoop(u, () -> {
                atomic.set(u.submit(CallFlags.ATOMIC, () -> 1, r -> { }));
                plain.set(u.submit(() -> 2, r -> { }));
            });
            assertEquals(Outcome.EAGAIN, done(atomic.get()).outcome());
            assertEquals(EagainReason.NO_SPARE, atomic.get().eagainReason());
            assertEquals(List.of("Submit"), h.actionsOf(atomic.get().id()));
            assertEquals(Outcome.QUICK, done(plain.get()).outcome());
            assertEquals(List.of("Submit", "Allocate", "CompleteInline"), h.actionsOf(plain.get().id()));
            assertEquals(1, h.rt.counters().sparesAllocated());
            held.open();
        }
    }

    @Test
    void withNoThreadLeftToStartTheAllocatorFailsTheCallWithEagain() throws Exception {
        try (Harness h = new Harness(b -> b.lanes(1).spareCapacity(1).threadLimit(2))) {
            Identity u = h.rt.newIdentity("u");
            Harness.Gate held = Harness.emptyThePool(u);   // two threads: the carrier and the held worker
            AtomicReference<CallHandle<Integer>> handle = new AtomicReference<>();
            onLoop(u, () -> handle.set(u.submit(() -> 1, r -> { })));
            CallHandle<Integer> x = done(handle.get());
            assertEquals(Outcome.EAGAIN, x.outcome());
            assertEquals(EagainReason.NO_SPARE, x.eagainReason());
            assertEquals(List.of("Submit", "Allocate"), h.actionsOf(x.id()));
            held.open();
        }
    }

    @Test
    void overTheInFlightLimitACallGetsEagainAtOnce() throws Exception {
        try (Harness h = new Harness(b -> b.lanes(1).spareCapacity(2).inFlightLimit(1))) {
            Identity u = h.rt.newIdentity("u");
            Harness.Gate gate = new Harness.Gate();
            AtomicReference<CallHandle<Integer>> first = new AtomicReference<>(), second = new AtomicReference<>();
            onLoop(u, () -> {
                first.set(u.submit(() -> {
                    gate.pass();
                    return 1;
                }, r -> { }));
                second.set(u.submit(() -> 2, r -> { }));
            });
            CallHandle<Integer> x2 = done(second.get());
            assertEquals(Outcome.EAGAIN, x2.outcome());
            assertEquals(EagainReason.LIMIT, x2.eagainReason());
            gate.open();
            assertEquals(1, done(first.get()).value());
        }
    }

    @Test
    void aCallThatThrowsCompletesWithItsErrorExactlyOnceInlineOrAfterBlocking() {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            Harness.Gate gate = new Harness.Gate();
            AtomicInteger handlerRuns = new AtomicInteger();
            AtomicReference<CallHandle<Integer>> inline = new AtomicReference<>(), blocked = new AtomicReference<>();
            onLoop(u, () -> {
                inline.set(u.submit(() -> { throw new IOException("inline"); }, r -> handlerRuns.incrementAndGet()));
                blocked.set(u.submit(() -> {
                    gate.pass();
                    throw new IllegalStateException("after block");
                }, r -> handlerRuns.incrementAndGet()));
            });
            try {
                gate.awaitBlocked(1);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            gate.open();
            assertEquals("inline", done(inline.get()).error().getMessage());
            assertEquals(Outcome.QUICK, inline.get().outcome());
            assertEquals("after block", done(blocked.get()).error().getMessage());
            assertEquals(Outcome.IN_PROGRESS, blocked.get().outcome());
            onLoop(u, () -> { });
            assertEquals(2, handlerRuns.get());
        }
    }

    @Test
    void aHandlerThatThrowsIsReportedAndTheLoopGoesOn() {
        List<String> reported = new CopyOnWriteArrayList<>();
        AsysRuntime rt = AsysRuntime.builder().uncaughtErrorHandler((what, t) -> reported.add(what + ": " + t.getMessage())).build();
        try {
            Identity u = rt.newIdentity("u");
            onLoop(u, () -> u.submit(() -> 1, r -> { throw new IllegalStateException("handler boom"); }));
            AtomicReference<CallHandle<Integer>> next = new AtomicReference<>();
            onLoop(u, () -> next.set(u.submit(() -> 2, r -> { })));
            assertEquals(2, done(next.get()).value());
            assertEquals(1, reported.size(), reported.toString());
            assertTrue(reported.get(0).contains("handler boom"));
        } finally {
            assertTrue(rt.close(java.time.Duration.ofSeconds(10)));
        }
    }

    @Test
    void anIdleLoopWithACallOutstandingAwaitsAndIsWokenByThePost() throws Exception {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            Harness.Gate gate = new Harness.Gate();
            CompletableFuture<Integer> handled = new CompletableFuture<>();
            onLoop(u, () -> u.submit(() -> {
                gate.pass();
                return 5;
            }, r -> handled.complete(r.value())));
            gate.awaitBlocked(1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!h.actions().contains("Await")) {
                assertTrue(System.nanoTime() < deadline, "the loop never went to sleep in await");
                Thread.sleep(1);
            }
            gate.open();
            assertEquals(5, handled.get(10, TimeUnit.SECONDS));
            List<String> acts = h.actions();
            assertTrue(acts.indexOf("Await") < acts.indexOf("WorkerFinish"));
            assertTrue(acts.indexOf("WorkerFinish") < acts.indexOf("Reap"));
        }
    }

    @Test
    void closeLetsABlockedCallDeliverItsOutcomeAndEndsEveryThread() throws Exception {
        Harness h = new Harness();
        Identity u = h.rt.newIdentity("u");
        Harness.Gate gate = new Harness.Gate();
        AtomicInteger handled = new AtomicInteger();
        AtomicReference<CallHandle<Integer>> handle = new AtomicReference<>();
        onLoop(u, () -> handle.set(u.submit(() -> {
            gate.pass();
            return 9;
        }, r -> handled.incrementAndGet())));
        gate.awaitBlocked(1);
        CompletableFuture<Boolean> closed = CompletableFuture.supplyAsync(() -> h.rt.close(java.time.Duration.ofSeconds(10)));
        Thread.sleep(50);
        assertTrue(!closed.isDone(), "close waits for the call in flight");
        gate.open();
        assertTrue(closed.get(15, TimeUnit.SECONDS));
        assertEquals(9, handle.get().value());
        assertEquals(1, handled.get(), "exactly one outcome");
        assertNoRuntimeThreads();
        h.close();
    }

    @Test
    void everyActionOfTheSpecAppearsInTheTraceUnderItsName() throws Exception {
        Harness h = new Harness(b -> b.lanes(1).spareCapacity(1).threadLimit(8));
        try {
            Identity u = h.rt.newIdentity("u");
            Harness.Gate gate = new Harness.Gate(), second = new Harness.Gate();
            CompletableFuture<String> io = new CompletableFuture<>();
            onLoop(u, () -> {
                u.submit(() -> 1, r -> { });                                          // Submit, CompleteInline
                u.submit(CallFlags.NONBLOCK, () -> { gate.pass(); return 2; }, r -> { }); // WouldBlock (EAGAIN)
                u.submitStage(CallFlags.NONE, () -> io, r -> { });                  // WouldBlock (machine)
                u.submit(() -> { gate.pass(); second.pass(); return 3; }, r -> { }); // HookFire, ReturnToUser
            });
            gate.awaitBlocked(1);
            onLoop(u, () -> u.submit(() -> 4, r -> { }));                            // the pool is empty: Allocate;
                                                                                     // then SpareRelease, idle
            gate.open();                                                             // WorkerWake
            second.awaitBlocked(1);                                                  // WorkerBlock
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!h.actions().contains("Await")) {                                 // Await: nothing to do, calls out
                assertTrue(System.nanoTime() < deadline, "no Await");
                Thread.sleep(1);
            }
            second.open();                                                           // WorkerFinish, Reap
            io.complete("x");                                                        // MachineComplete, Reap
            onLoop(u, () -> { });
        } finally {
            h.close();
        }
        List<String> spec = List.of("Submit", "Allocate", "CompleteInline", "WouldBlock", "HookFire", "ReturnToUser",
                "WorkerWake", "WorkerBlock", "WorkerFinish", "MachineComplete", "Await", "Reap",
                "SpareRelease", "CloseRuntime", "Close", "PoolExit", "IdentityEnd");
        List<String> alsoSpec = List.of("AwaitInterrupted");   // may or may not happen in this run
        List<String> missing = new java.util.ArrayList<>(spec);
        missing.removeAll(h.actions());
        assertTrue(missing.isEmpty(), "actions never traced: " + missing);
        java.util.Set<String> named = new java.util.HashSet<>(h.actions());
        named.removeAll(spec);
        named.removeAll(alsoSpec);
        assertTrue(named.isEmpty(), "trace events not named by the spec: " + named);
    }

    /** Every runtime thread has ended: close() returns once each has run its last runtime code,
     *  and the JVM then needs a moment to terminate it, so each is given a second to do so. */
    static void assertNoRuntimeThreads() throws InterruptedException {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("asys-")) t.join(1000);
            assertTrue(!t.getName().startsWith("asys-") || !t.isAlive() || t.getState() == Thread.State.TERMINATED,
                    "runtime thread left behind: " + t + " " + java.util.Arrays.toString(t.getStackTrace()));
        }
    }

    @Test
    void handlesAreReadableFromAnyThread() {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            AtomicReference<CallHandle<Integer>> handle = new AtomicReference<>();
            onLoop(u, () -> {
                handle.set(u.submit(() -> 3, r -> { }));
                assertEquals(Outcome.PENDING, handle.get().outcome(), "a call runs after its task returns");
                assertNull(handle.get().value());
            });
            CallHandle<Integer> x = done(handle.get());
            assertNotNull(x.future().getNow(null));
            assertTrue(x.toString().contains("QUICK"));
        }
    }
}

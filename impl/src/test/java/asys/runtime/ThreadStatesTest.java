package asys.runtime;

import static asys.runtime.Harness.done;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each runtime thread is in the spec's state at each step, as KThread's diagram draws it: the
 * state is what the Layout event and the blocking primitives read, so a missed transition would
 * make the runtime claim a spare is pooled while it is reserved, or miss a worker's WorkerBlock.
 */
class ThreadStatesTest {

    private static AsysRuntime runtime(boolean traced, Consumer<RuntimeBuilder> config) {
        RuntimeBuilder b = AsysRuntime.builder();
        if (traced) b.traceSink(TraceSink.to(Collections.synchronizedList(new ArrayList<>())));
        config.accept(b);
        return b.build();
    }

    @ParameterizedTest(name = "traced={0}")
    @ValueSource(booleans = {false, true})
    void aCallRunsInCallWithItsSpareReservedAndItsLoopIsUserAgainWhenTheHandlerRuns(boolean traced) {
        try (AsysRuntime rt = runtime(traced, b -> b.lanes(1).spareCapacity(1))) {
            Identity u = rt.newIdentity("u");
            List<KThread.State> seen = Collections.synchronizedList(new ArrayList<>());
            AtomicReference<CallHandle<Integer>> x = new AtomicReference<>();
            Harness.onLoop(u, () -> x.set(u.submit(() -> {
                KThread me = KThread.current();
                seen.add(me.state());
                seen.add(me.spare.state());
                return 1;
            }, r -> seen.add(KThread.current().state()))));
            done(x.get());
            assertEquals(List.of(KThread.State.IN_CALL, KThread.State.RESERVED, KThread.State.USER), seen);
        }
    }

    @Test
    void aSpareFromTheAllocatorStartsReservedAndAfterTheAllocatorFailsTheLoopIsUserAndTheCallDone() throws Exception {
        try (AsysRuntime rt = runtime(false, b -> b.lanes(1).spareCapacity(1).threadLimit(3))) {
            Identity u = rt.newIdentity("u");
            Harness.Gate held = Harness.emptyThePool(u);
            List<Object> seen = Collections.synchronizedList(new ArrayList<>());
            AtomicReference<CallHandle<Integer>> fresh = new AtomicReference<>();
            Harness.onLoop(u, () -> fresh.set(u.submit(() -> {
                seen.add(KThread.current().spare.state());   // a new thread, started for this call
                return 1;
            }, r -> { })));
            done(fresh.get());
            assertEquals(List.of(KThread.State.RESERVED), seen);
            held.open();
        }
        try (AsysRuntime rt = runtime(false, b -> b.lanes(1).spareCapacity(1).threadLimit(2))) {
            Identity u = rt.newIdentity("u");
            Harness.Gate held = Harness.emptyThePool(u);
            List<Object> seen = Collections.synchronizedList(new ArrayList<>());
            AtomicReference<CallHandle<Integer>> refused = new AtomicReference<>();
            Harness.onLoop(u, () -> refused.set(u.submit(() -> 1, r -> {
                seen.add(KThread.current().state());
                seen.add(r.isDone());
                seen.add(r.eagainReason());
            })));
            done(refused.get());
            assertEquals(List.of(KThread.State.USER, true, EagainReason.NO_SPARE), seen);
            held.open();
        }
    }

    @ParameterizedTest(name = "traced={0}")
    @ValueSource(booleans = {false, true})
    void aWorkerIsBackInItsPoolInTheStepThatPostsSoBeforeItsCompletionIsReaped(boolean traced) {
        try (AsysRuntime rt = runtime(traced, b -> b.lanes(1).spareCapacity(2))) {
            Identity u = rt.newIdentity("u");
            AtomicReference<KThread> worker = new AtomicReference<>();
            List<Object> inHandler = Collections.synchronizedList(new ArrayList<>());
            AtomicReference<CallHandle<Integer>> x = new AtomicReference<>();
            Harness.onLoop(u, () -> x.set(u.submit(() -> {
                worker.set(KThread.current());
                Blocking.sleep(Duration.ofMillis(2));   // the hook fires: this thread is a worker now
                return 1;
            }, r -> {
                inHandler.add(worker.get().state());
                inHandler.add(rt.counters().sparesPooled());
            })));
            assertEquals(Outcome.IN_PROGRESS, done(x.get()).outcome());
            assertEquals(List.of(KThread.State.POOLED, 2), inHandler,
                    "the worker went back to the pool in WorkerFinish, before the loop could reap");
        }
    }

    @ParameterizedTest(name = "traced={0}")
    @ValueSource(booleans = {false, true})
    void aLoopAsleepInAwaitIsWokenByAMachineCompletionAlone(boolean traced) throws Exception {
        try (AsysRuntime rt = runtime(traced, b -> b.lanes(1).spareCapacity(1))) {
            Identity u = rt.newIdentity("u");
            AtomicReference<KThread> carrier = new AtomicReference<>();
            java.util.concurrent.CompletableFuture<Integer> io = new java.util.concurrent.CompletableFuture<>();
            java.util.concurrent.CountDownLatch handled = new java.util.concurrent.CountDownLatch(1);
            Harness.onLoop(u, () -> {
                carrier.set(KThread.current());
                u.submitStage(CallFlags.NONE, () -> io, r -> handled.countDown());
            });
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (carrier.get().state() != KThread.State.AWAITING && System.nanoTime() < deadline) Thread.sleep(1);
            assertEquals(KThread.State.AWAITING, carrier.get().state(), "the loop sleeps with its call outstanding");
            io.complete(1);   // nothing else wakes it: no task, no future asked for
            assertTrue(handled.await(10, java.util.concurrent.TimeUnit.SECONDS), "the post woke the loop");
        }
    }

    @Test
    void everyThreadTheRuntimeStartedIsExitedOnceItIsClosed() {
        AsysRuntime rt = runtime(false, b -> b.lanes(1).spareCapacity(1));
        Identity u = rt.newIdentity("u");
        AtomicReference<KThread> carrier = new AtomicReference<>();
        Harness.onLoop(u, () -> carrier.set(KThread.current()));
        assertTrue(carrier.get().state() != KThread.State.EXITED, "running its loop (or asleep in it)");
        assertTrue(rt.close(Duration.ofSeconds(10)));
        assertEquals(KThread.State.EXITED, carrier.get().state());
        assertTrue(carrier.get().toString().startsWith("KThread " + carrier.get().id + " (EXITED, lane 0)"), carrier.get().toString());
    }
}

package asys.runtime;

import static asys.runtime.Harness.done;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Each path of a call writes exactly the spec's steps, in the spec's order, with the fields trace
 * validation reads: the trace is the runtime's claim about what it did, so every event counts.
 */
class TraceEventsTest {

    private static <T> CallHandle<T> submit(Harness h, Identity u, int flags, Call<T> call) {
        AtomicReference<CallHandle<T>> ref = new AtomicReference<>();
        Harness.onLoop(u, () -> ref.set(u.submit(flags, call, r -> { })));
        return done(ref.get());
    }

    private static String event(Harness h, long call, String action) {
        synchronized (h.trace) {
            for (String line : h.trace) {
                if (action.equals(Harness.field(line, "action")) && String.valueOf(call).equals(Harness.field(line, "call"))) return line;
            }
        }
        throw new AssertionError("no " + action + " event for call " + call + " in " + h.trace);
    }

    @Test
    void aQuickCallIsSubmitThenCompleteInlineWithItsSpareAndTheHookCleared() {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            CallHandle<Integer> x = submit(h, u, CallFlags.NONE, () -> 1);
            assertEquals(List.of("Submit", "CompleteInline"), h.actionsOf(x.id()));
            String ci = event(h, x.id(), "CompleteInline");
            assertEquals(Harness.field(event(h, x.id(), "Submit"), "spare"), Harness.field(ci, "spare"));
            assertTrue(ci.contains("\"hook\":false"), ci);
            assertTrue(!ci.contains("outcome"), "CompleteInline has no outcome field (QUICK is implied): " + ci);
        }
    }

    @Test
    void aBlockingCallFiresTheHookAndItsWorkerFinishesAndPosts() throws Exception {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            Harness.Gate gate = new Harness.Gate();
            AtomicReference<CallHandle<Integer>> ref = new AtomicReference<>();
            Harness.onLoop(u, () -> ref.set(u.submit(() -> { gate.pass(); Blocking.sleep(Duration.ofMillis(1)); return 2; }, r -> { })));
            gate.awaitBlocked(1);
            gate.open();
            CallHandle<Integer> x = done(ref.get());
            h.assertBlockingSteps(x.id(), List.of("Submit", "HookFire", "WorkerWake", "WorkerBlock", "WorkerWake", "WorkerFinish", "Reap"));
            String fire = event(h, x.id(), "HookFire");
            assertEquals(Harness.field(event(h, x.id(), "Submit"), "spare"), Harness.field(fire, "spare"));
            assertTrue(fire.contains("\"hook\":false"), fire);
        }
    }

    @Test
    void nonblockAtomicLimitAndAllocationEachWriteTheirOwnSteps() throws Exception {
        try (Harness h = new Harness(b -> b.lanes(1).spareCapacity(1).inFlightLimit(2))) {
            Identity u = h.rt.newIdentity("u");
            Harness.Gate held = Harness.emptyThePool(u);   // one call in flight from here on
            CallHandle<Integer> atomic = submit(h, u, CallFlags.ATOMIC, () -> 4);
            assertEquals(List.of("Submit"), h.actionsOf(atomic.id()));
            assertTrue(atomic.isDone());
            assertTrue(event(h, atomic.id(), "Submit").contains("\"reason\":\"NO_SPARE\""));
            CallHandle<Integer> nb = submit(h, u, CallFlags.NONBLOCK, () -> { Blocking.sleep(Duration.ofMillis(1)); return 3; });
            assertEquals(Outcome.EAGAIN, nb.outcome());
            assertTrue(nb.isDone(), "an EAGAIN call is done when its handler runs");
            assertEquals(List.of("Submit", "Allocate", "WouldBlock"), h.actionsOf(nb.id()));
            assertTrue(event(h, nb.id(), "WouldBlock").contains("\"outcome\":\"EAGAIN\""));
            assertEquals(Harness.field(event(h, nb.id(), "Allocate"), "spare"), Harness.field(event(h, nb.id(), "WouldBlock"), "spare"),
                    "WouldBlock names the spare it gives back");
            // the limit: two calls in flight (the held one, a pending stage), the next is refused at Submit
            CompletableFuture<Integer> stage = new CompletableFuture<>();
            List<CallHandle<Integer>> hs = new ArrayList<>();
            Harness.onLoop(u, () -> {
                hs.add(u.submitStage(CallFlags.NONE, () -> stage, r -> { }));
                hs.add(u.submit(() -> 5, r -> { }));
            });
            done(hs.get(1));
            assertEquals(EagainReason.LIMIT, hs.get(1).eagainReason());
            assertTrue(hs.get(1).isDone());
            assertTrue(event(h, hs.get(1).id(), "Submit").contains("\"reason\":\"LIMIT\""));
            stage.complete(6);
            done(hs.get(0));
            assertEquals(List.of("Submit", "WouldBlock", "MachineComplete", "Reap"), h.actionsOf(hs.get(0).id()),
                    "the NONBLOCK call's spare went back to the pool, and this call reserved it");
            assertTrue(event(h, hs.get(0).id(), "WouldBlock").contains("\"outcome\":\"IN_PROGRESS\""));
            held.open();
        }
    }

    @Test
    void theLayoutEventListsSettingsPooledSparesAndCarriers() {
        try (Harness h = new Harness(b -> b.lanes(2).spareCapacity(1).threadLimit(9).inFlightLimit(7))) {
            Identity u = h.rt.newIdentity("u");
            Harness.onLoop(u, () -> { });
            h.rt.traceLayout();
            String layout = h.trace.get(h.trace.size() - 1);
            assertEquals("Layout", Harness.field(layout, "action"));
            for (String f : List.of("\"format\":1", "\"lanes\":2", "\"spareCapacity\":1", "\"threadLimit\":9", "\"inFlightLimit\":7")) {
                assertTrue(layout.contains(f), layout);
            }
            assertTrue(layout.matches(".*\"pooled\":\\[\\[\\d+,0],\\[\\d+,1]].*"), layout);
            assertTrue(layout.matches(".*\"carriers\":\\[\\[" + u.id() + ",\\d+,0]].*"), layout);
        }
    }

    @Test
    void theLayoutListsEveryCarrier() {
        try (Harness h = new Harness(b -> b.lanes(2).spareCapacity(1))) {
            Identity u = h.rt.newIdentity("u");
            Identity v = h.rt.newIdentity("v");
            Harness.onLoop(u, () -> { });
            Harness.onLoop(v, () -> { });
            h.rt.traceLayout();
            String layout = h.trace.get(h.trace.size() - 1);
            assertTrue(layout.matches(".*\"carriers\":\\[\\[" + u.id() + ",\\d+,0],\\[" + v.id() + ",\\d+,1]].*"), layout);
        }
    }

    @Test
    void aLoopIdleWithNoCallOutstandingSleepsWithoutWritingAwait() throws Exception {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            Harness.onLoop(u, () -> { });
            Thread.sleep(20);            // the loop sleeps: nothing to do, nothing outstanding
            Harness.onLoop(u, () -> { });
            assertTrue(!h.actions().contains("Await") && !h.actions().contains("AwaitInterrupted"), h.actions().toString());
        }
    }

    @Test
    void aWorkerWaitingForItsStageWritesWorkerBlockAndWorkerWakeOnlyWhenTheStageIsPending() throws Exception {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            Harness.Gate gate = new Harness.Gate();
            AtomicReference<CallHandle<Integer>> ready = new AtomicReference<>(), pending = new AtomicReference<>();
            Harness.onLoop(u, () -> ready.set(u.submitStage(CallFlags.NONE, () -> {
                gate.pass();                                   // the hook fires here
                return CompletableFuture.completedFuture(1);  // the worker need not wait for this
            }, r -> { })));
            gate.awaitBlocked(1);
            gate.open();
            assertEquals(1, done(ready.get()).value());
            h.assertBlockingSteps(ready.get().id(), List.of("Submit", "HookFire", "WorkerWake", "WorkerFinish", "Reap"));

            CompletableFuture<Integer> io = new CompletableFuture<>();
            Harness.onLoop(u, () -> pending.set(u.submitStage(CallFlags.NONE, () -> {
                gate.pass();
                return io;                                     // the worker waits for this one
            }, r -> { })));
            gate.awaitBlocked(1);
            gate.open();
            long id = pending.get().id();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (h.actionsOf(id).stream().filter("WorkerBlock"::equals).count() < 1 && System.nanoTime() < deadline) Thread.sleep(1);
            IllegalStateException failure = new IllegalStateException("io failed");
            io.completeExceptionally(failure);
            assertSame(failure, done(pending.get()).error());
            h.assertBlockingSteps(id, List.of("Submit", "HookFire", "WorkerWake", "WorkerBlock", "WorkerWake", "WorkerFinish", "Reap"));
        }
    }

    @Test
    void anAwaitingLoopWritesAwaitAndANewTaskInterruptsIt() throws Exception {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            CompletableFuture<Integer> stage = new CompletableFuture<>();
            AtomicReference<CallHandle<Integer>> ref = new AtomicReference<>();
            Harness.onLoop(u, () -> ref.set(u.submitStage(CallFlags.NONE, () -> stage, r -> { })));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!h.actions().contains("Await") && System.nanoTime() < deadline) Thread.sleep(1);
            Harness.onLoop(u, () -> { });   // a task wakes the loop with nothing posted
            assertTrue(h.actions().contains("AwaitInterrupted"), h.actions().toString());
            stage.complete(1);
            done(ref.get());
        }
    }

    @Test
    void flagsAreNamedInTracesAsTheSpecNamesThem() {
        assertEquals("", CallFlags.names(CallFlags.NONE));
        assertEquals("NONBLOCK", CallFlags.names(CallFlags.NONBLOCK));
        assertEquals("ATOMIC", CallFlags.names(CallFlags.ATOMIC));
        assertEquals("NONBLOCK,ATOMIC", CallFlags.names(CallFlags.NONBLOCK | CallFlags.ATOMIC));
    }

    @Test
    void callIdsAreUniqueAndIncreasePerIdentityWithTracingOnOrOff() {
        for (boolean traced : new boolean[] {true, false}) {
            RuntimeBuilder b = AsysRuntime.builder();
            if (traced) b.traceSink(line -> { });
            try (AsysRuntime rt = b.build()) {
                Identity u = rt.newIdentity("u"), v = rt.newIdentity("v");
                List<Long> ids = new ArrayList<>();
                for (Identity w : List.of(u, v)) {
                    List<CallHandle<Integer>> hs = new ArrayList<>();
                    Harness.onLoop(w, () -> { for (int i = 0; i < 3; i++) hs.add(w.submit(() -> 1, r -> { })); });
                    for (int i = 0; i < hs.size(); i++) {
                        assertTrue(hs.get(i).id() >= 1);
                        if (i > 0) assertTrue(hs.get(i).id() > hs.get(i - 1).id(), "increasing: " + hs);
                        ids.add(hs.get(i).id());
                    }
                }
                assertEquals(ids.size(), new java.util.HashSet<>(ids).size(), "unique: " + ids);
                if (traced) assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), ids, "dense with tracing on (the spec's Call set)");
            }
        }
    }

    @Test
    void anEventGivenMoreOrFewerValuesThanItsActionHasFieldsIsRefusedNamingTheFields() {
        Tracer t = new Tracer(line -> { });
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> t.emit(TraceAction.Reap, 1, 2));
        assertTrue(e.getMessage().contains("Reap has fields [thread, identity, call], given 2 values"), e.getMessage());
    }

    @Test
    void aWriterSinkGetsOneEscapedJsonLinePerEvent() {
        StringWriter out = new StringWriter();
        Tracer t = new Tracer(TraceSink.to(out));
        t.emit(TraceAction.Submit, 1, null, null, null, "a\"b\\c\n\u0001 \u001f~", null, null, null);
        t.layout(1, 1, 1, 2, 1, List.of(), List.of());
        String[] lines = out.toString().split("\n");
        assertEquals(2, lines.length);
        assertTrue(lines[0].contains("\"flags\":\"a\\\"b\\\\c\\u000a\\u0001 \\u001f~\""), lines[0]);
        assertTrue(!lines[0].contains("spare"), "absent fields are left out: " + lines[0]);
        assertTrue(lines[1].startsWith("{\"seq\":2,\"action\":\"Layout\",\"format\":1"), lines[1]);
    }

    @Test
    void aThreadStartThatFailsWithThreadsLeftIsAllocateFailsAndTheCallGetsEagain() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean refuse = new java.util.concurrent.atomic.AtomicBoolean();
        try (Harness h = new Harness(b -> b.lanes(1).spareCapacity(1).threadLimit(8).threadFactory(r -> {
                    if (refuse.get()) throw new IllegalStateException("no thread today");
                    Thread t = new Thread(r);
                    t.setDaemon(true);
                    return t;
                }))) {
            Identity u = h.rt.newIdentity("u");
            Harness.Gate held = Harness.emptyThePool(u);
            refuse.set(true);
            CallHandle<Integer> x = submit(h, u, CallFlags.NONE, () -> 5);
            assertEquals(Outcome.EAGAIN, x.outcome());
            assertEquals(EagainReason.NO_SPARE, x.eagainReason());
            assertEquals(List.of("Submit", "AllocateFails"), h.actionsOf(x.id()),
                    "threads are left in the supply (limit 8): not Allocate's exhaustion");
            assertTrue(event(h, x.id(), "AllocateFails").contains("\"outcome\":\"EAGAIN\""));
            refuse.set(false);
            held.open();
            assertEquals(1, h.uncaught.size(), () -> "the failed start is reported once: " + h.uncaught);
            h.uncaught.clear();
        }
    }

    @Test
    void closeWritesCloseRuntimeCloseThePoolExitsAndIdentityEnd() throws Exception {
        Harness h = new Harness(b -> b.lanes(1).spareCapacity(2));
        Identity u = h.rt.newIdentity("u");
        Harness.Gate gate = new Harness.Gate();
        AtomicReference<CallHandle<Integer>> ref = new AtomicReference<>();
        Harness.onLoop(u, () -> ref.set(u.submit(() -> { gate.pass(); return 7; }, r -> { })));
        gate.awaitBlocked(1);
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        Thread closer = new Thread(() -> closed.set(h.rt.close(Duration.ofSeconds(20))));
        closer.start();
        while (h.actions().stream().noneMatch("Close"::equals)) Thread.sleep(1);
        gate.open();                                     // the call in flight at the close goes on
        closer.join();
        assertTrue(closed.get(), "close ends once the call in flight has its outcome");
        h.close();
        assertEquals(Outcome.IN_PROGRESS, ref.get().outcome());
        List<String> after = h.actions().subList(h.actions().indexOf("CloseRuntime"), h.actions().size());
        assertEquals("Close", after.get(1), "the runtime's close closes each identity: " + after);
        assertTrue(after.containsAll(List.of("WorkerFinish", "Reap", "IdentityEnd", "PoolExit")), after::toString);
        assertTrue(after.indexOf("Reap") < after.indexOf("IdentityEnd"), "the identity ends after its last call: " + after);
        String end = h.trace.stream().filter(l -> l.contains("\"IdentityEnd\"")).findFirst().orElseThrow();
        assertEquals(String.valueOf(u.id()), Harness.field(end, "identity"));
    }
}

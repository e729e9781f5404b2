package asys.runtime;

import static asys.runtime.Harness.field;
import static asys.runtime.Harness.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The execute form, {@link Identity#execute(int, Call, OutcomeHandler)}: a call with no handle,
 * whose handler gets its outcome, value and error on the loop, exactly once. A quick call of this
 * form makes no object: the loop runs it in a record it reuses, and reuses it only once nothing
 * else refers to it (never while the call it carried is in flight on a worker).
 */
class ExecuteFormTest {

    /** What one handler saw. */
    record Seen(Outcome outcome, Object value, Throwable error, Identity on) { }

    private static OutcomeHandler<Object> into(List<Seen> seen) {
        return (o, v, e) -> seen.add(new Seen(o, v, e, Identity.current()));
    }

    private static void awaitSize(java.util.Collection<?> c, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (c.size() < n) {
            assertTrue(System.nanoTime() < deadline, "only " + c.size() + " of " + n + " outcomes: " + c);
            Thread.sleep(1);
        }
    }

    @Test
    void eachCallGetsItsOwnOutcomeValueAndErrorOnceOnTheLoop() throws Exception {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            List<Seen> out = java.util.Collections.synchronizedList(new ArrayList<>());
            IllegalStateException thrown = new IllegalStateException("the call's own error");
            onLoop(u, () -> {
                u.execute(() -> "a", into(out));
                u.execute(() -> { throw thrown; }, into(out));
                u.execute(CallFlags.NONBLOCK, () -> {
                    Blocking.sleep(Duration.ofMillis(1));   // would block: NONBLOCK gets EAGAIN
                    return "never";
                }, into(out));
                u.execute(() -> "b", into(out));
                u.execute(CallFlags.NONBLOCK, () -> {   // EAGAIN twice in a row: the record renewed each time
                    Blocking.sleep(Duration.ofMillis(1));
                    return "never";
                }, into(out));
                u.execute(CallFlags.NONBLOCK, () -> {
                    Blocking.sleep(Duration.ofMillis(1));
                    return "never";
                }, into(out));
                u.execute(() -> "c", into(out));
            });
            awaitSize(out, 7);
            Thread.sleep(20);   // no second outcome arrives
            assertEquals(7, out.size(), "one outcome per call: " + out);
            assertEquals(new Seen(Outcome.QUICK, "a", null, u), out.get(0));
            assertEquals(new Seen(Outcome.QUICK, null, thrown, u), out.get(1));
            Seen eagain = out.get(2);
            assertEquals(Outcome.EAGAIN, eagain.outcome());
            assertNull(eagain.value());
            CallRejectedException r = assertInstanceOf(CallRejectedException.class, eagain.error());
            assertEquals(EagainReason.WOULD_BLOCK, r.reason());
            assertEquals(Long.parseLong(field(h.events("Submit").get(2), "call")), r.callId(), "the rejection names the call");
            assertEquals(new Seen(Outcome.QUICK, "b", null, u), out.get(3));
            for (int k = 4; k <= 5; k++) {
                assertEquals(Outcome.EAGAIN, out.get(k).outcome(), out.toString());
                assertEquals(EagainReason.WOULD_BLOCK, assertInstanceOf(CallRejectedException.class, out.get(k).error()).reason());
            }
            assertEquals(new Seen(Outcome.QUICK, "c", null, u), out.get(6));
            List<String> ids = new ArrayList<>();
            for (String s : h.events("Submit")) ids.add(field(s, "call"));
            assertEquals(7, new HashSet<>(ids).size(), "each call has an id of its own, the record reused or not: " + ids);
            assertTrue(h.uncaught.isEmpty(), h.uncaught.toString());
        }
    }

    @Test
    void aCallThatBlocksIsInProgressAndTheCallsAfterItRunInAnotherRecordMeanwhile() throws Exception {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            Harness.Gate gate = new Harness.Gate();
            List<Seen> out = java.util.Collections.synchronizedList(new ArrayList<>());
            onLoop(u, () -> {
                u.execute(() -> "before", into(out));
                u.execute(() -> {
                    gate.pass();
                    return "blocked";
                }, into(out));
                for (int i = 0; i < 20; i++) {
                    int v = i;
                    u.execute(() -> v, into(out));
                }
            });
            gate.awaitBlocked(1);
            awaitSize(out, 21);   // the quick calls ran on the loop while the blocked one waits
            gate.open();
            awaitSize(out, 22);
            assertEquals(new Seen(Outcome.QUICK, "before", null, u), out.get(0));
            for (int i = 0; i < 20; i++) assertEquals(new Seen(Outcome.QUICK, i, null, u), out.get(1 + i));
            assertEquals(new Seen(Outcome.IN_PROGRESS, "blocked", null, u), out.get(21),
                    "the blocked call's outcome is its own, though 20 calls ran since it blocked");
            String blocked = field(h.events("HookFire").get(0), "call");
            assertEquals(blocked, field(h.events("WorkerFinish").get(0), "call"));
            h.assertBlockingSteps(Long.parseLong(blocked), List.of("Submit", "HookFire", "WorkerWake", "WorkerFinish", "Reap"));
        }
    }

    @Test
    void aHandlerThatSubmitsAgainGetsAFreshCallNotItsOwnRecordBack() throws Exception {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            List<Seen> out = java.util.Collections.synchronizedList(new ArrayList<>());
            onLoop(u, () -> u.execute(() -> 1, (o, v, e) -> {
                out.add(new Seen(o, v, e, Identity.current()));
                u.execute(() -> 2, (o2, v2, e2) -> {
                    out.add(new Seen(o2, v2, e2, Identity.current()));
                    u.execute(() -> 3, into(out));
                });
            }));
            awaitSize(out, 3);
            for (int i = 0; i < 3; i++) assertEquals(new Seen(Outcome.QUICK, i + 1, null, u), out.get(i));
        }
    }

    /** The loop thread's allocated bytes per call, over {@code n} calls run in a row after a
     *  round that grows the queue; the calls and handlers are made beforehand. */
    private static double bytesPerCall(Identity u, int n, boolean executeForm) {
        Integer value = 7;
        Call<Integer> call = () -> value;
        int[] handled = new int[1];
        OutcomeHandler<Integer> outcome = (o, v, e) -> handled[0]++;
        CompletionHandler<Integer> handler = r -> handled[0]++;
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] bytes = new long[2];
        double perCall = 0;
        for (int round = 0; round < 3; round++) {   // the first rounds grow the queue and warm up
            CompletableFuture<Void> end = new CompletableFuture<>();
            handled[0] = 0;
            onLoop(u, () -> {
                bytes[0] = mx.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < n; i++) {
                    if (executeForm) u.execute(call, outcome);
                    else u.submit(call, handler);
                }
                u.execute(() -> 0, (o, v, e) -> {   // runs after the n calls, on the same thread
                    bytes[1] = mx.getCurrentThreadAllocatedBytes();
                    end.complete(null);
                });
            });
            end.orTimeout(10, TimeUnit.SECONDS).join();
            assertEquals(n, handled[0]);
            perCall = (double) (bytes[1] - bytes[0]) / n;
        }
        return perCall;
    }

    @Test
    void aHandlerThatQueuesMoreCallsThanTheQueueHoldsGetsEachItsOwnOutcomeInOrder() throws Exception {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            int n = 3 * SubmissionQueue.KEPT_SLOTS;   // round the ring onto the running call's slot (pinned), and grow it
            List<Seen> out = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Object> values = java.util.Collections.synchronizedList(new ArrayList<>());
            onLoop(u, () -> u.execute(() -> "first", (o, v, e) -> {
                out.add(new Seen(o, v, e, Identity.current()));
                for (int i = 0; i < n; i++) {
                    int k = i;
                    u.execute(() -> k, (o2, v2, e2) -> {
                        out.add(new Seen(o2, null, e2, Identity.current()));
                        values.add(v2);
                    });
                }
            }));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (out.size() < n + 1 && System.nanoTime() < deadline) Thread.sleep(1);
            Thread.sleep(20);   // no second outcome arrives
            assertEquals(n + 1, out.size(), "one outcome per call (uncaught: " + h.uncaught + ")");
            assertEquals(new Seen(Outcome.QUICK, "first", null, u), out.get(0));
            for (int i = 0; i < n; i++) {
                assertEquals(new Seen(Outcome.QUICK, null, null, u), out.get(i + 1), "call " + i);
                assertEquals(i, values.get(i), "call " + i + " ran its own code, in order");
            }
            assertTrue(h.uncaught.isEmpty(), h.uncaught.toString());
        }
    }

    @Test
    void aQuickCallOfTheExecuteFormMakesNoObject() throws Exception {
        // No trace sink: a traced call formats its events, which allocates.
        try (AsysRuntime rt = AsysRuntime.builder().lanes(1).spareCapacity(2).build()) {
            Identity u = rt.newIdentity("u");
            // Fewer than the queue keeps when idle: a queue grown past them would be trimmed
            // whenever the loop idles between rounds, and grown again (allocating) in the next.
            int n = SubmissionQueue.KEPT_SLOTS - 24;
            double handleForm = bytesPerCall(u, n, false);
            double executeForm = bytesPerCall(u, n, true);
            // The measure sees a record: the handle form makes one per call.
            assertTrue(handleForm >= 40, "the handle form allocates a record per call: " + handleForm + " B/call");
            assertTrue(executeForm < 1, "the execute form allocates nothing per quick call: " + executeForm + " B/call");
        }
    }

    @Test
    void badUseIsRefusedNamingWhatIsWrong() throws Exception {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            IllegalStateException off = assertThrows(IllegalStateException.class, () -> u.execute(() -> 1, (o, v, e) -> { }));
            assertTrue(off.getMessage().contains("execute(call, handler) must be called from a task or a handler"), off.getMessage());
            List<Throwable> refused = new ArrayList<>();
            onLoop(u, () -> {
                try {
                    u.execute(() -> 1, null);
                } catch (NullPointerException e) {
                    refused.add(e);
                }
                try {
                    u.execute(64, () -> 1, (o, v, e) -> { });
                } catch (IllegalArgumentException e) {
                    refused.add(e);
                }
            });
            assertEquals(2, refused.size(), refused.toString());
            assertEquals("handler", refused.get(0).getMessage());
            assertTrue(refused.get(1).getMessage().contains("unknown call flags 0x40"), refused.get(1).getMessage());
            CompletableFuture<Throwable> inBody = new CompletableFuture<>();
            onLoop(u, () -> u.execute(() -> {
                try {
                    u.execute(() -> 1, (o, v, e) -> { });
                    inBody.complete(null);
                } catch (Throwable t) {
                    inBody.complete(t);
                }
                return 0;
            }, (o, v, e) -> { }));
            Throwable t = inBody.get(10, TimeUnit.SECONDS);
            assertInstanceOf(IllegalStateException.class, t);
            assertTrue(t.getMessage().contains("refused in a call's code"), t.getMessage());
            CompletableFuture<Throwable> closed = new CompletableFuture<>();
            onLoop(u, () -> {
                u.close();
                try {
                    u.execute(() -> 1, (o, v, e) -> { });
                    closed.complete(null);
                } catch (Throwable e) {
                    closed.complete(e);
                }
            });
            Throwable c = closed.get(10, TimeUnit.SECONDS);
            assertInstanceOf(IllegalStateException.class, c);
            assertTrue(c.getMessage().contains("is closed"), c.getMessage());
        }
    }
}

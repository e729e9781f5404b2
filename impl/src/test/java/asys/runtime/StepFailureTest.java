package asys.runtime;

import static asys.runtime.Harness.done;
import static asys.runtime.Harness.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each step of the runtime is failure-atomic: an error thrown at its injection point (a stack
 * overflow, out of memory, a runtime exception) is undone or completed, and reported; every call
 * still gets exactly one outcome, the loop goes on, and close ends every thread. The generated
 * workloads of the conformance suite do the same over every point with TLC on the traces; these
 * are the point-by-point statements.
 */
class StepFailureTest {

    static Stream<Arguments> everyPointAndError() {
        List<Arguments> all = new ArrayList<>();
        for (Inject.Point p : Inject.Point.values()) {
            all.add(Arguments.of(p, "StackOverflowError"));
            all.add(Arguments.of(p, "OutOfMemoryError"));
            all.add(Arguments.of(p, "IllegalStateException"));
        }
        return all.stream();
    }

    static Function<String, Throwable> maker(String kind) {
        return switch (kind) {
            case "StackOverflowError" -> StackOverflowError::new;
            case "OutOfMemoryError" -> OutOfMemoryError::new;
            default -> IllegalStateException::new;
        };
    }

    @AfterEach
    void disarm() { StepInjector.disarm(); }

    @ParameterizedTest(name = "{1} at {0}")
    @MethodSource("everyPointAndError")
    void anErrorAtAnyStepGivesEveryCallExactlyOneOutcomeAndLeavesNoThread(Inject.Point point, String kind) throws Exception {
        assumeTrue(StepInjector.installed(), "needs -Dasys.inject=asys.runtime.StepInjector (impl's surefire sets it)");
        int[] handled = new int[5];
        Harness h = new Harness(b -> b.lanes(1).spareCapacity(1).threadLimit(8));
        Identity u = h.rt.newIdentity("u");
        Harness.Gate gate = new Harness.Gate(), never = new Harness.Gate();
        CompletableFuture<Object> machine = new CompletableFuture<>();
        StepInjector.arm(point, 1, maker(kind));
        List<CallHandle<Object>> calls = new ArrayList<>();
        onLoop(u, () -> {
            CompletionHandler<Object> count0 = r -> handled[0]++;
            calls.add(u.submit(() -> "quick", count0));
            calls.add(u.submit(() -> {
                gate.pass();
                return "blocked";
            }, r -> handled[1]++));
            calls.add(u.submit(() -> {
                gate.pass();
                return "blocked too";
            }, r -> handled[2]++));
            calls.add(u.submit(CallFlags.NONBLOCK, () -> {
                never.pass();
                return "never";
            }, r -> handled[3]++));
            calls.add(u.submitStage(CallFlags.NONE, () -> machine, r -> handled[4]++));
        });
        // The blocking calls block and the machine is taken before anything is released (at
        // HookFire the first fails inline, at Allocate and Start the second gets no spare), and
        // the loop has time to wait for its completions.
        boolean oneFails = point == Inject.Point.HookFire || point == Inject.Point.Allocate || point == Inject.Point.Start;
        gate.blockedWithin(oneFails ? 1 : 2, 5_000);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (calls.get(4).outcome() == Outcome.PENDING && System.nanoTime() < deadline) Thread.sleep(1);
        Thread.sleep(20);
        gate.open(2);
        machine.complete("machine");
        for (CallHandle<Object> c : calls) done(c);
        boolean closed = h.rt.close(Duration.ofSeconds(5));
        Throwable thrown = StepInjector.thrown();
        StepInjector.disarm();
        assertTrue(closed, "close ended everything");
        assertEquals(0, h.rt.counters().threadsAlive(), "no thread left: " + h.rt.counters());
        assertEquals(0, h.rt.counters().identitiesOpen(), "no identity left");
        assertEquals(0, h.rt.ownerViolations());
        for (int i = 0; i < handled.length; i++) assertEquals(1, handled[i], "call " + i + "'s handler ran once");
        assertTrue(thrown != null, "the mix meets every point, " + point + " too");
        long reported = h.rt.counters().stepFailures();
        if (point == Inject.Point.HookFire) {
            // Undone and thrown into the call's code at its blocking point: the call ends inline with it.
            assertTrue(calls.stream().anyMatch(c -> c.outcome() == Outcome.QUICK && c.error() == thrown),
                    () -> "a call that failed at its hook fire ends QUICK with the error: " + calls);
            assertEquals(0, reported);
        } else if (point == Inject.Point.Submit) {
            assertTrue(calls.stream().anyMatch(c -> c.eagainReason() == EagainReason.RUNTIME_ERROR && c.error() == thrown),
                    () -> "a call whose Submit failed gets EAGAIN (RUNTIME_ERROR) with the error: " + calls);
            assertEquals(1, reported);
        } else if (point == Inject.Point.Start) {
            assertTrue(h.uncaught.stream().anyMatch(e -> e.getMessage().contains("ended without running the runtime's task")),
                    () -> "a failed start is reported: " + h.uncaught);
            assertTrue(calls.stream().anyMatch(c -> c.eagainReason() == EagainReason.NO_SPARE), () -> "its call gets NO_SPARE: " + calls);
        } else if (point == Inject.Point.Allocate) {
            assertTrue(h.uncaught.stream().anyMatch(e -> e.getMessage().contains("cannot start a runtime thread") && e.getCause() == thrown),
                    () -> "a thread that cannot be started is reported: " + h.uncaught);
            assertTrue(calls.stream().anyMatch(c -> c.eagainReason() == EagainReason.NO_SPARE), () -> "its call gets NO_SPARE: " + calls);
        } else {
            assertEquals(1, reported, "the failure is counted once: " + h.uncaught);
            assertTrue(h.uncaught.stream().anyMatch(e -> e.getCause() == thrown), () -> "and reported with the error: " + h.uncaught);
        }
    }

    @Test
    void aCompletionWhosePostFailsIsPostedAllTheSameAndItsWorkerGoesBackToItsPool() throws Exception {
        assumeTrue(StepInjector.installed());
        Harness h = new Harness(b -> b.lanes(1).spareCapacity(1));
        Identity u = h.rt.newIdentity("u");
        Harness.Gate gate = new Harness.Gate();
        StepInjector.arm(Inject.Point.WorkerFinish, 1, OutOfMemoryError::new);
        CallHandle<Object> call = Harness.submitThrough(u, gate, "blocked", r -> { });
        gate.awaitBlocked(1);
        gate.open();
        CallHandle<Object> c = done(call);
        assertEquals(Outcome.IN_PROGRESS, c.outcome());
        assertEquals("blocked", c.value());
        assertTrue(StepInjector.thrown() instanceof OutOfMemoryError);
        assertEquals(1, h.rt.counters().sparesPooled(), "the worker is back in the pool: " + h.rt.counters());
        assertTrue(h.rt.close(Duration.ofSeconds(5)));
        assertEquals(0, h.rt.counters().threadsAlive());
    }

    @Test
    void aReapThatFailsPutsTheCompletionBackAndTheLoopReapsItOnce() throws Exception {
        assumeTrue(StepInjector.installed());
        Harness h = new Harness(b -> b.lanes(1).spareCapacity(1));
        Identity u = h.rt.newIdentity("u");
        Harness.Gate gate = new Harness.Gate();
        StepInjector.arm(Inject.Point.Reap, 1, StackOverflowError::new);
        int[] handled = new int[1];
        CallHandle<Object> call = Harness.submitThrough(u, gate, "blocked", r -> handled[0]++);
        gate.awaitBlocked(1);
        gate.open();
        assertEquals("blocked", done(call).value());
        assertTrue(StepInjector.thrown() instanceof StackOverflowError);
        assertEquals(1, handled[0]);
        assertEquals(1, java.util.Collections.frequency(h.actionsOf(call.id()), "Reap"),
                () -> "one Reap in the trace, the failed one wrote no event: " + h.actionsOf(call.id()));
        assertTrue(h.rt.close(Duration.ofSeconds(5)));
    }

    @Test
    void aCloseThatFailsPartwayStillTellsEveryPooledSpareToExit() {
        assumeTrue(StepInjector.installed());
        Harness h = new Harness(b -> b.lanes(2).spareCapacity(2));
        StepInjector.arm(Inject.Point.Close, 1, RuntimeException::new);
        assertTrue(h.rt.close(Duration.ofSeconds(5)), "close ended every thread");
        assertEquals(0, h.rt.counters().threadsAlive());
        assertSame(RuntimeException.class, StepInjector.thrown().getClass());
        assertEquals(1, h.rt.counters().stepFailures());
    }

    @Test
    void everyStepOfTheSpecThatTheRuntimeTakesHasAnInjectionPoint() {
        EnumSet<Inject.Point> points = EnumSet.allOf(Inject.Point.class);
        for (String step : List.of("Submit", "Allocate", "HookFire", "ReturnToUser", "CompleteInline", "WouldBlock",
                "WorkerFinish", "MachineComplete", "Reap", "Await")) {
            assertTrue(points.contains(Inject.Point.valueOf(step)), step);
        }
        assertTrue(points.size() >= 10);
        assertNull(StepInjector.thrown());
    }
}

package asys.runtime;

import static asys.runtime.Harness.done;
import static asys.runtime.Harness.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/** The stall watchdog: what holds a loop past the threshold is reported once, with its stack. */
class StallWatchdogTest {

    private final List<Stall> stalls = new CopyOnWriteArrayList<>();

    private Harness harness(Duration threshold) {
        return new Harness(b -> b.spareCapacity(1).stallThreshold(threshold).onStall(stalls::add));
    }

    /** Holds the calling thread for {@code ms}, without blocking. */
    static void holdTheLoop(long ms) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (System.nanoTime() < end) Thread.onSpinWait();
    }

    private static boolean hasFrame(Stall s, String method) {
        return Arrays.stream(s.stack()).anyMatch(f -> f.getMethodName().equals(method));
    }

    @Test
    void aTaskThatHoldsItsLoopPastTheThresholdIsReportedOnceWithItsStack() {
        try (Harness h = harness(Duration.ofMillis(5))) {
            Identity u = h.rt.newIdentity("busy");
            onLoop(u, () -> holdTheLoop(80));
            assertTrue(h.rt.close(Duration.ofSeconds(5)));
            assertEquals(1, stalls.size(), () -> "one stall, reported once: " + stalls);
            Stall s = stalls.get(0);
            assertEquals("busy", s.identity());
            assertEquals("task", s.what());
            assertTrue(s.heldNanos() >= TimeUnit.MILLISECONDS.toNanos(5), "held at least the threshold: " + s.heldNanos());
            assertTrue(hasFrame(s, "holdTheLoop"), () -> "the stack shows what held the loop: " + Arrays.toString(s.stack()));
            assertEquals(1, h.rt.counters().stalls());
        }
    }

    @Test
    void aCallThatBlocksWhereNoHookSeesIsReportedAsACall() throws Exception {
        Object monitor = new Object();
        try (Harness h = harness(Duration.ofMillis(5))) {
            Identity u = h.rt.newIdentity("u");
            CallHandle<?>[] call = new CallHandle<?>[1];
            synchronized (monitor) {
                onLoop(u, () -> call[0] = u.submit(() -> {
                    synchronized (monitor) {   // contended: no hook can see a monitor
                        return 1;
                    }
                }, r -> { }));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (stalls.isEmpty() && System.nanoTime() < deadline) Thread.sleep(1);
            }
            assertEquals(Outcome.QUICK, done(call[0]).outcome());
            assertEquals(1, stalls.size(), () -> "stalls: " + stalls);
            assertEquals("call", stalls.get(0).what());
        }
    }

    @Test
    void aHandlerThatHoldsItsLoopIsReportedAsAHandler() throws Exception {
        try (Harness h = harness(Duration.ofMillis(5))) {
            Identity u = h.rt.newIdentity("u");
            Harness.Gate gate = new Harness.Gate();
            CallHandle<?>[] call = new CallHandle<?>[1];
            onLoop(u, () -> call[0] = u.submit(() -> {
                gate.pass();
                return 1;
            }, r -> holdTheLoop(60)));   // the completion's handler, reaped from the queue
            gate.awaitBlocked(1);
            gate.open();
            done(call[0]);
            assertTrue(h.rt.close(Duration.ofSeconds(5)));
            assertEquals(1, stalls.size(), () -> "stalls: " + stalls);
            assertEquals("handler", stalls.get(0).what());
        }
    }

    @Test
    void eachCallIsAStepOfItsOwnSoCallsShorterThanTheThresholdAreNoStall() {
        try (Harness h = harness(Duration.ofMillis(50))) {
            Identity u = h.rt.newIdentity("u");
            CallHandle<?>[] last = new CallHandle<?>[1];
            onLoop(u, () -> {
                for (int i = 0; i < 4; i++) {
                    last[0] = u.submit(() -> {
                        holdTheLoop(30);   // 120 ms in all, 30 ms a call
                        return 1;
                    }, r -> { });
                }
            });
            done(last[0]);
            assertTrue(h.rt.close(Duration.ofSeconds(5)));
            assertEquals(List.of(), stalls);
        }
    }

    @Test
    void aLoopAsleepInAwaitIsNotStalledAndShortStepsNeverAre() throws Exception {
        try (Harness h = harness(Duration.ofMillis(50))) {
            Identity u = h.rt.newIdentity("u");
            Harness.Gate gate = new Harness.Gate();
            CallHandle<?>[] call = new CallHandle<?>[1];
            onLoop(u, () -> call[0] = u.submit(() -> {
                gate.pass();            // hands the loop over; the loop then sleeps in Await
                return 1;
            }, r -> { }));
            gate.awaitBlocked(1);
            Thread.sleep(200);
            for (int i = 0; i < 100; i++) u.execute(() -> holdTheLoop(1));
            gate.open();
            assertEquals(Outcome.IN_PROGRESS, done(call[0]).outcome());
            onLoop(u, () -> { });
            assertEquals(List.of(), stalls);
        }
    }

    @Test
    void aZeroThresholdTurnsTheWatchdogOff() {
        try (Harness h = harness(Duration.ZERO)) {
            Identity u = h.rt.newIdentity("u");
            assertFalse(watchdogAlive(), "no watchdog thread");
            onLoop(u, () -> holdTheLoop(30));
        }
        assertEquals(List.of(), stalls);
    }

    @Test
    void theWatchdogEndsWhenTheRuntimeCloses() {
        try (Harness h = harness(Duration.ofMillis(20))) {
            h.rt.newIdentity("u");
            assertTrue(watchdogAlive());
        }
        assertFalse(watchdogAlive(), "the watchdog ended at close");
    }

    @Test
    void aStallIsRecordedAsAJfrEvent() throws Exception {
        Path file = Files.createTempFile("asys-stall", ".jfr");
        try (Recording r = new Recording()) {
            r.enable("asys.Stall");
            r.start();
            try (Harness h = harness(Duration.ofMillis(5))) {
                Identity u = h.rt.newIdentity("jfr");
                onLoop(u, () -> holdTheLoop(60));
            }
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Files.delete(file);
        RecordedEvent e = events.stream().filter(ev -> ev.getEventType().getName().equals("asys.Stall")).findFirst()
                .orElseThrow(() -> new AssertionError("no asys.Stall event in " + events.size() + " events"));
        assertEquals("jfr", e.getString("identity"));
        assertEquals("task", e.getString("what"));
    }

    @Test
    void aHookFireIsRecordedAsAJfrEventNamingTheThreadTheSpareAndTheCall() throws Exception {
        Path file = Files.createTempFile("asys-hookfire", ".jfr");
        long[] callId = new long[1];
        try (Recording r = new Recording()) {
            r.enable("asys.HookFire");
            r.start();
            try (Harness h = harness(Duration.ZERO)) {
                Identity u = h.rt.newIdentity("jfr");
                java.util.concurrent.CompletableFuture<Outcome> done = new java.util.concurrent.CompletableFuture<>();
                onLoop(u, () -> callId[0] = u.submit(() -> { Blocking.sleep(Duration.ofMillis(20)); return 1; },
                        res -> done.complete(res.outcome())).id());
                assertEquals(Outcome.IN_PROGRESS, done.get(10, java.util.concurrent.TimeUnit.SECONDS));
            }
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Files.delete(file);
        RecordedEvent e = events.stream().filter(ev -> ev.getEventType().getName().equals("asys.HookFire")).findFirst()
                .orElseThrow(() -> new AssertionError("no asys.HookFire event in " + events.size() + " events"));
        assertEquals(callId[0], e.getLong("call"));
        assertEquals("Blocking", e.getString("site"));
        assertTrue(e.getInt("thread") != e.getInt("spare"), "the blocked thread hands over to another");
    }

    @Test
    void aBlockedCallIsRecordedFromItsHookFireToItsWorkerFinishAndAQuickCallIsNot() throws Exception {
        Path file = Files.createTempFile("asys-blockedcall", ".jfr");
        long[] ids = new long[2];
        try (Recording r = new Recording()) {
            r.enable("asys.BlockedCall").withThreshold(Duration.ZERO);
            r.start();
            try (Harness h = harness(Duration.ZERO)) {
                Identity u = h.rt.newIdentity("jfr");
                java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(2);
                onLoop(u, () -> {
                    ids[0] = u.submit(() -> 7, res -> done.countDown()).id();
                    ids[1] = u.submit(() -> { Blocking.sleep(Duration.ofMillis(30)); throw new IllegalStateException("late"); },
                            res -> done.countDown()).id();
                });
                assertTrue(done.await(10, java.util.concurrent.TimeUnit.SECONDS));
            }
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Files.delete(file);
        List<RecordedEvent> blocked = events.stream().filter(ev -> ev.getEventType().getName().equals("asys.BlockedCall")).toList();
        assertEquals(1, blocked.size(), "one event, for the call that blocked: " + blocked);
        RecordedEvent e = blocked.get(0);
        assertEquals(ids[1], e.getLong("call"));
        assertTrue(e.getBoolean("failed"));
        assertEquals(IllegalStateException.class.getName(), e.getString("error"));
        assertTrue(e.getDuration().toMillis() >= 25, "spans the block: " + e.getDuration());
    }

    private static boolean watchdogAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("asys-stall-watchdog") && t.isAlive());
    }
}

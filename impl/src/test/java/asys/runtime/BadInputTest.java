package asys.runtime;

import static asys.runtime.Harness.done;
import static asys.runtime.Harness.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Bad input gets an exception that names what is wrong, and loses nothing already submitted. */
class BadInputTest {

    @Test
    void aThreadStartTimeoutMustBePositive() {
        var zero = assertThrows(IllegalArgumentException.class, () -> AsysRuntime.builder().threadStartTimeout(Duration.ZERO));
        assertEquals("threadStartTimeout must be positive, got PT0S", zero.getMessage());
        var negative = assertThrows(IllegalArgumentException.class, () -> AsysRuntime.builder().threadStartTimeout(Duration.ofMillis(-1)));
        assertTrue(negative.getMessage().contains("must be positive, got PT-0.001S"), negative.getMessage());
        assertEquals("threadStartTimeout", assertThrows(NullPointerException.class,
                () -> AsysRuntime.builder().threadStartTimeout(null)).getMessage());
        try (AsysRuntime rt = AsysRuntime.builder().threadStartTimeout(Duration.ofSeconds(1)).spareCapacity(1).build()) {
            assertEquals(1, rt.counters().sparesPooled(), "a positive timeout builds");
        }
    }

    @Test
    void aPoolOfNoSparesIsRefusedBecauseEveryCallReservesOneBeforeItRuns() {
        var e = assertThrows(IllegalArgumentException.class, () -> AsysRuntime.builder().spareCapacity(0).build());
        assertTrue(e.getMessage().contains("spareCapacity must be at least 1, got 0: every call reserves a spare before it runs"),
                e.getMessage());
        assertTrue(e.getMessage().contains("quick ones included") && e.getMessage().contains("EAGAIN (NO_SPARE)"), e.getMessage());
    }

    @Test
    void aPoolsFloorMustLieBetweenNoneAndItsCapacityAndItsKeepAliveBePositive() {
        var e = assertThrows(IllegalArgumentException.class, () -> AsysRuntime.builder().spareCapacity(2).spareFloor(3).build());
        assertTrue(e.getMessage().contains("spareFloor 3 is above spareCapacity 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AsysRuntime.builder().spareFloor(-1).build());
        assertTrue(e.getMessage().contains("spareFloor must not be negative, got -1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AsysRuntime.builder().spareKeepAlive(Duration.ZERO));
        assertTrue(e.getMessage().contains("spareKeepAlive must be positive"), e.getMessage());
        assertEquals("spareKeepAlive", assertThrows(NullPointerException.class, () -> AsysRuntime.builder().spareKeepAlive(null)).getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AsysRuntime.builder().spareWait(Duration.ofMillis(-1)));
        assertTrue(e.getMessage().contains("spareWait must not be negative"), e.getMessage());
        assertEquals("spareWait", assertThrows(NullPointerException.class, () -> AsysRuntime.builder().spareWait(null)).getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AsysRuntime.builder().lanes(2).spareFloor(3).threadLimit(6).build());
        assertTrue(e.getMessage().contains("threadLimit 6 cannot hold the 6 preallocated spares (lanes 2 x spareFloor 3)"), e.getMessage());
        try (AsysRuntime rt = AsysRuntime.builder().spareFloor(0).build()) {
            assertEquals(0, rt.counters().sparesPooled(), "a floor of none: no spare until a call needs one");
        }
        try (AsysRuntime rt = AsysRuntime.builder().build()) {
            assertEquals(2, rt.counters().sparesPooled(), "the default floor");
        }
    }

    @Test
    void anImpossibleConfigurationNamesEachSettingThatIsWrong() {
        var e = assertThrows(IllegalArgumentException.class, () -> AsysRuntime.builder().lanes(0).build());
        assertTrue(e.getMessage().contains("lanes must be at least 1, got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AsysRuntime.builder().spareCapacity(-1).inFlightLimit(0).build());
        assertTrue(e.getMessage().contains("spareCapacity must be at least 1, got -1"), e.getMessage());
        assertTrue(e.getMessage().contains("inFlightLimit must be at least 1, got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AsysRuntime.builder().lanes(2).spareCapacity(2).threadLimit(4).build());
        assertTrue(e.getMessage().contains("threadLimit 4 cannot hold the 4 preallocated spares"), e.getMessage());
        var npe = assertThrows(NullPointerException.class, () -> AsysRuntime.builder().threadFactory(null));
        assertEquals("threadFactory", npe.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AsysRuntime.builder().spinBeforePark(Duration.ofNanos(-1)));
        assertTrue(e.getMessage().contains("spinBeforePark must not be negative"), e.getMessage());
        npe = assertThrows(NullPointerException.class, () -> AsysRuntime.builder().spinBeforePark(null));
        assertEquals("spinBeforePark", npe.getMessage());
    }

    @Test
    void theAutomaticHookWithoutTheAgentFailsTheBuildAndSaysWhatToAdd() {
        var e = assertThrows(IllegalStateException.class, () -> AsysRuntime.builder().automaticHook(true).build());
        assertTrue(e.getMessage().contains("needs the asys agent") && e.getMessage().contains("-javaagent:asys-agent.jar"),
                e.getMessage());
        var iae = assertThrows(IllegalArgumentException.class, () -> AsysRuntime.builder().automaticHookOnFileIo(true).build());
        assertTrue(iae.getMessage().contains("automaticHookOnFileIo needs automaticHook(true)"), iae.getMessage());
        iae = assertThrows(IllegalArgumentException.class, () -> AsysRuntime.builder().automaticHookOnSocketWrites(true).build());
        assertTrue(iae.getMessage().contains("automaticHookOnSocketWrites needs automaticHook(true)"), iae.getMessage());
        iae = assertThrows(IllegalArgumentException.class, () -> AsysRuntime.builder().stallThreshold(Duration.ofMillis(-1)));
        assertTrue(iae.getMessage().contains("stallThreshold must not be negative"), iae.getMessage());
        assertEquals("onStall", assertThrows(NullPointerException.class, () -> AsysRuntime.builder().onStall(null)).getMessage());
    }

    @Test
    void aThreadFactoryThatGivesNoThreadFailsTheBuildClearly() {
        var e = assertThrows(IllegalStateException.class,
                () -> AsysRuntime.builder().spareCapacity(1).threadFactory(r -> null).uncaughtErrorHandler((w, t) -> { }).build());
        assertTrue(e.getMessage().contains("cannot preallocate spare"), e.getMessage());
    }

    @Test
    void nullCallsAndHandlersAndUnknownFlagsAreRejectedOnTheLoop() {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            onLoop(u, () -> {
                assertEquals("call", assertThrows(NullPointerException.class, () -> u.submit(null, r -> { })).getMessage());
                assertEquals("handler", assertThrows(NullPointerException.class, () -> u.submit(() -> 1, null)).getMessage());
                assertEquals("call", assertThrows(NullPointerException.class,
                        () -> u.submitStage(0, null, r -> { })).getMessage());
                var e = assertThrows(IllegalArgumentException.class, () -> u.submit(8, () -> 1, r -> { }));
                assertTrue(e.getMessage().contains("unknown call flags 0x8"), e.getMessage());
            });
            assertEquals("task", assertThrows(NullPointerException.class, () -> u.execute(null)).getMessage());
        }
    }

    @Test
    void submittingFromOutsideTheLoopIsRejectedAndSaysHowToDoItInstead() {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            var e = assertThrows(IllegalStateException.class, () -> u.submit(() -> 1, r -> { }));
            assertTrue(e.getMessage().contains("on identity u's loop; from any other thread use submit(call)"), e.getMessage());
            Identity other = h.rt.newIdentity("other");
            onLoop(other, () -> assertThrows(IllegalStateException.class, () -> u.submit(() -> 1, r -> { })));
        }
    }

    @Test
    void aClosedIdentityOrRuntimeTakesNothingNewButFinishesWhatItHad() {
        Harness h = new Harness();
        Identity u = h.rt.newIdentity("u");
        AtomicReference<CallHandle<Integer>> accepted = new AtomicReference<>();
        AtomicReference<Throwable> late = new AtomicReference<>();
        Harness.Gate gate = new Harness.Gate();
        onLoop(u, () -> accepted.set(u.submit(() -> {
            gate.pass();
            return 1;
        }, r -> { })));
        u.close();
        assertThrows(RejectedExecutionException.class, () -> u.execute(() -> { }));
        gate.open();
        assertEquals(1, done(accepted.get()).value(), "the call in flight still got its outcome");
        u.ended().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
        h.close();
        var e = assertThrows(IllegalStateException.class, () -> h.rt.newIdentity("late"));
        assertTrue(e.getMessage().contains("runtime is closed"), e.getMessage());
        assertTrue(late.get() == null);
    }

    @Test
    void aNewIdentityPastTheThreadLimitIsRefusedNamingTheLimit() {
        try (Harness h = new Harness(b -> b.lanes(1).spareCapacity(1).threadLimit(2))) {
            h.rt.newIdentity("first");
            var e = assertThrows(IllegalStateException.class, () -> h.rt.newIdentity("second"));
            assertTrue(e.getMessage().contains("thread limit 2 reached"), e.getMessage());
        }
    }

    @Test
    void closeWithATimeoutReturnsFalseWhileACallNeverFinishes() throws Exception {
        Harness h = new Harness();
        Identity u = h.rt.newIdentity("u");
        Harness.Gate gate = new Harness.Gate();
        onLoop(u, () -> u.submit(() -> {
            gate.pass();
            return 1;
        }, r -> { }));
        gate.awaitBlocked(1);
        assertTrue(!h.rt.close(Duration.ofMillis(100)), "close cannot finish while a call is blocked");
        gate.open();
        h.close();
    }
}

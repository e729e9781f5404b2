package asys.runtime;

import static asys.runtime.Harness.done;
import static asys.runtime.Harness.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The runtime's side of the agent's protocol, with a bridge of the test's own in place of the
 * agent's: a call calls its thread's hook as the woven JDK code would ({@code enter} with a site
 * code, then {@code exit} with the token). The agent itself, weaving the real JDK, is tested in
 * property-tests on JDK 17 and 25.
 */
class AutomaticHookProtocolTest {

    /** The shape of the agent's bridge: what the runtime registers with, and the site names. */
    public static final class FakeBridge {
        public static final String[] SITES = {null, "Fake.park", "Fake.fileRead", "Fake.socketWrite", "Fake.sleep", "Fake.classLoad"};
        static volatile ThreadLocal<? extends IntUnaryOperator> hooks;
        static volatile Throwable signal;

        public static boolean register(ThreadLocal<? extends IntUnaryOperator> perThread, Throwable wouldBlock) {
            hooks = perThread;
            signal = wouldBlock;
            return true;
        }
    }

    // Site codes as the agent's bridge makes them: index | kind | refusable.
    static final int PARK = 1;
    static final int FILE_READ = 2 | AutomaticHook.FILE | AutomaticHook.REFUSABLE;
    static final int SOCKET_WRITE = 3 | AutomaticHook.SOCKET_WRITES | AutomaticHook.REFUSABLE;
    static final int SLEEP = 4 | AutomaticHook.REFUSABLE;
    static final int CLASS_LOAD = 5 | AutomaticHook.EXEMPT;

    @BeforeEach
    void connect() {
        AutomaticHook.forget();
        AutomaticHook.register(FakeBridge.class);
    }

    @AfterEach
    void disconnect() {
        AutomaticHook.forget();
    }

    /** What the woven code does around a JDK method on this thread. */
    static <T> T woven(int site, Callable<T> jdkMethod) throws Exception {
        IntUnaryOperator h = FakeBridge.hooks.get();
        int token = h == null ? 0 : h.applyAsInt(site);
        try {
            return jdkMethod.call();
        } finally {
            if (token != 0) h.applyAsInt(token | AutomaticHook.EXIT);
        }
    }

    private static Harness harness(boolean files, boolean writes) {
        return new Harness(b -> b.spareCapacity(1).automaticHook(true).automaticHookOnFileIo(files).automaticHookOnSocketWrites(writes));
    }

    private static CallHandle<Object> call(Harness h, Identity u, int flags, Callable<Object> body) {
        @SuppressWarnings("unchecked")
        CallHandle<Object>[] c = new CallHandle[1];
        onLoop(u, () -> c[0] = u.submit(flags, body::call, r -> { }));
        return done(c[0]);
    }

    @Test
    void aBlockInACallFiresTheHookOnceAndLaterBlocksOnTheWorkerFireNothing() {
        try (Harness h = harness(false, false)) {
            Identity u = h.rt.newIdentity("u");
            CallHandle<Object> r = call(h, u, CallFlags.NONE, () -> {
                woven(PARK, () -> woven(PARK, () -> 1));   // nested: the outer one speaks for both
                return woven(PARK, () -> 2);                 // on the worker now
            });
            assertEquals(Outcome.IN_PROGRESS, r.outcome());
            assertEquals(2, r.value());
            assertEquals(1, h.rt.counters().hookFires());
            assertEquals(Map.of("Fake.park", 1L), h.rt.automaticHookFires());
            List<String> steps = h.actions().stream()
                    .filter(a -> a.equals("HookFire") || a.startsWith("Worker")).toList();
            assertEquals(List.of("HookFire", "WorkerWake", "WorkerBlock", "WorkerWake", "WorkerFinish"), steps);
            String fire = h.trace.stream().filter(l -> l.contains("\"HookFire\"")).findFirst().orElseThrow();
            assertTrue(fire.contains("\"via\":\"agent\"") && fire.contains("\"site\":\"Fake.park\""), fire);
            String block = h.trace.stream().filter(l -> l.contains("\"WorkerBlock\"")).findFirst().orElseThrow();
            assertTrue(block.contains("\"via\":\"agent\"") && block.contains("\"site\":\"Fake.park\""), block);
        }
    }

    @Test
    void fileIoAndSocketWritesFireOnlyWhenAskedFor() throws Exception {
        try (Harness h = harness(false, false)) {
            Identity u = h.rt.newIdentity("u");
            assertEquals(Outcome.QUICK, call(h, u, 0, () -> woven(FILE_READ, () -> 1)).outcome());
            assertEquals(Outcome.QUICK, call(h, u, 0, () -> woven(SOCKET_WRITE, () -> 1)).outcome());
        }
        try (Harness h = harness(true, false)) {
            Identity u = h.rt.newIdentity("u");
            assertEquals(Outcome.IN_PROGRESS, call(h, u, 0, () -> woven(FILE_READ, () -> 1)).outcome());
            assertEquals(Outcome.QUICK, call(h, u, 0, () -> woven(SOCKET_WRITE, () -> 1)).outcome());
        }
        try (Harness h = harness(false, true)) {
            Identity u = h.rt.newIdentity("u");
            assertEquals(Outcome.IN_PROGRESS, call(h, u, 0, () -> woven(SOCKET_WRITE, () -> 1)).outcome());
            assertEquals(Map.of("Fake.socketWrite", 1L), h.rt.automaticHookFires());
        }
    }

    @Test
    void classLoadingIsNeverABlockingPointAndItsScopeEnds() {
        try (Harness h = harness(true, false)) {
            Identity u = h.rt.newIdentity("u");
            assertEquals(Outcome.QUICK, call(h, u, 0, () -> woven(CLASS_LOAD, () -> woven(FILE_READ, () -> 1))).outcome());
            assertEquals(Outcome.IN_PROGRESS, call(h, u, 0, () -> {
                woven(CLASS_LOAD, () -> 0);
                return woven(FILE_READ, () -> 1);   // after the scope: a blocking point again
            }).outcome());
        }
    }

    @Test
    void tasksHandlersAndTheRuntimeOwnParkingFireNothing() throws Exception {
        try (Harness h = harness(false, false)) {
            Identity u = h.rt.newIdentity("u");
            int[] armedInTask = new int[1];
            onLoop(u, () -> {
                IntUnaryOperator hook = FakeBridge.hooks.get();
                armedInTask[0] = hook.applyAsInt(AutomaticHook.ARMED);
                assertEquals(0, hook.applyAsInt(PARK), "a task's block is not a call's");
            });
            assertEquals(0, armedInTask[0]);
            CallHandle<Object> r = call(h, u, 0, () -> FakeBridge.hooks.get().applyAsInt(AutomaticHook.ARMED));
            assertEquals(1, r.value(), "armed inside a call");
            assertEquals(0, h.rt.counters().hookFires());
        }
        assertEquals(null, FakeBridge.hooks.get(), "a thread that is not the runtime's has no hook");
    }

    @Test
    void aNonblockCallIsRefusedAtARefusableSiteAndBlocksInlineElsewhere() {
        boolean[] after = new boolean[1];
        try (Harness h = harness(false, false)) {
            Identity u = h.rt.newIdentity("u");
            CallHandle<Object> refused = call(h, u, CallFlags.NONBLOCK, () -> {
                try {
                    woven(SLEEP, () -> 1);
                } catch (Throwable t) {
                    assertSame(FakeBridge.signal, t, "the would-block signal, thrown from the entry point");
                    throw t;
                }
                after[0] = true;
                return 2;
            });
            assertEquals(Outcome.EAGAIN, refused.outcome());
            assertEquals(EagainReason.WOULD_BLOCK, refused.eagainReason());
            CallHandle<Object> inline = call(h, u, CallFlags.NONBLOCK, () -> woven(PARK, () -> 3));
            assertEquals(Outcome.QUICK, inline.outcome(), "a park cannot unwind: the call blocks inline");
            assertEquals(3, inline.value());
        }
        assertTrue(!after[0], "the code after the refused entry point did not run");
    }

    @Test
    void aPrimitiveOfBlockingInsideAWovenMethodCountsOnce() {
        try (Harness h = harness(false, false)) {
            Identity u = h.rt.newIdentity("u");
            Harness.Gate gate = new Harness.Gate();
            gate.open();
            CallHandle<Object> r = call(h, u, 0, () -> woven(PARK, () -> {
                Blocking.sleep(java.time.Duration.ofMillis(1));   // nested in the woven park
                return 1;
            }));
            assertEquals(Outcome.IN_PROGRESS, r.outcome());
            assertEquals(1, h.rt.counters().hookFires());
        }
    }

    @Test
    void aBridgeThatServesAnotherRuntimeOrHasAnotherShapeIsRefusedClearly() {
        AutomaticHook.forget();
        var e = assertThrows(IllegalStateException.class, () -> AutomaticHook.register(Object.class));
        assertTrue(e.getMessage().contains("does not match this runtime"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> AutomaticHook.register(Taken.class));
        assertTrue(e.getMessage().contains("serves another copy of the asys runtime"), e.getMessage());
    }

    /** A bridge already serving another copy of the runtime. */
    public static final class Taken {
        public static final String[] SITES = {null};

        public static boolean register(ThreadLocal<? extends IntUnaryOperator> perThread, Throwable wouldBlock) { return false; }
    }
}

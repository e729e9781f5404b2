package asys.runtime;

import static asys.runtime.Harness.done;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** What a user sees of a runtime besides calls: counters, names, defaults. */
class RuntimeSurfaceTest {

    @Test
    void countersAddUpWhileRunningAndStayExactAfterClose() throws Exception {
        AsysRuntime rt = AsysRuntime.builder().lanes(1).spareCapacity(2).build();
        assertFalse(rt.isClosed());
        assertEquals(2, rt.counters().sparesPooled());
        assertEquals(2, rt.counters().threadsAlive());
        assertEquals(0, rt.counters().identitiesOpen());
        Identity u = rt.newIdentity("u");
        assertEquals(1, rt.counters().identitiesOpen());
        AtomicReference<CallHandle<Integer>> blocked = new AtomicReference<>();
        Harness.onLoop(u, () -> {
            for (int i = 0; i < 5; i++) u.submit(() -> 1, r -> { });
            blocked.set(u.submit(() -> { Blocking.sleep(Duration.ofMillis(1)); return 2; }, r -> { }));
        });
        done(blocked.get());
        Counters c = rt.counters();
        assertEquals(5, c.quick());
        assertEquals(1, c.inProgress());
        assertEquals(1, c.hookFires());
        assertEquals(3, c.threadsAlive(), "the loop's thread and two spares: " + c);
        assertTrue(rt.close(Duration.ofSeconds(10)));
        c = rt.counters();
        assertEquals(5, c.quick(), "an ended identity's QUICK calls still count");
        assertEquals(1, c.inProgress());
        assertEquals(0, c.threadsAlive());
        assertEquals(0, c.sparesPooled());
        assertEquals(0, c.identitiesOpen());
        assertTrue(u.isClosed());
        assertTrue(rt.isClosed());
        assertTrue(u.ended().isDone());
    }

    @Test
    void anIdentityClosedAloneStopsCountingOnceItsLoopHasEndedAndItsQuickCallsStillCount() {
        try (AsysRuntime rt = AsysRuntime.builder().build()) {
            Identity u = rt.newIdentity("u");
            Identity v = rt.newIdentity("v");
            Harness.onLoop(u, () -> u.submit(() -> 1, r -> { }));
            Harness.onLoop(u, () -> { });
            u.close();
            u.ended().orTimeout(10, TimeUnit.SECONDS).join();
            Counters c = rt.counters();
            assertEquals(1, c.identitiesOpen(), "v is open, u has ended: " + c);
            assertEquals(1, c.quick(), "u's QUICK call counts after u ended: " + c);
            assertFalse(v.isClosed());
        }
    }

    @Test
    void countersCanBeReadFromATaskAndTheRuntimeStillClosesEveryThread() throws Exception {
        AsysRuntime rt = AsysRuntime.builder().lanes(1).spareCapacity(1).build();
        Identity u = rt.newIdentity("u");
        CompletableFuture<Counters> inTask = new CompletableFuture<>();
        u.execute(() -> inTask.complete(rt.counters()));
        assertEquals(2, inTask.get(10, TimeUnit.SECONDS).threadsAlive());
        assertTrue(rt.close(Duration.ofSeconds(10)), "reading counters on a runtime thread leaves no lock held");
        assertEquals(0, rt.counters().threadsAlive());
    }

    @Test
    void withoutATraceSinkTraceLayoutDoesNothing() {
        try (AsysRuntime rt = AsysRuntime.builder().build()) {
            rt.newIdentity("u");
            rt.traceLayout();
        }
    }

    @Test
    void anIdentityHasItsNameAndIdAndTheDefaultThreadsAreDaemonsNamedAsys() throws Exception {
        try (AsysRuntime rt = AsysRuntime.builder().spinBeforePark(Duration.ZERO).build()) {
            Identity u = rt.newIdentity("orders");
            assertEquals("orders", u.name());
            assertTrue(u.id() >= 1);
            assertTrue(u.toString().contains("orders") && u.toString().contains(String.valueOf(u.id())), u.toString());
            assertFalse(u.isClosed());
            CompletableFuture<Thread> t = new CompletableFuture<>();
            u.execute(() -> t.complete(Thread.currentThread()));
            Thread loop = t.get(10, TimeUnit.SECONDS);
            assertTrue(loop.isDaemon());
            assertTrue(loop.getName().startsWith("asys-"), loop.getName());
        }
    }

    /** Spinning (an idle spare's, the hot spare's) is on by default only where a spinning thread
     *  does not take the core the loop and the workers need: with 4 cores or more. */
    @Test
    void spinningIsOnByDefaultOnlyWithFourCoresOrMore() {
        boolean many = Runtime.getRuntime().availableProcessors() >= 4;
        RuntimeBuilder b = AsysRuntime.builder();
        assertEquals(many ? 20_000L : 0L, b.spinNanos, "spinBeforePark's default");
        assertEquals(many ? 2_000_000L : 0L, b.hotSpareNanos, "hotSpare's default");
    }

    @Test
    void theDefaultErrorHandlerLogsAnErrorThroughSystemLogger() throws Exception {
        RuntimeBuilder b = AsysRuntime.builder().spinBeforePark(Duration.ofNanos(5_000)).lanes(1);
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger("asys");   // System.Logger's default backend
        List<java.util.logging.LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override public void publish(java.util.logging.LogRecord r) { records.add(r); }
            @Override public void flush() { }
            @Override public void close() { }
        };
        jul.addHandler(h);
        try (AsysRuntime rt = b.build()) {
            Identity u = rt.newIdentity("u");
            CompletableFuture<Void> ran = new CompletableFuture<>();
            u.execute(() -> { throw new IllegalStateException("boom in a task"); });
            u.execute(() -> ran.complete(null));
            ran.get(10, TimeUnit.SECONDS);
        } finally {
            jul.removeHandler(h);
        }
        assertEquals(1, records.size(), "one record: " + records);
        java.util.logging.LogRecord r = records.get(0);
        assertEquals(java.util.logging.Level.SEVERE, r.getLevel());
        assertEquals("task on identity u threw", r.getMessage());
        assertEquals("boom in a task", r.getThrown().getMessage());
    }

    @Test
    void withoutTheAutomaticHookNoSiteIsCounted() {
        try (AsysRuntime rt = AsysRuntime.builder().build()) {
            assertEquals(java.util.Map.of(), rt.automaticHookFires());
        }
    }

    @Test
    void everySettingOfTheBuilderReturnsTheBuilderSoThatSettingsChain() throws Exception {
        Map<Class<?>, Object> valid = Map.of(
                int.class, 1,
                boolean.class, true,
                Duration.class, Duration.ofMillis(1),
                ThreadFactory.class, (ThreadFactory) Thread::new,
                TraceSink.class, (TraceSink) line -> { },
                Consumer.class, (Consumer<Stall>) stall -> { },
                BiConsumer.class, (BiConsumer<String, Throwable>) (what, t) -> { });
        RuntimeBuilder b = AsysRuntime.builder();
        int settings = 0;
        for (Method m : RuntimeBuilder.class.getDeclaredMethods()) {
            if (m.getReturnType() != RuntimeBuilder.class || m.getParameterCount() != 1 || m.isSynthetic()) continue;
            Object arg = valid.get(m.getParameterTypes()[0]);
            assertTrue(arg != null, "a valid value for " + m);
            m.setAccessible(true);
            assertSame(b, m.invoke(b, arg), m.getName() + " returns the builder");
            settings++;
        }
        assertTrue(settings >= 19, "the builder's settings, all of them seen: " + settings);
    }
}

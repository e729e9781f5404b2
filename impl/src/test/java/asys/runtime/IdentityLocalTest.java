package asys.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * State that belongs to a loop: an identity-local value moves with its identity from carrier to
 * carrier, where a ThreadLocal stays behind; it is refused off the loop, a call's code after its
 * first block included; and a call can tell whether it still runs on the loop.
 */
class IdentityLocalTest {

    private static final IdentityLocal<String> NAME = IdentityLocal.create();
    private static final ThreadLocal<String> THREAD_NAME = new ThreadLocal<>();

    @Test
    void aValueSetInATaskIsThereInTheHandlerAfterTheLoopMovedToAnotherThreadWhereAThreadLocalIsNot() throws Exception {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            AtomicReference<Thread> taskThread = new AtomicReference<>(), handlerThread = new AtomicReference<>();
            CompletableFuture<String[]> seen = new CompletableFuture<>();
            u.execute(() -> {
                taskThread.set(Thread.currentThread());
                NAME.set("mine");
                THREAD_NAME.set("mine");
                u.submit(() -> { Blocking.sleep(Duration.ofMillis(10)); return 0; }, r -> {
                    handlerThread.set(Thread.currentThread());
                    seen.complete(new String[] {NAME.get(), THREAD_NAME.get()});
                });
            });
            String[] values = seen.get(10, TimeUnit.SECONDS);
            assertNotSame(taskThread.get(), handlerThread.get(), "the hook fire moved the loop to the spare");
            assertEquals("mine", values[0], "the identity-local moved with the loop");
            assertNull(values[1], "the ThreadLocal stayed on the thread that blocked");
        }
    }

    @Test
    void eachIdentityHasItsOwnValueMadeOnFirstRead() throws Exception {
        IdentityLocal<StringBuilder> log = IdentityLocal.withInitial(StringBuilder::new);
        try (Harness h = new Harness()) {
            Identity a = h.rt.newIdentity("a"), b = h.rt.newIdentity("b");
            StringBuilder la = a.submit(() -> log.get().append("a")).get(10, TimeUnit.SECONDS);
            StringBuilder lb = b.submit(() -> log.get().append("b")).get(10, TimeUnit.SECONDS);
            assertSame(la, a.submit(() -> log.get()).get(10, TimeUnit.SECONDS));
            assertEquals("a", la.toString());
            assertEquals("b", lb.toString());
            a.submit(() -> { log.remove(); }).get(10, TimeUnit.SECONDS);
            assertNotSame(la, a.submit(() -> log.get()).get(10, TimeUnit.SECONDS), "remove, then a fresh value");
        }
    }

    @Test
    void aCallKnowsItRunsOnTheLoopBeforeItBlocksAndNotAfterAndTheValueIsRefusedThere() throws Exception {
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            AtomicReference<Throwable> refused = new AtomicReference<>();
            boolean[] onLoop = new boolean[2];
            u.submit(() -> {
                onLoop[0] = u.isOnLoop() && Identity.current() == u;
                NAME.set("before");
                Blocking.sleep(Duration.ofMillis(10));
                onLoop[1] = u.isOnLoop() || Identity.current() != null;
                try { NAME.get(); } catch (IllegalStateException e) { refused.set(e); }
                return null;
            }).get(10, TimeUnit.SECONDS);
            assertTrue(onLoop[0], "before its first block a call runs on the loop");
            assertFalse(onLoop[1], "after it, on a worker");
            assertTrue(refused.get().getMessage().contains("off any loop"), refused.get().getMessage());
        }
    }

    @Test
    void offARuntimeThreadTheValueIsRefusedAndThereIsNoCurrentIdentity() {
        assertNull(Identity.current());
        IllegalStateException e = assertThrows(IllegalStateException.class, NAME::get);
        assertTrue(e.getMessage().contains("identity.execute"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> NAME.set("x"));
    }

    @Test
    void loopOwnedStateCountedThroughTheLoopIsExactWhateverTheCallsDo() throws Exception {
        IdentityLocal<long[]> count = IdentityLocal.withInitial(() -> new long[1]);
        int n = 2_000;
        try (Harness h = new Harness(b -> b.lanes(1).spareCapacity(4))) {
            Identity u = h.rt.newIdentity("u");
            CompletableFuture<?>[] fs = new CompletableFuture<?>[n];
            for (int i = 0; i < n; i++) {
                int k = i;
                // each call blocks now and then; the count is kept by the loop, in the handler's place
                fs[i] = u.submit(() -> { if (k % 10 == 0) Blocking.sleep(Duration.ofMillis(1)); return k; })
                        .thenRunAsync(() -> count.get()[0]++, u);   // the identity as executor: on the loop
            }
            CompletableFuture.allOf(fs).get(30, TimeUnit.SECONDS);
            assertEquals(n, u.submit(() -> count.get()[0]).get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void eachOfManyLocalsKeepsItsOwnValueNullIncludedAndItsRemovalTouchesNoOther() throws Exception {
        int n = 150;   // past two words of the set's bits, whatever index the first one gets
        int[] made = new int[n];
        List<IdentityLocal<String>> locals = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            locals.add(IdentityLocal.withInitial(() -> { made[k]++; return "initial " + k; }));
        }
        try (Harness h = new Harness()) {
            Identity u = h.rt.newIdentity("u");
            String[] seen = u.submit(() -> {
                for (int i = 0; i < n; i++) {
                    if (i % 3 == 0) locals.get(i).set("set " + i);
                    else if (i % 3 == 1) locals.get(i).set(null);   // set to null: not the initial value
                }
                for (int i = 0; i < n; i += 7) locals.get(i).remove();   // removed: made anew on the next read
                String[] v = new String[n];
                for (int i = 0; i < n; i++) v[i] = locals.get(i).get();
                return v;
            }).get(10, TimeUnit.SECONDS);
            for (int i = 0; i < n; i++) {
                boolean removed = i % 7 == 0;
                String expected = removed || i % 3 == 2 ? "initial " + i : i % 3 == 0 ? "set " + i : null;
                assertEquals(expected, seen[i], "local " + i);
                assertEquals(expected != null && expected.startsWith("initial") ? 1 : 0, made[i], "initial values made for local " + i);
            }
        }
    }
}

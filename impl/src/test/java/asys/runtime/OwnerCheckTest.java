package asys.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The owner check is the runtime's own watch on IdentityUnique: every step that acts for an
 * identity (taking it, handing it over, entering its loop, running its task or handler) checks that
 * this thread carries it, and reports each time one does not, through {@code ownerViolations()}
 * and the uncaught-error handler. Correct runs never trip it (every other test asserts 0), so here a
 * stranger thread record is made to hold the identity, and each check must report it.
 */
class OwnerCheckTest {

    private final List<String> reports = new ArrayList<>();

    private AsysRuntime runtime() {
        return AsysRuntime.builder().lanes(1).spareCapacity(1)
                .uncaughtErrorHandler((what, t) -> {
                    synchronized (reports) {
                        reports.add(what + " / " + t.getMessage());
                    }
                }).build();
    }

    private String lastReport() {
        synchronized (reports) {
            return reports.get(reports.size() - 1);
        }
    }

    @Test
    void takingOrHandingOverAnIdentityThatAnotherThreadCarriesIsReportedAndChangesNothing() {
        AsysRuntime rt = runtime();
        Identity u = rt.newIdentity("u");
        KThread carrier = u.carrier();
        KThread stranger = new KThread(999, u.lane, rt, KThread.State.USER);

        u.claim(stranger);
        assertEquals(1, rt.ownerViolations());
        assertEquals(1, rt.counters().ownerViolations());
        assertTrue(lastReport().contains("owner check: " + u + " is not carried by KThread 999 (USER, lane 0) alone"), lastReport());
        assertTrue(lastReport().endsWith("IdentityUnique"), lastReport());
        assertSame(carrier, u.carrier(), "a refused claim leaves the carrier as it was");

        u.transferOwner(stranger, new KThread(998, u.lane, rt, KThread.State.RETURNING));
        assertEquals(2, rt.ownerViolations());
        assertTrue(lastReport().contains("KThread 999"), lastReport());
        assertSame(carrier, u.carrier(), "a refused handover leaves the carrier as it was");
        assertTrue(rt.close(Duration.ofSeconds(10)));
    }

    @Test
    void aLoopFindingItsIdentityCarriedByAnotherThreadReportsItBeforeEachHandlerAndTask() throws Exception {
        AsysRuntime rt = runtime();
        Identity u = rt.newIdentity("u");
        KThread stranger = new KThread(999, u.lane, rt, KThread.State.USER);
        CompletableFuture<Integer> afterHandler = new CompletableFuture<>();
        CompletableFuture<Integer> afterTask = new CompletableFuture<>();
        AtomicReference<KThread> me = new AtomicReference<>();
        Harness.onLoop(u, () -> {
            me.set(KThread.current());
            u.submit(() -> 1, r -> {
                afterHandler.complete(rt.ownerViolations());
                u.transferOwner(stranger, me.get());          // give it back: the loop goes on
                // the same again for a task: the check before it runs must report
                u.transferOwner(me.get(), stranger);
                u.execute(() -> {
                    afterTask.complete(rt.ownerViolations());
                    u.transferOwner(stranger, me.get());
                });
            });
            u.transferOwner(me.get(), stranger);              // as if another thread had taken the identity
        });
        assertEquals(1, afterHandler.get(10, TimeUnit.SECONDS), "checked before the handler ran");
        assertEquals(2, afterTask.get(10, TimeUnit.SECONDS), "checked before the task ran");
        assertTrue(lastReport().contains("KThread " + me.get().id), lastReport());
        assertTrue(rt.close(Duration.ofSeconds(10)));
        assertEquals(2, rt.ownerViolations(), "nothing else tripped it");
    }

    @Test
    void aThreadEnteringTheLoopOfAnIdentityItDoesNotCarryIsReported() {
        AsysRuntime rt = runtime();
        Identity u = rt.newIdentity("u");
        u.close();
        u.ended().orTimeout(10, TimeUnit.SECONDS).join();
        KThread stranger = new KThread(999, u.lane, rt, KThread.State.USER);
        u.runLoop(stranger);   // the loop has ended and nobody carries it: entering it is a violation
        assertEquals(1, rt.ownerViolations());
        assertTrue(lastReport().contains("KThread 999"), lastReport());
        assertTrue(rt.close(Duration.ofSeconds(10)));
    }
}

package asys.runtime;

import static asys.runtime.Harness.done;
import static asys.runtime.Harness.field;
import static asys.runtime.Harness.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An identity keeps the spare of a call that did not block (the spec's Held): its next call
 * reserves that spare with plain writes (SubmitUsesHeld), not from the lane's shared pool; a call
 * that blocks hands the identity to it; the loop gives it back to the pool when it goes idle
 * (SpareRelease); and no other identity ever gets it meanwhile (PoolConservation).
 */
class HeldSpareTest {

    @Test
    void quickCallsInARowReserveTheSpareTheIdentityKeptAndTheLoopGivesItBackWhenIdle() throws Exception {
        try (Harness h = new Harness(b -> b.lanes(1).spareCapacity(2))) {
            Identity u = h.rt.newIdentity("u");
            List<CallHandle<Integer>> calls = new ArrayList<>();
            onLoop(u, () -> {
                for (int i = 0; i < 50; i++) {
                    int v = i;
                    calls.add(u.submit(() -> v, r -> { }));
                }
            });
            for (CallHandle<Integer> c : calls) assertEquals(Outcome.QUICK, done(c).outcome());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (h.events("SpareRelease").isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "the idle loop never gave its spare back");
                Thread.sleep(1);
            }
            List<String> submits = h.events("Submit");
            String spare = field(submits.get(0), "spare");
            assertNotNull(spare, "the first call reserves a spare from the pool");
            for (String s : submits) assertEquals(spare, field(s, "spare"), "every call reserves the spare kept from the last: " + s);
            List<String> releases = h.events("SpareRelease");
            assertEquals(1, releases.size(), "given back once, when the loop went idle: " + releases);
            assertEquals(spare, field(releases.get(0), "spare"));
            List<String> actions = h.actions();
            assertTrue(actions.lastIndexOf("CompleteInline") < actions.indexOf("SpareRelease"),
                    "no call ran after the release: " + actions);
            assertEquals(2, h.rt.counters().sparesPooled(), "both spares back in the pool");
        }
    }

    @Test
    void aCallThatBlocksAfterQuickOnesHandsTheIdentityToTheKeptSpare() throws Exception {
        try (Harness h = new Harness(b -> b.lanes(1).spareCapacity(2))) {
            Identity u = h.rt.newIdentity("u");
            Harness.Gate gate = new Harness.Gate();
            List<CallHandle<Object>> calls = new ArrayList<>();
            onLoop(u, () -> {
                calls.add(u.submit(() -> "quick", r -> { }));
                calls.add(u.submit(() -> {
                    gate.pass();
                    return "blocked";
                }, r -> { }));
            });
            gate.awaitBlocked(1);
            gate.open();
            assertEquals(Outcome.QUICK, done(calls.get(0)).outcome());
            assertEquals(Outcome.IN_PROGRESS, done(calls.get(1)).outcome());
            String kept = field(h.events("Submit").get(0), "spare");
            assertEquals(kept, field(h.events("Submit").get(1), "spare"), "the second call reserves the kept spare");
            assertEquals(kept, field(h.events("HookFire").get(0), "spare"), "and the identity goes to it");
        }
    }

    @Test
    void anotherIdentityOnTheLaneNeverGetsTheSpareAnIdentityKeeps() throws Exception {
        // One spare in the lane: u keeps it after a quick call and stays busy in a task (not idle,
        // so it does not give the spare back); v's call then finds the pool empty.
        try (Harness h = new Harness(b -> b.lanes(1).spareCapacity(1).spareFloor(1).threadLimit(6))) {
            Identity u = h.rt.newIdentity("u"), v = h.rt.newIdentity("v");
            CountDownLatch busy = new CountDownLatch(1), release = new CountDownLatch(1);
            List<CallHandle<Object>> mine = new ArrayList<>();
            u.execute(() -> {
                mine.add(u.submit(() -> "u's", r -> { }));
                u.execute(() -> {   // queued before u's call runs: the loop is never idle in between
                    busy.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            });
            assertTrue(busy.await(10, TimeUnit.SECONDS));
            String kept = field(h.events("Submit").get(0), "spare");
            assertNotNull(kept);
            List<CallHandle<Object>> made = new ArrayList<>();
            onLoop(v, () -> made.add(v.submit(() -> "v's", r -> { })));
            CallHandle<Object> theirs = done(made.get(0));
            release.countDown();
            assertEquals(Outcome.QUICK, done(mine.get(0)).outcome());
            assertEquals(Outcome.QUICK, theirs.outcome());
            for (String s : h.events("Submit")) {
                if (String.valueOf(v.id()).equals(field(s, "identity"))) {
                    assertNotEquals(kept, field(s, "spare"), "v reserved the spare u keeps: " + s);
                }
            }
            for (String a : h.events("Allocate")) assertNotEquals(kept, field(a, "spare"), "v was given the spare u keeps: " + a);
        }
    }
}

package asys.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jetbrains.lincheck.Lincheck;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Lincheck's model checker on the hook's handoff, as the runtime does it: a thread in a call, its
 * spare reserved (the hook set), blocks; HookFire clears the hook, hands the identity to the spare
 * and wakes it, while the spare waits for its assignment (spinning first, then parked). In every
 * interleaving the spare wakes (no lost unpark), finds itself the identity's only carrier
 * (IdentityUnique) and sees the call IN_PROGRESS (what it returns to user space), and the blocked
 * thread is a worker with its hook clear.
 */
class HookHandoffLincheckTest {

    private static final int INVOCATIONS = 3_000;

    @ParameterizedTest(name = "spin {0} ns")
    @ValueSource(longs = {0, 1_000})
    void theSpareAlwaysWakesCarryingTheIdentityAndSeesTheCallInProgress(long spinNanos) {
        int frames = KThread.stackFrames;
        KThread.stackFrames = 0;   // Lincheck reads the stack probe's recursion as a livelock
        try {
            handoff(spinNanos);
        } finally {
            KThread.stackFrames = frames;
        }
    }

    private void handoff(long spinNanos) {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            Scene sc = new Scene(spinNanos);
            AsysRuntime rt = sc.rt;
            Identity u = sc.u;
            CallRecord<Integer> x = sc.x;
            KThread caller = sc.caller, spare = sc.spare;
            List<Object> seen = Collections.synchronizedList(new ArrayList<>());
            Thread spareThread = new Thread(() -> {
                KThread.Assignment a = spare.awaitAssignment();
                seen.add(a);
                seen.add(spare.handedIdentity);
                seen.add(spare.handedCall);
                seen.add(u.isCarrier(Thread.currentThread()));
                seen.add(spare.handedCall.outcome());
            });
            Thread callerThread = new Thread(() -> {
                caller.spare = spare;        // Submit: the hook is set, the spare reserved
                caller.hookSet = true;
                caller.carrying = u;
                caller.current = x;
                u.claim(caller);
                spareThread.start();         // the spare is already parked in the real runtime
                caller.hookFire(AutomaticHook.BLOCKING);   // the call would block
            });
            spare.thread = spareThread;
            caller.thread = callerThread;
            callerThread.start();
            join(callerThread);
            join(spareThread);
            assertEquals(List.of(KThread.Assignment.HANDOFF, u, x, true, Outcome.IN_PROGRESS), seen);
            assertSame(spare, u.carrier());
            assertEquals(false, caller.hookSet, "the hook is clear");
            assertEquals(KThread.State.WORKER, caller.state());
            assertEquals(0, rt.ownerViolations());
        });
    }

    /** A thread in a call on identity u, its spare reserved; a runtime that started no thread. */
    private static final class Scene {
        final AsysRuntime rt;
        final Identity u;
        final CallRecord<Integer> x;
        final KThread caller, spare;

        Scene(long spinNanos) {
            rt = AsysRuntime.builder().lanes(1).spareCapacity(1).preallocate(false).threadLimit(2).stallThreshold(Duration.ZERO)
                    .spinBeforePark(Duration.ofNanos(spinNanos)).hotSpare(Duration.ZERO).build();
            Lane lane = new Lane(0, 1, 1);
            u = new Identity(1, "u", rt, lane);
            x = new CallRecord<>(1, u, 0, () -> 1, null, r -> { });
            caller = new KThread(1, lane, rt, KThread.State.IN_CALL);
            spare = new KThread(2, lane, rt, KThread.State.RESERVED);
        }
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * The teeth: the same handoff with its last two steps swapped, so that the spare is woken
     * before the identity is handed to it. In some interleaving the spare runs while the blocked
     * thread still owns the identity (IdentityUnique broken), and the model checker must find it.
     */
    /**
     * The hot spare's wake-up: a Submit on a hot lane wakes the reserved spare to spin (a SPIN
     * assignment, through the same flag and unpark as work), then its HookFire hands it the
     * identity. In every interleaving (the spare spinning, parking, or parked at either write) the
     * spare wakes (no lost unpark: Lincheck reports a thread that never does) and returns the work,
     * not the wake-up.
     */
    @ParameterizedTest(name = "spin {0} ns")
    @ValueSource(longs = {0, 1_000})
    void aSpareWokenToSpinThenHandedItsWorkAlwaysTakesTheWork(long spinNanos) {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            Scene sc = new Scene(spinNanos);
            Identity u = sc.u;
            CallRecord<Integer> x = sc.x;
            KThread spare = sc.spare;
            List<Object> seen = Collections.synchronizedList(new ArrayList<>());
            Thread spareThread = new Thread(() -> {
                seen.add(spare.awaitAssignment());
                seen.add(spare.handedIdentity);
                seen.add(spare.handedCall);
            });
            Thread callerThread = new Thread(() -> {
                spareThread.start();
                spare.warm();          // Submit on a hot lane
                spare.handOff(u, x);   // HookFire
            });
            spare.thread = spareThread;
            callerThread.start();
            join(callerThread);
            join(spareThread);
            assertEquals(List.of(KThread.Assignment.HANDOFF, u, x), seen, "the spare took its work, not the wake-up");
        });
    }

    @Test
    void aHandoffThatWakesTheSpareBeforeHandingItTheIdentityIsCaught() {
        LincheckAssertionError e = assertThrows(LincheckAssertionError.class, () -> Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            Scene sc = new Scene(0);
            Identity u = sc.u;
            CallRecord<Integer> x = sc.x;
            KThread caller = sc.caller, spare = sc.spare;
            List<Object> seen = Collections.synchronizedList(new ArrayList<>());
            Thread spareThread = new Thread(() -> {
                spare.awaitAssignment();
                seen.add(u.isCarrier(Thread.currentThread()));
            });
            Thread callerThread = new Thread(() -> {
                u.claim(caller);
                spareThread.start();
                x.decide(Outcome.IN_PROGRESS, null);
                spare.handOff(u, x);                          // woken first...
                u.transferOwner(caller, spare);               // ...handed the identity after
            });
            spare.thread = spareThread;
            caller.thread = callerThread;
            callerThread.start();
            join(callerThread);
            join(spareThread);
            assertEquals(List.of(true), seen, "the spare woke as the identity's only carrier");
        }));
        assertTrue(e.getMessage().contains("the spare woke as the identity's only carrier"), e.getMessage());
    }
}

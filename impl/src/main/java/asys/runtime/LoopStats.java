package asys.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What an identity's carrier counts as it goes: its QUICK calls, its loop's steps (for the stall
 * watchdog), and the block of call ids it hands out. A superclass of {@link Identity}, not a
 * field of it, so that the fast path reaches these with no extra load.
 */
abstract class LoopStats {

    /** QUICK calls, loop steps so far, and what the current step runs: written by the carrier
     *  alone (one at a time, each handoff a happens-before edge) with opaque stores, which cost no
     *  fence, and read by {@link AsysRuntime#counters()} and the stall watchdog, for which a recent
     *  value is enough. A shared adder cost a CAS per call on the fast path. */
    private long quickCalls, steps;
    /** {@link #TASK}, {@link #HANDLER} or {@link #CALL}: a byte, so the store costs no GC barrier. */
    private byte stepKind;
    static final byte TASK = 0, HANDLER = 1, CALL = 2;
    /** The next call id to hand out and the end of the block of ids reserved from the runtime;
     *  carrier only. Ids come in blocks so that the fast path touches no shared counter; with
     *  tracing on, a block is one id, so that ids in a trace are dense (the spec's Call set). */
    private long nextCallId, callIdEnd;
    /** Call ids reserved at a time when tracing is off. */
    static final int CALL_ID_BLOCK = 1024;
    private static final VarHandle QUICK_CALLS, STEPS;
    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            QUICK_CALLS = l.findVarHandle(LoopStats.class, "quickCalls", long.class);
            STEPS = l.findVarHandle(LoopStats.class, "steps", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The next call id (its carrier only): ids are reserved from the runtime a block at a time. */
    final long nextCallId(AsysRuntime runtime) {
        if (nextCallId == callIdEnd) {
            int block = runtime.tracer == null ? CALL_ID_BLOCK : 1;
            nextCallId = runtime.reserveCallIds(block);
            callIdEnd = nextCallId + block;
        }
        return nextCallId++;
    }

    final void step(byte kind) {
        stepKind = kind;
        STEPS.setOpaque(this, steps + 1);
    }

    /** Loop steps begun so far (a recent value). */
    final long steps() { return (long) STEPS.getOpaque(this); }

    /** What the current step runs: "call", "handler" or "task" (a recent value). */
    final String stepKind() {
        byte k = stepKind;
        return k == CALL ? "call" : k == HANDLER ? "handler" : "task";
    }

    /** One more QUICK call (its carrier only). */
    final void countQuick() { QUICK_CALLS.setOpaque(this, quickCalls + 1); }

    /** QUICK calls so far (a recent value). */
    final long quickCalls() { return (long) QUICK_CALLS.getOpaque(this); }
}

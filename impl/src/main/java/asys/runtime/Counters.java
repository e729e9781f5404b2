package asys.runtime;

import java.util.concurrent.atomic.LongAdder;

/**
 * Read-only counters: how calls went and what threads exist. {@code identitiesOpen}: identities
 * made and whose loop has not ended yet (a closed identity counts until its last call is delivered).
 * {@code stalls}: loops held past the stall threshold (see {@link RuntimeBuilder#stallThreshold}).
 * {@code stepFailures}: steps of the runtime's own code that failed (an {@code Error} such as a
 * stack overflow, or a trace sink that threw) and were undone or completed, each reported to
 * the uncaught-error handler. {@code sparesAllocated}: threads started by Allocate for calls
 * that found their pool empty; {@code keepAliveExits}: idle spares that exited on their
 * keep-alive (see {@link RuntimeBuilder#spareKeepAlive}).
 *
 * @param quick calls that returned QUICK
 * @param inProgress calls that returned IN_PROGRESS
 * @param eagain calls that returned EAGAIN
 * @param hookFires hooks fired
 * @param sparesAllocated threads started by Allocate
 * @param threadsAlive threads of the runtime alive now
 * @param sparesPooled idle spares in the pools now
 * @param ownerViolations calls made from a thread that does not carry their identity
 * @param identitiesOpen identities whose loop has not ended
 * @param stalls loops held past the stall threshold
 * @param stepFailures steps of the runtime's own code that failed and were undone or completed
 * @param keepAliveExits idle spares that exited on their keep-alive
 */
public record Counters(long quick, long inProgress, long eagain, long hookFires, long sparesAllocated,
                       int threadsAlive, int sparesPooled, int ownerViolations, int identitiesOpen, long stalls,
                       long stepFailures, long keepAliveExits) {

    /** The live adders behind a snapshot. */
    static final class Live {
        /** QUICK calls of the identities that have ended (the live ones count their own). */
        final LongAdder quick = new LongAdder();
        final LongAdder inProgress = new LongAdder();
        final LongAdder eagain = new LongAdder();
        final LongAdder hookFires = new LongAdder();
        final LongAdder sparesAllocated = new LongAdder();
        final LongAdder stalls = new LongAdder();
        final LongAdder keepAliveExits = new LongAdder();

        Counters snapshot(long liveQuick, int alive, int pooled, int violations, int identitiesOpen, long stepFailures) {
            return new Counters(quick.sum() + liveQuick, inProgress.sum(), eagain.sum(), hookFires.sum(),
                    sparesAllocated.sum(), alive, pooled, violations, identitiesOpen, stalls.sum(), stepFailures,
                    keepAliveExits.sum());
        }
    }
}

package asys.runtime;

import java.util.concurrent.atomic.LongAdder;

/**
 * Read-only counters: how calls went and what threads exist. {@code identitiesOpen}: identities
 * made and whose loop has not ended yet (a closed identity counts until its last call is delivered).
 * {@code stalls}: loops held past the stall threshold (see {@link RuntimeBuilder#stallThreshold}).
 * {@code stepFailures}: steps of the runtime's own code that failed (an {@code Error} such as a
 * stack overflow, or a trace sink that threw) and were undone or completed, each reported to
 * the uncaught-error handler.
 */
public record Counters(long quick, long inProgress, long eagain, long hookFires, long sparesAllocated,
                       int threadsAlive, int sparesPooled, int ownerViolations, int identitiesOpen, long stalls,
                       long stepFailures) {

    /** The live adders behind a snapshot. */
    static final class Live {
        /** QUICK calls of the identities that have ended (the live ones count their own). */
        final LongAdder quick = new LongAdder();
        final LongAdder inProgress = new LongAdder();
        final LongAdder eagain = new LongAdder();
        final LongAdder hookFires = new LongAdder();
        final LongAdder sparesAllocated = new LongAdder();
        final LongAdder stalls = new LongAdder();

        Counters snapshot(long liveQuick, int alive, int pooled, int violations, int identitiesOpen, long stepFailures) {
            return new Counters(quick.sum() + liveQuick, inProgress.sum(), eagain.sum(), hookFires.sum(),
                    sparesAllocated.sum(), alive, pooled, violations, identitiesOpen, stalls.sum(), stepFailures);
        }
    }
}

package asys.runtime;

/**
 * What {@code submit} decided for a call (the spec's {@code outcome}).
 * <ul>
 *   <li>{@link #PENDING}: submitted, not yet run by its loop.</li>
 *   <li>{@link #QUICK}: finished inline without blocking; its handler ran at once; no completion.</li>
 *   <li>{@link #IN_PROGRESS}: it blocked (the hook fired) or a state machine took it; exactly one
 *       completion follows, delivered by the loop.</li>
 *   <li>{@link #EAGAIN}: not done, see {@link EagainReason}; its handler ran at once.</li>
 * </ul>
 */
public enum Outcome {
    /** Submitted, not yet run by its loop. */
    PENDING,
    /** Finished inline without blocking; no completion. */
    QUICK,
    /** Blocked, or a state machine runs on: one completion follows. */
    IN_PROGRESS,
    /** Not done; see {@link EagainReason}. */
    EAGAIN
}

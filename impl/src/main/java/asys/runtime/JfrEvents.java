package asys.runtime;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * The runtime's JFR events, besides the stall's ({@code asys.Stall}, see {@link StallWatchdog}):
 * recorded only while a JFR recording enables them, and never on the fast path (a QUICK call
 * records nothing; a call that blocks records its HookFire, an instant, and its time off the
 * loop, {@code asys.BlockedCall}, from HookFire to WorkerFinish). Writing one can
 * fail (no memory) only after its step has completed, so a failure is ignored: an event is a
 * diagnostic, not part of the step.
 */
final class JfrEvents {

    private JfrEvents() {}

    /** A hook fire: the call blocked, and its identity went to the spare. */
    @Name("asys.HookFire")
    @Label("Hook fire")
    @Category("asys")
    @Description("A call blocked: its thread's hook handed the identity (the loop) to the reserved spare")
    static final class HookFireEvent extends Event {
        @Label("Thread") int thread;
        @Label("Spare") int spare;
        @Label("Identity") int identity;
        @Label("Call") long call;
        @Label("Site") String site;
    }

    /** Records HookFire, once its step is done. */
    static void hookFire(int thread, int spare, int identity, long call, String site) {
        try {
            HookFireEvent e = new HookFireEvent();
            if (!e.shouldCommit()) return;
            e.thread = thread;
            e.spare = spare;
            e.identity = identity;
            e.call = call;
            e.site = site == null ? "Blocking" : site;
            e.commit();
        } catch (Throwable ignored) {
            // a diagnostic only: the hook fire itself is complete
        }
    }

    /** A call's life off the loop: from its HookFire to its WorkerFinish, on the thread that blocked. */
    @Name("asys.BlockedCall")
    @Label("Blocked call")
    @Category("asys")
    @Description("A call that blocked, from its hook fire to its completion being posted by the worker that finished it")
    static final class BlockedCallEvent extends Event {
        @Label("Thread") int thread;
        @Label("Identity") int identity;
        @Label("Call") long call;
        @Label("Site") String site;
        @Label("Failed") boolean failed;
        @Label("Error") String error;
    }

    /** Begins the blocked call's event at HookFire, or returns null when no recording wants it. */
    static BlockedCallEvent blockedCallBegins(int thread, int identity, long call, String site) {
        try {
            BlockedCallEvent e = new BlockedCallEvent();
            if (!e.isEnabled()) return null;
            e.begin();
            e.thread = thread;
            e.identity = identity;
            e.call = call;
            e.site = site == null ? "Blocking" : site;
            return e;
        } catch (Throwable ignored) {
            return null;
        }
    }

    /** Ends and records it at WorkerFinish, once the completion is posted. */
    static void blockedCallEnds(BlockedCallEvent e, Throwable error) {
        if (e == null) return;
        try {
            e.end();
            if (!e.shouldCommit()) return;
            e.failed = error != null;
            e.error = error == null ? null : error.getClass().getName();
            e.commit();
        } catch (Throwable ignored) {
            // a diagnostic only: the completion is posted
        }
    }
}

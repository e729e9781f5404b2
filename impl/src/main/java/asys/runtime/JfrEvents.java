package asys.runtime;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * The runtime's JFR events, besides the stall's ({@code asys.Stall}, see {@link StallWatchdog}):
 * recorded only while a JFR recording enables them, and never on the fast path. Writing one can
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
}

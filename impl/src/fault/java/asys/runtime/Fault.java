package asys.runtime;

import java.util.Set;

/**
 * The fault build's switches: deliberate mistakes, for the conformance suite's teeth. Each (but
 * five, see {@link #POST_NOT_FAILURE_ATOMIC}, {@link #RECORD_REUSED_IN_FLIGHT},
 * {@link #HOT_SPARE_LOSES_WAKEUP}, {@link #TASK_LOST_AT_CLOSE} and {@link #NO_STACK_PROBE}) is the twin of a broken
 * variant of the spec (the same name as the spec's constant Fault) and must be caught by trace
 * validation or by a property.
 * Chosen with {@code -Dasys.fault=NAME}. This class is not in the production jar: the build
 * compiles the runtime again with it in place of the production {@code Fault} (whose switches
 * are constants, all off) into {@code impl/target/fault-classes}, the class path the teeth tests
 * give the JVMs they start.
 */
final class Fault {

    static final Set<String> NAMES = Set.of("none", "NoHookCheck", "HookKeptOnFastPath", "QuickPosts",
            "AwaitNotAtomic", "PoolBeforePost", "HookKeptAtFire", "PostNotFailureAtomic", "KeepAliveRacesReserve",
            "HeldSpareShared", "RecordReusedInFlight", "HotSpareLosesWakeup", "TaskLostAtClose", "NoStackProbe");

    static final String NAME = System.getProperty("asys.fault", "none");

    static {
        if (!NAMES.contains(NAME)) {
            throw new IllegalArgumentException("-Dasys.fault=" + NAME + " is not one of " + NAMES);
        }
    }

    /** The finishing thread does not check its hook: a worker takes the inline return path. */
    static final boolean NO_HOOK_CHECK = NAME.equals("NoHookCheck");
    /** CompleteInline leaves the hook set. */
    static final boolean HOOK_KEPT_ON_FAST_PATH = NAME.equals("HookKeptOnFastPath");
    /** A QUICK call's completion is also posted. */
    static final boolean QUICK_POSTS = NAME.equals("QuickPosts");
    /** Await checks the queue, lets go of its lock, then sleeps without checking again. */
    static final boolean AWAIT_NOT_ATOMIC = NAME.equals("AwaitNotAtomic");
    /** HookFire does not clear the hook: the worker's next block fires it again. */
    static final boolean HOOK_KEPT_AT_FIRE = NAME.equals("HookKeptAtFire");
    /** A post whose step fails partway is neither undone nor completed: the error escapes and the
     *  completion is lost. The spec has no failing steps, so this one has no twin there: the
     *  error-injection test's ledger is what must catch it. */
    static final boolean POST_NOT_FAILURE_ATOMIC = NAME.equals("PostNotFailureAtomic");
    /** The worker goes back to its pool before it posts its completion. */
    static final boolean POOL_BEFORE_POST = NAME.equals("PoolBeforePost");
    /** An idle spare's keep-alive exit does not take it out of its pool first: it races a reservation. */
    static final boolean KEEP_ALIVE_RACES_RESERVE = NAME.equals("KeepAliveRacesReserve");
    /** The spare an identity keeps between its calls is also left in its lane's pool, where
     *  another caller may take it while the identity counts on it. */
    static final boolean HELD_SPARE_SHARED = NAME.equals("HeldSpareShared");

    /** The loop reuses an execute-form call's record for its next call as soon as the call
     *  blocks, while its worker still runs it. The spec has no records, so this one has no twin
     *  there: the worker then finishes and posts another call, which trace validation rejects. */
    static final boolean RECORD_REUSED_IN_FLIGHT = NAME.equals("RecordReusedInFlight");
    /** Waking a parked spare to spin (the hot spare) takes its parking flag but does not unpark
     *  it: the spare sleeps on, and the HookFire that hands it an identity, finding the flag
     *  taken, does not wake it either. The spec has no parks, so this one has no twin there: the
     *  runner's liveness checks (NeverStalls, ExactlyOneOutcome) must catch it. */
    static final boolean HOT_SPARE_LOSES_WAKEUP = NAME.equals("HotSpareLosesWakeup");
    /** A task queued from another thread ({@code execute(task)}, and so {@code submit(call)} off
     *  the loop) is not looked at again after it is queued: a close that came in after its check
     *  may have let the loop end with the queue empty, and the task then neither runs nor is
     *  refused. The spec has no tasks, so this one has no twin there: {@code CloseRaceMain}'s
     *  ExactlyOneOutcome must catch it. */
    static final boolean TASK_LOST_AT_CLOSE = NAME.equals("TaskLostAtClose");
    /** HookFire does not make sure of the stack its handoff needs before its point of no return
     *  (no {@code reserveStack}): a call that blocks at the edge of its stack overflows partway
     *  through its handoff, which leaves its identity with no carrier. The spec has no stacks, so
     *  this one has no twin there: {@code StackEdgeMain}'s ExactlyOneOutcome must catch it. */
    static final boolean NO_STACK_PROBE = NAME.equals("NoStackProbe");
    /** With {@code -Dasys.fault.wideCloseWindow=true} (beside any fault, or none): a task's queueing
     *  waits a moment after its check of a close, so that a close lands in between. Not a mistake:
     *  the control run meets the race the runtime must handle. */
    static final boolean WIDE_CLOSE_WINDOW = Boolean.getBoolean("asys.fault.wideCloseWindow");
    private Fault() {}

    /** Widens a faulty window so that a test meets it (fault builds only). */
    static void pause() {
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

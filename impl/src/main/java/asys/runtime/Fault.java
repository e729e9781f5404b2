package asys.runtime;

/**
 * The switches of the runtime's deliberate mistakes, for the conformance suite's teeth: in this,
 * the production build, constants, all off, so that javac leaves the faulty branches out of the
 * jar and nothing reads a system property. The fault build compiles the runtime again with the
 * twin of this class in {@code impl/src/fault/java}, whose switches {@code -Dasys.fault=NAME}
 * turns on one at a time (each named there and after the spec's broken variant it mirrors).
 */
final class Fault {

    /** The finishing thread does not check its hook: a worker takes the inline return path. */
    static final boolean NO_HOOK_CHECK = false;
    /** CompleteInline leaves the hook set. */
    static final boolean HOOK_KEPT_ON_FAST_PATH = false;
    /** A QUICK call's completion is also posted. */
    static final boolean QUICK_POSTS = false;
    /** Await checks the queue, lets go of its lock, then sleeps without checking again. */
    static final boolean AWAIT_NOT_ATOMIC = false;
    /** HookFire does not clear the hook: the worker's next block fires it again. */
    static final boolean HOOK_KEPT_AT_FIRE = false;
    /** A post whose step fails partway is neither undone nor completed. */
    static final boolean POST_NOT_FAILURE_ATOMIC = false;
    /** The worker goes back to its pool before it posts its completion. */
    static final boolean POOL_BEFORE_POST = false;
    /** An idle spare's keep-alive exit does not take it out of its pool first: it races a reservation. */
    static final boolean KEEP_ALIVE_RACES_RESERVE = false;
    /** The spare an identity keeps between its calls is also left in its lane's pool. */
    static final boolean HELD_SPARE_SHARED = false;

    /** The loop reuses an execute-form call's record for its next call as soon as the call blocks. */
    static final boolean RECORD_REUSED_IN_FLIGHT = false;
    /** Waking a parked spare to spin takes its parking flag but does not unpark it. */
    static final boolean HOT_SPARE_LOSES_WAKEUP = false;
    /** A task queued from another thread as its identity closes is not looked at again. */
    static final boolean TASK_LOST_AT_CLOSE = false;
    /** HookFire does not make sure of the stack its handoff needs before its point of no return. */
    static final boolean NO_STACK_PROBE = false;
    /** Widens the window between a task's check of a close and its queueing (not a mistake: the
     *  control run meets the race too). */
    static final boolean WIDE_CLOSE_WINDOW = false;
    private Fault() {}

    /** Widens a faulty window in the fault build; never called in this one (its callers sit behind
     *  switches that are off, and javac leaves them out). */
    static void pause() { }
}

package asys.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The trace format: every event a runtime with a {@link TraceSink} writes, each with its fields
 * in the order {@link Tracer#emit} takes their values. This list is the format's one definition:
 * the runtime's tracer writes it, the trace validator (asys-model-check) reads the actions and
 * the required fields from it, and a test holds it to the spec's {@code Next}. Every action but
 * {@link #Layout} is the spec action of the same name (spec/Asys.tla), taken by the runtime's
 * method of the same name in lower camel case ({@code HookFire}: {@code KThread.hookFire}).
 *
 * <p>An event is one JSON object a line: {@code {"seq":N,"action":"A",field:value,...}}; a field
 * whose value is absent is left out. A field marked with {@code ?} below is optional: the trace
 * spec does without it.
 */
public enum TraceAction {
    /** The runtime's layout, first in every trace (written by {@link AsysRuntime#traceLayout}). */
    Layout(),
    /** A call enters the runtime: over the limit, a spare reserved, ATOMIC with no spare, or to the allocator. */
    Submit("thread", "identity?", "call", "lane?", "flags", "spare?", "outcome?", "reason?"),
    /** The allocator gives the call a new thread as its spare, or one that came back to its pool while
     *  the allocator waited ({@code pooled}), or the supply is exhausted (EAGAIN). */
    Allocate("thread", "call", "spare?", "outcome?", "reason?", "pooled?"),
    /** Starting a thread failed with the supply not exhausted: the call gets EAGAIN (NO_SPARE). */
    AllocateFails("thread", "call", "outcome?", "reason?"),
    /** The call returned on its caller's stack: QUICK; the hook cleared, the spare kept by the identity. */
    CompleteInline("thread", "call", "spare?", "outcome?", "hook?"),
    /** NONBLOCK would block (EAGAIN), or a state machine is still running (IN_PROGRESS). */
    WouldBlock("thread", "call", "spare?", "outcome?", "hook?"),
    /** The call blocks: its identity goes to the spare; the blocked thread is a worker now. */
    HookFire("thread", "spare", "identity?", "call", "hook?", "via?", "site?"),
    /** The spare that took over reaches user code with IN_PROGRESS. */
    ReturnToUser("thread", "identity?", "call?"),
    /** A worker blocks again (no hook fires: it is clear). */
    WorkerBlock("thread", "call?", "via?", "site?"),
    /** A worker wakes from a block. */
    WorkerWake("thread", "call?"),
    /** A worker posts its call's completion and goes back to its pool (or exits). */
    WorkerFinish("thread", "identity?", "call"),
    /** A state machine completes: its completion is posted, from whatever thread completed it. */
    MachineComplete("thread?", "identity?", "call"),
    /** The loop sleeps with calls outstanding. */
    Await("thread", "identity?"),
    /** The loop wakes from Await with nothing posted (a task came). */
    AwaitInterrupted("thread", "identity?"),
    /** The loop takes one completion. */
    Reap("thread", "identity?", "call"),
    /** An identity is closed: it takes no new tasks or calls. */
    Close("identity"),
    /** The runtime is closed: no new identities. */
    CloseRuntime(),
    /** A pooled thread is taken out of its pool and told to exit (the runtime is closing). */
    PoolExit("thread", "lane?"),
    /** A closed identity's loop ends, every call of it delivered; its carrier goes to its pool. */
    IdentityEnd("thread", "identity"),
    /** A pooled spare idle past its keep-alive leaves its pool, above its floor, and exits. */
    KeepAliveExit("thread", "lane?"),
    /** The identity's loop goes idle and gives back the spare it kept: to its pool, or it exits. */
    SpareRelease("thread", "identity?", "spare", "lane?");

    private final List<String> fields;
    private final List<String> required;

    TraceAction(String... fields) {
        List<String> all = new ArrayList<>(), req = new ArrayList<>();
        for (String f : fields) {
            boolean optional = f.endsWith("?");
            String name = optional ? f.substring(0, f.length() - 1) : f;
            all.add(name);
            if (!optional) req.add(name);
        }
        this.fields = Collections.unmodifiableList(all);
        this.required = Collections.unmodifiableList(req);
    }

    /**
     * The event's fields, in the order the tracer takes their values.
     *
     * @return the field names
     */
    public List<String> fields() { return fields; }

    /**
     * The fields every event of this action must have: the ones the trace spec reads.
     *
     * @return the required field names
     */
    public List<String> required() { return required; }

    /**
     * Whether this is a step of the spec ({@link #Layout} is the trace's start, not a step).
     *
     * @return true for the spec's actions
     */
    public boolean isSpecAction() { return this != Layout; }

    /**
     * The runtime's method that takes this step: the name in lower camel case.
     *
     * @return the method's name
     */
    public String methodName() { return Character.toLowerCase(name().charAt(0)) + name().substring(1); }
}

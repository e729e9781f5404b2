package asys.runtime;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * An identity: an event loop, carried by exactly one runtime thread at a time (the spec's
 * {@code Identity}). From any thread, {@link #submit(Call)} runs a call on the loop and returns
 * its future; {@link #execute} runs a task there. Each call runs inline on the loop's thread.
 * When a call blocks (anywhere in the JDK with the automatic hook, or through {@link Blocking}),
 * the thread's hook hands the loop to a reserved spare thread, which goes on with the loop's
 * other work; the blocked thread finishes the call as a worker and posts its completion.
 *
 * <p>What runs where: tasks, handlers and a call's code up to its first block run on the loop,
 * one at a time; a call's code after its first block runs on a worker, concurrently with the
 * loop; a handler, and a future's dependent stage given the identity as executor
 * ({@code thenAcceptAsync(f, identity)}), always on the loop. {@link #submit(int, Call, CompletionHandler)},
 * the handler form, is for code on the loop (tasks and handlers) that wants the outcome itself
 * (QUICK, IN_PROGRESS, EAGAIN) and the call's handle; {@link #execute(int, Call, OutcomeHandler)},
 * the execute form, for the same code when it needs no handle: a quick call of that form makes
 * no object.
 *
 * <p>The loop itself (its queues and steps) is {@link IdentityLoop}'s.
 */
public final class Identity extends IdentityLoop implements Executor, AutoCloseable {

    Identity(int id, String name, AsysRuntime runtime, Lane lane) {
        super(id, name, runtime, lane);
    }

    /**
     * The id used in traces ({@code identity}).
     *
     * @return the id
     */
    public int id() { return id; }

    /**
     * The name given at {@link AsysRuntime#newIdentity}.
     *
     * @return the name
     */
    public String name() { return name; }

    /**
     * The identity whose loop the current thread runs: in a task, a handler, or a call's code
     * before its first block. Null anywhere else, a call's code after it blocked included (it
     * runs on a worker then, concurrently with the loop).
     *
     * @return the current loop's identity, or null
     */
    public static Identity current() {
        KThread k = KThread.current();
        return k == null ? null : k.carrying;
    }

    /**
     * Whether the current thread runs this loop now (see {@link #current()}): the test for code
     * that touches state belonging to the loop.
     *
     * @return true on this loop
     */
    public boolean isOnLoop() { return current() == this; }

    /**
     * Runs {@code task} on this loop (from any thread).
     *
     * @param task what to run on the loop
     * @throws RejectedExecutionException once this identity or its runtime is closed
     */
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (refusesCalls()) throw closedToTasks();
        if (Fault.WIDE_CLOSE_WINDOW) Fault.pause();   // (fault build: a close lands here)
        tasks.add(task);
        // A close between the check and the add may have let the loop end with the queue empty,
        // and then nothing would run the task: taken back and refused if the loop has not taken
        // it. (Either way the task has one fate: it runs, or its submitter is told it will not.)
        if (!Fault.TASK_LOST_AT_CLOSE && refusesCalls() && tasks.remove(task)) throw closedToTasks();
        if (!isCarrier(Thread.currentThread())) completions.wake();
    }

    private RejectedExecutionException closedToTasks() {
        return new RejectedExecutionException("identity " + name + " is closed: it takes no new tasks");
    }

    /**
     * Runs {@code call} on this loop, from any thread; see {@link #submit(int, Call)}.
     *
     * @param <T> the call's result type
     * @param call the call's code
     * @return the call's result
     */
    public <T> CompletableFuture<T> submit(Call<T> call) { return submit(CallFlags.NONE, call); }

    /**
     * Runs {@code call} on this loop with no value; see {@link #submit(int, Call)}.
     *
     * @param call the call's code
     * @return completes (with null) when the call has returned
     */
    public CompletableFuture<Void> submit(VoidCall call) {
        Objects.requireNonNull(call, "call");
        return submit(CallFlags.NONE, () -> { call.run(); return null; });
    }

    /**
     * Runs {@code call} on this loop, from any thread (a call's own code, before or after it
     * blocks, included): submitted at once when called on the loop, else at the loop's next task
     * boundary. The future completes, once the call has its one result, with its value, or
     * exceptionally with what it threw, or with a {@link CallRejectedException} for EAGAIN.
     *
     * @param <T> the call's result type
     * @param flags {@link CallFlags#NONBLOCK}, {@link CallFlags#ATOMIC}, both, or {@link CallFlags#NONE}
     * @param call the call's code
     * @return the call's result (see {@link CallHandle#future()})
     * @throws RejectedExecutionException once this identity or its runtime is closed
     * @throws IllegalArgumentException for unknown flag bits
     */
    public <T> CompletableFuture<T> submit(int flags, Call<T> call) {
        Objects.requireNonNull(call, "call");
        return CallSteps.submitForFuture(this, flags, call, null);
    }

    /**
     * Runs a call with an explicit completion state machine (see {@link StageCall}) from any
     * thread; as {@link #submit(int, Call)} otherwise.
     *
     * @param <T> the call's result type
     * @param flags {@link CallFlags#NONBLOCK}, {@link CallFlags#ATOMIC}, both, or {@link CallFlags#NONE}
     * @param call starts the state machine
     * @return the call's result
     */
    public <T> CompletableFuture<T> submitStage(int flags, StageCall<T> call) {
        Objects.requireNonNull(call, "call");
        return CallSteps.submitForFuture(this, flags, null, call);
    }

    /**
     * Submits {@code call} with no flags; see {@link #submit(int, Call, CompletionHandler)}.
     *
     * @param <T> the call's result type
     * @param call the call's code
     * @param handler gets the call's one result on this loop
     * @return the call's handle
     */
    public <T> CallHandle<T> submit(Call<T> call, CompletionHandler<T> handler) {
        return submit(CallFlags.NONE, call, handler);
    }

    /**
     * Submits a call from a task or a handler running on this loop, with a handler for its
     * outcome. The call runs inline on this loop's thread right after the task returns;
     * {@code handler} then gets its one result on this loop (QUICK or EAGAIN at once,
     * IN_PROGRESS from the completion queue).
     *
     * @param <T> the call's result type
     * @param flags {@link CallFlags#NONBLOCK}, {@link CallFlags#ATOMIC}, both, or {@link CallFlags#NONE}
     * @param call the call's code
     * @param handler gets the call's one result on this loop
     * @return the call's handle
     * @throws NullPointerException naming {@code call} or {@code handler} when null
     * @throws IllegalArgumentException for unknown flag bits
     * @throws IllegalStateException when not called from a task or a handler of this loop (a
     *     call's code included, before it blocks as after: use {@link #submit(int, Call)}), or
     *     once it or its runtime is closed
     */
    public <T> CallHandle<T> submit(int flags, Call<T> call, CompletionHandler<T> handler) {
        Objects.requireNonNull(call, "call");
        return enqueue(flags, call, null, handler);
    }

    /**
     * Submits a call with an explicit completion state machine (see {@link StageCall}); as
     * {@link #submit(int, Call, CompletionHandler)} otherwise.
     *
     * @param <T> the call's result type
     * @param flags {@link CallFlags#NONBLOCK}, {@link CallFlags#ATOMIC}, both, or {@link CallFlags#NONE}
     * @param call starts the state machine
     * @param handler gets the call's one result on this loop
     * @return the call's handle
     */
    public <T> CallHandle<T> submitStage(int flags, StageCall<T> call, CompletionHandler<T> handler) {
        Objects.requireNonNull(call, "call");
        return enqueue(flags, null, call, handler);
    }

    /**
     * Submits {@code call} with no flags; see {@link #execute(int, Call, OutcomeHandler)}.
     *
     * @param <T> the call's result type
     * @param call the call's code
     * @param handler gets the call's one outcome on this loop
     */
    public <T> void execute(Call<T> call, OutcomeHandler<? super T> handler) {
        execute(CallFlags.NONE, call, handler);
    }

    /**
     * Submits a call from a task or a handler running on this loop, with no handle: as
     * {@link #submit(int, Call, CompletionHandler)}, but {@code handler} is given the outcome,
     * value and error themselves, and nothing else refers to the call. So the loop runs a quick
     * call of this form in a record it reuses, and makes no object for it.
     *
     * @param <T> the call's result type
     * @param flags {@link CallFlags#NONBLOCK}, {@link CallFlags#ATOMIC}, both, or {@link CallFlags#NONE}
     * @param call the call's code
     * @param handler gets the call's one outcome on this loop
     * @throws NullPointerException naming {@code call} or {@code handler} when null
     * @throws IllegalArgumentException for unknown flag bits
     * @throws IllegalStateException as {@link #submit(int, Call, CompletionHandler)}
     */
    public <T> void execute(int flags, Call<T> call, OutcomeHandler<? super T> handler) {
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(handler, "handler");
        CallFlags.check(flags);
        checkSubmitter("execute(call, handler)");
        queue(flags, call, handler);
    }

    /** The handler form's Submit, on the loop: the call is queued to run after the current step. */
    <T> CallRecord<T> enqueue(int flags, Call<T> call, StageCall<T> stage, CompletionHandler<T> handler) {
        Objects.requireNonNull(handler, "handler");
        CallFlags.check(flags);
        checkSubmitter("submit(call, handler)");
        return queue(flags, call, stage, handler);
    }

    /** The forms with a handler are for a task or a handler of this loop, while it takes calls. */
    private void checkSubmitter(String form) {
        KThread k = carrier();
        if (k == null || k.thread != Thread.currentThread()) {
            throw new IllegalStateException(form + " must be called from a task or a handler on identity "
                    + name + "'s loop; from any other thread use submit(call), which returns a CompletableFuture");
        }
        if (k.inBody) {
            throw new IllegalStateException(form + " is refused in a call's code (which runs off the loop"
                    + " once it blocks): use submit(call), which returns a CompletableFuture, or execute(task)");
        }
        if (refusesCalls()) {
            throw new IllegalStateException("identity " + name + " is closed: it takes no new calls");
        }
    }

    /** Close: stops new tasks and calls; the loop ends once every call in flight has had its outcome. */
    @Override
    public void close() {
        try {
            Tracer.step(runtime.tracer, Identity::close, this, null, null, null);
        } catch (Throwable t) {
            closing = true;
            runtime.reporter.stepFailed("Close", "identity " + id + " is closed all the same", t);
        }
        completions.wake();
    }

    /** Close's step: the flag and the event together (the loop's end reads the flag). */
    private static Void close(Identity u, Object a, Object b, Object c, Tracer tr) {
        if (u.closing) return null;
        u.closing = true;
        if (tr != null) tr.emit(TraceAction.Close, u.id);
        return null;
    }

    /**
     * Whether {@link #close} was called (on this identity, or by its runtime's close).
     *
     * @return true once closed
     */
    public boolean isClosed() { return closing; }

    /**
     * Completes when the loop has ended after {@link #close}; the runtime alone completes it
     * (cancel and complete are refused, see {@link CallHandle#future()}).
     *
     * @return the loop's end
     */
    public CompletableFuture<Void> ended() { return ended; }

    @Override
    public String toString() { return "Identity " + id + " (" + name + ")"; }
}

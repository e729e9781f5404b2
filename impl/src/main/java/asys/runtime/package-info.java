/**
 * The asys runtime: event loops ({@link asys.runtime.Identity}) that run blocking calls inline on
 * their own thread and hand the loop to a reserved spare thread when a call blocks. Build one with
 * {@link asys.runtime.AsysRuntime#builder()}.
 *
 * <h2>Implementation overview</h2>
 *
 * <p>The runtime is the spec (spec/Asys.tla) in Java: each action of the spec's {@code Next} is
 * a method of the same name in lower camel case, and each writes the trace event of that name
 * ({@link asys.runtime.TraceAction}, the trace format's one definition). The classes, one concern
 * each:
 * <ul>
 *   <li>{@link asys.runtime.Identity}: the loop's API (execute a task, submit for a future or
 *       with a handler, execute a call with an {@link asys.runtime.OutcomeHandler}, close);
 *       {@code IdentityLoop}, its superclass: the loop itself (its queues, the owner check,
 *       SpareRelease, IdentityEnd, identity-local values); {@code SubmissionQueue}: the calls
 *       submitted and not yet run (records, or an execute-form call's parts in arrays); {@link asys.runtime.IdentityLocal}:
 *       values that move with an identity from carrier to carrier.</li>
 *   <li>{@code CallSteps}: one call's steps (Submit, Allocate, AllocateFails, CompleteInline,
 *       WouldBlock, WorkerFinish, MachineComplete), with the call's state machine at its top, and
 *       how a call submitted for a future reaches its loop (at once on the loop, else by a task);
 *       {@code CallRecord}: one call, its handle and its future ({@code RuntimeFuture}, which
 *       only the runtime completes, with the value, the call's error, or a
 *       {@link asys.runtime.CallRejectedException} for EAGAIN).</li>
 *   <li>{@code KThread}: a runtime thread, its states (the spec's, at its top), its hook, the
 *       steps a thread takes by itself (HookFire, ReturnToUser, WorkerBlock, WorkerWake), and
 *       its wait for work (spin, park; the hot spare).</li>
 *   <li>{@code CompletionQueue}: an identity's completions and its carrier's sleep (the posts,
 *       Reap, Await, AwaitInterrupted).</li>
 *   <li>{@code ThreadSupply} and {@code Lane}: the finite supply of threads, the lanes' pools,
 *       and the ends of threads (PoolExit, and KeepAliveExit: a spare idle past its keep-alive in a
 *       pool above its floor takes itself out of its slot with the same CAS a reservation's take
 *       makes, so whichever comes first has it).</li>
 *   <li>{@code Tracer}: the events, and {@code Tracer.step}, the one place that runs a step
 *       with its event under the tracer's monitor (tracing on) or plainly (off).</li>
 *   <li>{@code Reporter}: the uncaught-error handler and the count of failed steps;
 *       {@code JfrEvents}: the JFR events of a call that blocks, {@code asys.HookFire} and
 *       {@code asys.BlockedCall} (the stall's, {@code asys.Stall}, is the watchdog's).</li>
 *   <li>{@code LoopStats}: what a carrier counts (QUICK calls, loop steps, call ids), a
 *       superclass of {@code Identity}; {@code Fault}: the fault build's switches, constants
 *       that are off in this, the production build.</li>
 * </ul>
 *
 * <p><b>A step and its event.</b> With tracing on, a step's state change and its event are one
 * atomic step: the event is written under the tracer's monitor, after the change it records and
 * before any resource the step releases is visible to another thread (a spare goes back to its
 * pool inside the step that writes its event), so the order of sequence numbers is an order the
 * spec allows. HookFire writes its event first and then changes everything, under the monitor
 * throughout, so that a failed write leaves nothing changed. Every step is failure atomic: its own
 * code failing (an {@code Error}, a trace sink that throws) undoes it or completes it, and the
 * failure is reported (the points are listed in {@code Inject}).
 *
 * <p><b>Lock order</b>, outermost first; no lock is taken out of this order:
 * <ol>
 *   <li>an identity's completion lock ({@code CompletionQueue.lock}: posts, Reap, Await);</li>
 *   <li>the tracer's monitor (a step and its event);</li>
 *   <li>the thread supply's slots and its count of live threads (a thread started inside
 *       Allocate's step; close's wait takes the count's lock only between drains of the pools).</li>
 * </ol>
 * The pools ({@code Lane}) take no lock: a slot's CAS moves a thread in or out. The one exception
 * is KeepAliveExit, which holds its lane's monitor (inside the tracer's, when tracing) around its
 * look at the pool's size and its take, so that spares timing out together leave one at a time;
 * nothing is taken inside it.
 *
 * <p><b>Happens-before edges.</b> A task given to {@code execute} happens before it runs (a
 * concurrent queue). At HookFire the blocked thread's writes happen before the spare's first
 * step as the identity's carrier: the assignment is a volatile write that the parked spare reads
 * (the identity and the call it hands over are plain writes into the spare's fields before it),
 * then the owner's CAS. A thread given back to its pool happens before the step that takes it
 * (the slot's CAS). A post happens before the Reap that takes it (the completion lock). A call's
 * outcome and result are published by release stores that any thread's read of its handle
 * acquires. The counters are opaque: a recent value, exact once the runtime is closed.
 *
 * <p><b>User code and locks.</b> Tasks, handlers and calls' bodies run with no lock of the
 * runtime held. The {@link asys.runtime.TraceSink} runs inside the step it records: under the
 * tracer's monitor, and for Reap, Await, AwaitInterrupted, WorkerFinish and MachineComplete under
 * the identity's completion lock too. A sink must therefore not call into the runtime (execute,
 * submit, close, counters) and should not block: every step of every identity waits for it. A
 * sink that throws fails the step, which is undone or completed. The thread factory is called
 * inside Allocate's step; the uncaught-error handler is called outside the runtime's locks except
 * for failures inside a step (Allocate's, a park's), so it must not call into the runtime
 * either. The stall listener runs on the watchdog's thread with no lock held.
 *
 * <p><b>Fast path.</b> A call that does not block is Submit, its body, and CompleteInline. The
 * identity keeps the spare of its last call that did not block ({@code IdentityLoop.held}, the
 * spec's Held), so Submit reserves it and CompleteInline keeps it again with plain writes to the
 * carrier's own objects: no CAS, no lock, no shared counter (call ids come in blocks, QUICK calls
 * are counted per identity with opaque stores), and no completion. The lane's pool is touched (a
 * slot's CAS) only by the first call after the loop was idle, which then gives the spare back
 * (SpareRelease). With tracing off the only cost of the trace is a null check per step. A call of
 * the execute form allocates nothing either: it waits in its submission queue slot as its code,
 * its handler, and its id and flags in one entry ({@code SubmissionQueue}), and runs in the
 * loop's record, one for all such calls, which takes the next such call in place once the one it
 * carried was delivered on its caller's stack; its code and handler stay in their slot while it runs, and a quick call's
 * outcome, value and error go to its handler without being recorded (nothing else can read them:
 * the record stays PENDING), so that a quick call stores no reference but its submitter's two
 * into the queue (G1's write barrier puts a StoreLoad fence on each reference stored into an old
 * object from another region). A call that blocks keeps the record, its code and handler copied
 * into it by HookFire before the handoff (a worker and the completion queue hold it), and the
 * loop makes another. The steps of a call keep their rare paths (trace events, failures,
 * messages) in methods of their own, so that the JIT inlines a quick call's steps whole into one
 * compiled method ({@code CallSteps.run}), which the loop's step calls for each queued call.
 *
 * <p><b>The hot spare.</b> A waiting thread spins {@code spinBeforePark} after it becomes idle,
 * then parks. On a lane that hands over often ({@code Lane.hot}: two HookFires within the window,
 * the last within the window of now), the lane's {@code hotSpare} (the spare reserved or kept for
 * an identity's next call, else the last one pooled) spins on, a few microseconds at a time with
 * a yield in between; a parked spare that a Submit reserves on a hot lane is woken to spin by a
 * {@code SPIN} assignment, handed over through the same flag and unpark as real work, so that no
 * wake-up is lost and no permit is left for the work's own first park.
 */
package asys.runtime;

package asys.runtime;

import java.util.function.Consumer;

/**
 * Error injection points: one per step of the runtime, each at the place where the step's own
 * code can fail (a stack overflow entering a method, an allocation out of memory, a trace sink
 * that throws). A test build names an injector with {@code -Dasys.inject=CLASS}: a
 * {@code Consumer<String>} on the class path that receives the point's name and may throw any
 * {@link Throwable} there. The production jar holds no injector; with none named, {@link #ON}
 * is a static final false and the JIT removes every point: the fast path pays nothing.
 *
 * <p>What each step does when its point throws (the runtime's failure atomicity): the step is
 * undone and the failure reported, or it is completed and the failure reported; never an
 * identity with no carrier, a call with no custodian, or a thread counted that is gone. The
 * points, named by the spec's actions:
 * <ul>
 *   <li>{@link Point#Submit}: undone (the spare back where it was: kept by the identity, or in
 *       its pool); the call gets EAGAIN
 *       ({@link EagainReason#RUNTIME_ERROR}) with the error.</li>
 *   <li>{@link Point#Allocate}: the new thread is never started and its slot is freed; the call
 *       gets EAGAIN ({@link EagainReason#NO_SPARE}), as when the thread factory fails.</li>
 *   <li>{@link Point#Start}: a new thread dies before it runs the runtime's code (a thread
 *       factory's wrapper failing in its own set-up): a failed start, as for Allocate.</li>
 *   <li>{@link Point#HookFire}: undone; the error is thrown into the call's code at its blocking
 *       point, and the call, still on its caller's stack, ends inline (QUICK, with the error if the
 *       code lets it through).</li>
 *   <li>{@link Point#ReturnToUser}, {@link Point#CompleteInline}, {@link Point#WouldBlock},
 *       {@link Point#WorkerFinish}, {@link Point#MachineComplete}, {@link Point#Deliver},
 *       {@link Point#Park}, {@link Point#Close}: completed (the spare kept by the identity, the
 *       completion posted, the handler run, the thread pooled or ended, every thread told to
 *       exit).</li>
 *   <li>{@link Point#Reap}, {@link Point#Await}: undone (the completion back at the head of its
 *       queue); the loop goes on and takes the step again.</li>
 * </ul>
 */
final class Inject {

    /** The injection points, named by the step (the spec's action) they belong to. */
    enum Point { Submit, Allocate, Start, HookFire, ReturnToUser, CompleteInline, WouldBlock, WorkerFinish,
        MachineComplete, Reap, Deliver, Await, Park, Close }

    private static final Consumer<String> INJECTOR = load(System.getProperty("asys.inject"));

    /** An injector is installed: only then does any point do anything. */
    static final boolean ON = INJECTOR != null;

    private Inject() {}

    /** The point {@code p} is reached: the injector may throw here. */
    static void at(Point p) {
        if (ON) INJECTOR.accept(p.name());
    }

    @SuppressWarnings("unchecked")
    /** The injector {@code className} names; null for none (null or empty). */
    static Consumer<String> load(String className) {
        if (className == null || className.isEmpty()) return null;
        try {
            Class<?> c = Class.forName(className, true, ClassLoader.getSystemClassLoader());
            if (!Consumer.class.isAssignableFrom(c)) {
                throw new IllegalArgumentException("-Dasys.inject=" + className + " is not a java.util.function.Consumer<String>");
            }
            return (Consumer<String>) c.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("-Dasys.inject=" + className + ": cannot make the injector (" + e + ")", e);
        }
    }
}

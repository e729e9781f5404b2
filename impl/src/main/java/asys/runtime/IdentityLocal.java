package asys.runtime;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A value per identity, as a {@link ThreadLocal} is a value per thread: for state that belongs
 * to a loop. An identity's loop moves from thread to thread (at every hook fire the spare takes
 * it over), so a {@code ThreadLocal} set in a task may be gone in the next handler; an
 * identity-local value moves with the identity. Read and written only on the loop (a task, a
 * handler, or a call's code before its first block), where one thread at a time runs, so the
 * value needs no lock; each handoff of the loop is a happens-before edge.
 *
 * <pre>{@code
 * static final IdentityLocal<Map<String, String>> CACHE = IdentityLocal.withInitial(HashMap::new);
 * loop.execute(() -> CACHE.get().put("k", "v"));   // on the loop, whichever thread carries it
 * }</pre>
 *
 * <p>Off the loop (another thread, or a call's code after it blocked, which runs on a worker
 * concurrently with the loop) {@link #get} and {@link #set} throw {@link IllegalStateException}:
 * use {@link Identity#isOnLoop()} to tell, and hand work back with {@link Identity#execute}.
 *
 * @param <T> the value's type
 */
public final class IdentityLocal<T> {

    private static final AtomicInteger NEXT_INDEX = new AtomicInteger();

    /** This value's slot in every identity's table. */
    final int index = NEXT_INDEX.getAndIncrement();
    private final Supplier<? extends T> initial;

    private IdentityLocal(Supplier<? extends T> initial) { this.initial = initial; }

    /**
     * An identity-local value whose initial value is null.
     *
     * @param <T> the value's type
     * @return the new identity-local
     */
    public static <T> IdentityLocal<T> create() { return new IdentityLocal<>(() -> null); }

    /**
     * An identity-local value whose initial value on each identity comes from {@code initial},
     * called on the loop the first time the value is read there.
     *
     * @param <T> the value's type
     * @param initial makes the initial value
     * @return the new identity-local
     */
    public static <T> IdentityLocal<T> withInitial(Supplier<? extends T> initial) {
        return new IdentityLocal<>(Objects.requireNonNull(initial, "initial"));
    }

    /**
     * The value on the current loop's identity.
     *
     * @return the value
     * @throws IllegalStateException off the loop
     */
    @SuppressWarnings("unchecked")
    public T get() {
        Identity u = loop("get");
        Object v = u.local(index);
        if (v == null && !u.hasLocal(index)) {
            T made = initial.get();
            u.setLocal(index, made);
            return made;
        }
        return (T) v;
    }

    /**
     * Sets the value on the current loop's identity.
     *
     * @param value the value
     * @throws IllegalStateException off the loop
     */
    public void set(T value) { loop("set").setLocal(index, value); }

    /**
     * Forgets the value on the current loop's identity (the next {@link #get} makes it again).
     *
     * @throws IllegalStateException off the loop
     */
    public void remove() { loop("remove").removeLocal(index); }

    private static Identity loop(String op) {
        Identity u = Identity.current();
        if (u == null) {
            throw new IllegalStateException("IdentityLocal." + op + "() off any loop: it is read and written on a loop"
                    + " (a task, a handler, or a call's code before it blocks; after its first block a call runs on a worker,"
                    + " concurrently with the loop): hand the work to the loop with identity.execute");
        }
        return u;
    }
}

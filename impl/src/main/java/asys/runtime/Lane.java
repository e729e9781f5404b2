package asys.runtime;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A lane: the spec's CPU, with its pool of idle spare threads, which holds at most
 * {@code capacity} (PoolCap) and keeps {@code floor} (PoolFloor) through idle time.
 *
 * <p>The pool is an array of slots, each empty or holding one parked {@link KThread}. A take
 * CASes a slot from a thread to empty; a give CASes an empty slot to the thread. A thread is in a
 * slot exactly while it is Pooled, so there is no ABA problem, no lock and no allocation; a give
 * that finds every slot full fails, and the thread exits (spec: ParkedState, "the pool is full").
 *
 * <p>The pool is used as a stack: a give fills the slot above the highest one in use and a take
 * empties the highest, so the most recently pooled thread (the one most likely still spinning,
 * its cache warm) is taken first, and the threads low in the pool are the ones idle longest,
 * those whose keep-alive runs out ({@link ThreadSupply#keepAliveExit}). {@link #top} is where the
 * scans start: a hint, read and written without synchronisation, so that with a large capacity
 * a take or give looks at one or two slots, not all of them. A stale hint costs a longer scan,
 * never a wrong answer: a take reports an empty pool, and a give a full one, only after looking
 * at every slot.
 */
final class Lane {

    final int id;
    /** PoolFloor: a keep-alive exit never takes the pool below this many. */
    final int floor;
    private final AtomicReferenceArray<KThread> slots;
    /** One past the highest slot thought to be in use: a hint (see the class comment). */
    private int top;
    /** When an identity on this lane was last handed over (HookFire), and the time before, by
     *  {@link System#nanoTime}: a lane that handed over twice within the hot spare's window is hot
     *  for the window after the last (see {@link #hot}). Written by the thread that fires
     *  (several may, on several identities: hints, a stale value only moves the window). */
    private volatile long lastHandoff = Long.MIN_VALUE / 2;
    private long previousHandoff = Long.MIN_VALUE / 2;

    /** The pooled spare that spins while this lane is hot: the last to come back to the pool,
     *  which is the first a take finds (the pool is a stack). A plain hint: a stale read makes a
     *  thread spin a little longer or park a little sooner. */
    volatile KThread hotSpare;

    /** HookFire on this lane. */
    void handedOver() {
        long now = System.nanoTime();
        previousHandoff = lastHandoff;
        lastHandoff = now;
    }

    /**
     * Whether this lane blocks often: it handed over twice within {@code window} of each other,
     * the last time within {@code window} of now (0: never hot). One handoff after a quiet spell
     * does not make it hot; a loop that goes on handing over keeps it so; one that stops leaves
     * it cold a window later, and its spares park.
     */
    boolean hot(long window) {
        if (window == 0) return false;
        long last = lastHandoff;
        return last - previousHandoff < window && System.nanoTime() - last < window;
    }

    Lane(int id, int capacity, int floor) {
        this.id = id;
        this.floor = floor;
        this.slots = new AtomicReferenceArray<>(capacity);
    }

    int capacity() { return slots.length(); }

    /** Takes an idle spare, or returns null when the pool is empty: the highest slot in use
     *  first. The taker counts a use of the thread (see {@link KThread#uses}). */
    KThread take() {
        int n = slots.length(), h = Math.min(top, n);
        for (int i = h - 1; i >= 0; i--) {
            KThread t = slots.get(i);
            if (t != null && slots.compareAndSet(i, t, null)) return taken(t, i);
        }
        for (int i = h; i < n; i++) {   // the hint was stale: someone gave above it
            KThread t = slots.get(i);
            if (t != null && slots.compareAndSet(i, t, null)) return taken(t, i);
        }
        return null;
    }

    private KThread taken(KThread t, int i) {
        top = i;
        t.uses++;
        return t;
    }

    /** Takes {@code t} out of its slot, if it is still there (it may have been taken since). */
    boolean remove(KThread t) {
        for (int i = 0; i < slots.length(); i++) {
            if (slots.get(i) == t && slots.compareAndSet(i, t, null)) return true;
        }
        return false;
    }

    /** Puts an idle thread back; false when the pool is full. */
    boolean give(KThread t) {
        int n = slots.length(), h = Math.min(top, n);
        for (int i = h; i < n; i++) {
            if (slots.get(i) == null && slots.compareAndSet(i, null, t)) return given(i);
        }
        for (int i = h - 1; i >= 0; i--) {   // full above the hint: a hole below it
            if (slots.get(i) == null && slots.compareAndSet(i, null, t)) return given(i);
        }
        return false;
    }

    private boolean given(int i) {
        if (i >= top) top = i + 1;
        return true;
    }

    /** How many spares are parked now (a snapshot). */
    int pooled() {
        int n = 0;
        for (int i = 0; i < slots.length(); i++) if (slots.get(i) != null) n++;
        return n;
    }
}

package asys.runtime;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A lane: the spec's CPU, with its pool of idle spare threads (capacity {@code spareCapacity}).
 *
 * <p>The pool is an array of slots, each empty or holding one parked {@link KThread}. A take
 * CASes a slot from a thread to empty; a give CASes an empty slot to the thread. A thread is in a
 * slot exactly while it is Pooled, so there is no ABA problem, no lock and no allocation; a give
 * that finds every slot full fails, and the thread exits (spec: ParkedState, "the pool is full").
 */
final class Lane {

    final int id;
    private final AtomicReferenceArray<KThread> slots;

    Lane(int id, int capacity) {
        this.id = id;
        this.slots = new AtomicReferenceArray<>(capacity);
    }

    int capacity() { return slots.length(); }

    /** Takes an idle spare, or returns null when the pool is empty. From the top: a give fills the
     *  lowest empty slot, so the most recently pooled thread (the one most likely still spinning,
     *  its cache warm) is usually taken first. */
    KThread take() {
        for (int i = slots.length() - 1; i >= 0; i--) {
            KThread t = slots.get(i);
            if (t != null && slots.compareAndSet(i, t, null)) return t;
        }
        return null;
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
        for (int i = 0; i < slots.length(); i++) {
            if (slots.get(i) == null && slots.compareAndSet(i, null, t)) return true;
        }
        return false;
    }

    /** How many spares are parked now (a snapshot). */
    int pooled() {
        int n = 0;
        for (int i = 0; i < slots.length(); i++) if (slots.get(i) != null) n++;
        return n;
    }
}

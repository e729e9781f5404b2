package asys.runtime;

/**
 * An identity's submission queue: the calls submitted on its loop and not yet run, in order
 * (below the spec's grain: there a call is submitted at its Submit step). Carrier only. A call submitted for a handle or a future is its
 * {@link CallRecord}; one submitted with {@link Identity#execute(int, Call, OutcomeHandler)} is
 * its id, flags, code and handler in the ring's slots, with no object of its own: the loop gives
 * it a record when it runs it ({@link IdentityLoop}'s reusable record). A ring of parallel arrays
 * that doubles when full and never shrinks, as {@link java.util.ArrayDeque}.
 */
final class SubmissionQueue {

    /** Per slot: a CallRecord, or the execute form's Call. */
    private Object[] calls = new Object[16];
    /** Per slot: the execute form's OutcomeHandler; null for a record. */
    private OutcomeHandler<?>[] handlers = new OutcomeHandler<?>[16];
    /** Per slot, the execute form's: its flags and id. */
    private int[] flags = new int[16];
    private long[] ids = new long[16];
    /** The oldest slot, and how many are taken. */
    private int head, size;

    boolean isEmpty() { return size == 0; }

    /** Queues a call made for a handle or a future. */
    void add(CallRecord<?> x) {
        int i = slot();
        calls[i] = x;
    }

    /** Queues a call of the execute form. */
    void add(long id, int f, Call<?> call, OutcomeHandler<?> handler) {
        int i = slot();
        calls[i] = call;
        handlers[i] = handler;
        flags[i] = f;
        ids[i] = id;
    }

    private int slot() {
        if (size == calls.length) grow();
        int i = (head + size) & (calls.length - 1);
        size++;
        return i;
    }

    private void grow() {
        int n = calls.length, m = 2 * n;
        if (m < 0) throw new IllegalStateException("submission queue full");
        Object[] c = new Object[m];
        OutcomeHandler<?>[] h = new OutcomeHandler<?>[m];
        int[] f = new int[m];
        long[] d = new long[m];
        for (int k = 0; k < n; k++) {
            int j = (head + k) & (n - 1);
            c[k] = calls[j];
            h[k] = handlers[j];
            f[k] = flags[j];
            d[k] = ids[j];
        }
        calls = c;
        handlers = h;
        flags = f;
        ids = d;
        head = 0;
    }

    /**
     * Takes the oldest call: its record, or, for the execute form, {@code reusable} (or a new
     * record when null) filled with it. Null when empty.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    CallRecord<?> poll(Identity u, CallRecord<?> reusable) {
        if (size == 0) return null;
        int i = head;
        Object c = calls[i];
        OutcomeHandler h = handlers[i];
        calls[i] = null;
        handlers[i] = null;
        head = (i + 1) & (calls.length - 1);
        size--;
        if (h == null) return (CallRecord<?>) c;
        CallRecord x = reusable != null ? reusable : new CallRecord<>(u);
        x.reuse(ids[i], flags[i], (Call) c, h);
        return x;
    }
}

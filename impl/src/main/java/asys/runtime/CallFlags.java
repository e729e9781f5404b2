package asys.runtime;

/** Flags for {@link Identity#submit}: a bit set, so that passing them allocates nothing. */
public final class CallFlags {
    /** No flags. */
    public static final int NONE = 0;
    /** Return {@link Outcome#EAGAIN} ({@link EagainReason#WOULD_BLOCK}) instead of blocking. */
    public static final int NONBLOCK = 1;
    /** Never wait to get a spare: {@link Outcome#EAGAIN} ({@link EagainReason#NO_SPARE}) when the pool is empty. */
    public static final int ATOMIC = 2;

    static final int ALL = NONBLOCK | ATOMIC;

    private CallFlags() {}

    /** Refuses unknown bits, naming them. */
    static void check(int flags) {
        if ((flags & ~ALL) != 0) {
            throw new IllegalArgumentException("unknown call flags 0x" + Integer.toHexString(flags)
                    + " (use CallFlags.NONBLOCK, CallFlags.ATOMIC)");
        }
    }

    static String names(int flags) {
        StringBuilder sb = new StringBuilder();
        if ((flags & NONBLOCK) != 0) sb.append("NONBLOCK");
        if ((flags & ATOMIC) != 0) sb.append(sb.length() > 0 ? "," : "").append("ATOMIC");
        return sb.toString();
    }
}

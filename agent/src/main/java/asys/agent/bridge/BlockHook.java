package asys.agent.bridge;

import java.util.function.IntUnaryOperator;

/**
 * The bridge between the JDK's blocking entry points and the asys runtime. The agent injects
 * this class into the bootstrap class path, so that advice woven into {@code java.base} can call
 * it, and initialises it before it weaves anything.
 *
 * <p>Protocol. The advice at an entry point calls {@link #enter(int)} with the site's code before
 * the JDK method runs, and {@link #exit(int)} with what {@code enter} returned when the method
 * returns or throws. The runtime registers, once, a {@link ThreadLocal} whose value on each of its
 * threads is that thread's hook (a {@link IntUnaryOperator}: JDK types only, so that the runtime
 * needs no compile-time dependency on the agent). On every other thread the value is null, and
 * {@code enter} costs a volatile read and a thread-local look-up.
 *
 * <p>A site code is the site's index ({@code 1..}) in its low byte, its {@link #KIND_MASK kind}
 * and the {@link #REFUSABLE} bit; the runtime's answer to {@code enter} is 0 (nothing to undo) or
 * a non-zero token that {@code exit} hands back with {@link #EXIT} set. The hook never blocks and
 * never throws into JDK code, with one exception: at a {@link #REFUSABLE} site (a public entry
 * point that has changed no state yet) it may throw the runtime's registered would-block signal,
 * so that a NONBLOCK call unwinds instead of blocking.
 */
public final class BlockHook {

    private BlockHook() {}

    /** Kinds of site: thread waits (park, sleep, wait, join, process), network waits (reads,
     *  accept, connect, select), socket writes and file I/O (which rarely block: the runtime
     *  decides whether they count), and scopes that are never a blocking point (class loading). */
    public static final int THREAD = 0, NET = 1 << 8, SOCKET_WRITES = 2 << 8, FILE = 3 << 8, EXEMPT = 4 << 8,
            KIND_MASK = 7 << 8;
    /** The site is a public entry point that may refuse (throw the would-block signal) for NONBLOCK. */
    public static final int REFUSABLE = 1 << 11;
    /** Set on a token handed back to the hook by {@link #exit}. */
    public static final int EXIT = 1 << 12;
    /** Asked by {@link #armed()}: is this thread in a call that a block would concern? */
    public static final int ARMED = 1 << 13;

    // Site codes: index | kind | refusable. Names in SITES, by index.
    public static final int PARK = 1 | THREAD;
    public static final int PARK_NANOS = 2 | THREAD;
    public static final int PARK_UNTIL = 3 | THREAD;
    public static final int SLEEP = 4 | THREAD | REFUSABLE;
    public static final int WAIT = 5 | THREAD;
    public static final int JOIN = 6 | THREAD | REFUSABLE;
    public static final int PROCESS_WAIT = 7 | THREAD | REFUSABLE;
    public static final int FILE_READ = 8 | FILE | REFUSABLE;
    public static final int FILE_WRITE = 9 | FILE | REFUSABLE;
    public static final int RAF_READ = 10 | FILE | REFUSABLE;
    public static final int RAF_WRITE = 11 | FILE | REFUSABLE;
    public static final int CHANNEL_READ = 12 | FILE | REFUSABLE;
    public static final int CHANNEL_WRITE = 13 | FILE | REFUSABLE;
    public static final int SOCKET_READ = 14 | NET | REFUSABLE;
    public static final int SOCKET_WRITE = 15 | SOCKET_WRITES | REFUSABLE;
    public static final int SOCKET_CHANNEL_READ = 16 | NET | REFUSABLE;
    public static final int SOCKET_CHANNEL_WRITE = 17 | SOCKET_WRITES | REFUSABLE;
    public static final int SOCKET_CHANNEL_CONNECT = 18 | NET | REFUSABLE;
    public static final int ACCEPT = 19 | NET | REFUSABLE;
    public static final int SOCKET_CONNECT = 20 | NET | REFUSABLE;
    public static final int SELECT = 21 | NET | REFUSABLE;
    public static final int CLASS_LOAD = 22 | EXEMPT;

    /** Site names by index (0 unused): the call site named in counters and in trace events. */
    public static final String[] SITES = {
            null,
            "LockSupport.park", "LockSupport.parkNanos", "LockSupport.parkUntil", "Thread.sleep",
            "Object.wait", "Thread.join", "Process.waitFor",
            "FileInputStream.read", "FileOutputStream.write", "RandomAccessFile.read", "RandomAccessFile.write",
            "FileChannel.read", "FileChannel.write",
            "Socket.read", "Socket.write", "SocketChannel.read", "SocketChannel.write", "SocketChannel.connect",
            "ServerSocket.accept", "Socket.connect", "Selector.select",
            "ClassLoader.loadClass"
    };

    /** Index of a site code in {@link #SITES}. */
    public static int index(int site) { return site & 0xff; }

    private static volatile ThreadLocal<? extends IntUnaryOperator> hooks;
    private static volatile Throwable signal;

    /**
     * Connects a runtime: {@code perThread} holds each runtime thread's hook; {@code wouldBlock}
     * is the one throwable a hook may throw at a refusable site. Returns false when a different
     * thread-local is registered already (another copy of the runtime's classes in this JVM).
     */
    public static synchronized boolean register(ThreadLocal<? extends IntUnaryOperator> perThread, Throwable wouldBlock) {
        if (hooks != null) return hooks == perThread;
        signal = wouldBlock;
        hooks = perThread;
        return true;
    }

    /** Before a JDK method that may block; returns the token for {@link #exit}. */
    public static int enter(int site) {
        ThreadLocal<? extends IntUnaryOperator> tl = hooks;
        if (tl == null) return 0;
        IntUnaryOperator h = tl.get();
        if (h == null) return 0;
        try {
            return h.applyAsInt(site);
        } catch (Throwable t) {
            if (t == signal && (site & REFUSABLE) != 0) {
                if (t instanceof RuntimeException r) throw r;
                if (t instanceof Error e) throw e;
            }
            return 0;   // never into JDK code: the hook reports its own failures
        }
    }

    /** After the JDK method returned or threw; {@code token} is what {@link #enter} returned. */
    public static void exit(int token) {
        if (token == 0) return;
        ThreadLocal<? extends IntUnaryOperator> tl = hooks;
        IntUnaryOperator h = tl == null ? null : tl.get();
        if (h == null) return;
        try {
            h.applyAsInt(token | EXIT);
        } catch (Throwable ignored) {
            // never into JDK code
        }
    }

    /** True when this thread runs a call that a block would concern: lets an entry point skip a
     *  costlier check (bytes available on a socket) on every other thread. */
    public static boolean armed() {
        ThreadLocal<? extends IntUnaryOperator> tl = hooks;
        if (tl == null) return false;
        IntUnaryOperator h = tl.get();
        if (h == null) return false;
        try {
            return h.applyAsInt(ARMED) != 0;
        } catch (Throwable t) {
            return false;
        }
    }
}

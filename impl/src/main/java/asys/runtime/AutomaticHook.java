package asys.runtime;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.function.IntUnaryOperator;

/**
 * The automatic hook: the runtime's side of the asys agent, which weaves a call into the JDK's
 * blocking entry points (see the agent's {@code BlockHook}). The runtime knows the agent only
 * through JDK types and reflection, so the runtime's jar has no dependency on it: it registers
 * {@link #HOOKS}, a thread-local whose value on each thread of a runtime built with
 * {@code automaticHook(true)} is that thread's {@link PerThread} hook, and reads the sites'
 * names. On any other thread the value is null and the woven code does nothing.
 *
 * <p>Site codes, as the bridge defines them: the site's index in the low byte (0 is the runtime's
 * own {@link Blocking} primitives), a kind, and whether the site may refuse a NONBLOCK call.
 */
final class AutomaticHook {

    static final int INDEX_MASK = 0xff;
    static final int KIND_MASK = 7 << 8, SOCKET_WRITES = 2 << 8, FILE = 3 << 8, EXEMPT = 4 << 8;
    static final int REFUSABLE = 1 << 11, EXIT = 1 << 12, ARMED = 1 << 13;
    /** The site code of the runtime's own blocking primitives: index 0, may refuse. */
    static final int BLOCKING = REFUSABLE;

    /** Each automatic-hook runtime thread's hook; registered with the agent's bridge. */
    static final ThreadLocal<PerThread> HOOKS = new ThreadLocal<>();

    private static volatile String[] sites;

    private AutomaticHook() {}

    /** The site names, by index, once connected; index 0 is {@code "Blocking"}. */
    static String[] sites() { return sites; }

    /**
     * Connects to the agent, installing it first (self-attach) when the JVM was not started with
     * it. Idempotent.
     *
     * @throws IllegalStateException naming why the automatic hook cannot be had
     */
    static synchronized String[] connect() {
        if (sites != null) return sites;
        Class<?> bridge = bridge();
        if (bridge == null) {
            Class<?> agent;
            try {
                agent = Class.forName("asys.agent.AsysAgent", true, AutomaticHook.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("automaticHook(true) needs the asys agent: put asys-agent.jar on the class path"
                        + " (the builder then attaches it), or start the JVM with -javaagent:asys-agent.jar");
            }
            try {
                agent.getMethod("install").invoke(null);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                throw new IllegalStateException(String.valueOf(cause.getMessage()), cause);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("the asys agent on the class path cannot be used: " + e, e);
            }
            bridge = bridge();
            if (bridge == null) throw new IllegalStateException("the asys agent installed, but its bridge is not on the bootstrap class path");
        }
        return register(bridge);
    }

    /**
     * Registers {@link #HOOKS} with {@code bridge} (the agent's {@code BlockHook}, or a class of
     * the same shape) and reads its site names. Idempotent.
     *
     * @throws IllegalStateException when the bridge serves another copy of the runtime, or does
     *     not have the shape this runtime expects
     */
    static synchronized String[] register(Class<?> bridge) {
        if (sites != null) return sites;
        try {
            Method register = bridge.getMethod("register", ThreadLocal.class, Throwable.class);
            if (!(Boolean) register.invoke(null, HOOKS, WouldBlockError.INSTANCE)) {
                throw new IllegalStateException("the asys agent serves another copy of the asys runtime in this JVM"
                        + " (loaded by another class loader): one copy per JVM can have the automatic hook");
            }
            String[] names = ((String[]) bridge.getField("SITES").get(null)).clone();
            names[0] = "Blocking";
            sites = names;
            return names;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the asys agent's bridge does not match this runtime: " + e, e);
        }
    }

    /** Forgets the bridge, so that the next {@link #connect()} looks for the agent again: for the
     *  runtime's own tests, which register a bridge of their own (a bridge keeps its registration). */
    static synchronized void forget() { sites = null; }

    private static Class<?> bridge() {
        try {
            return Class.forName("asys.agent.bridge.BlockHook", true, null);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    /** A runtime thread's hook, called by the woven JDK code on that thread only. */
    static final class PerThread implements IntUnaryOperator {
        private final KThread k;

        PerThread(KThread k) { this.k = k; }

        @Override
        public int applyAsInt(int op) { return k.onJdkBlock(op); }
    }
}

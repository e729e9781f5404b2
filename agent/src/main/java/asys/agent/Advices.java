package asys.agent;

import asys.agent.bridge.BlockHook;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.nio.channels.SelectableChannel;
import java.time.Duration;
import net.bytebuddy.asm.Advice;

/**
 * The advice woven into the JDK's blocking entry points. Each enter advice first makes the check
 * that costs nanoseconds and shows the call will not block (a zero timeout, a non-blocking
 * channel, a thread already ended, bytes ready on a socket, standard output), then asks the
 * runtime's hook through {@link BlockHook#enter}; each exit advice hands the token back, whether
 * the method returned or threw. The code is copied into the JDK's methods: it may call only what
 * the bootstrap class loader sees.
 */
final class Advices {

    private Advices() {}

    /** Always a blocking point once entered (park, wait, select, accept, connect, file I/O). */
    static final class Always {
        @Advice.OnMethodEnter
        static int enter(@Site int site) { return BlockHook.enter(site); }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Enter int token) { BlockHook.exit(token); }
    }

    /** {@code parkNanos(nanos)}: a park whose time is already up returns at once. */
    static final class ParkNanos {
        @Advice.OnMethodEnter
        static int enter(@Site int site, @Advice.Argument(0) long nanos) {
            return nanos <= 0 ? 0 : BlockHook.enter(site);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Enter int token) { BlockHook.exit(token); }
    }

    /** {@code parkNanos(blocker, nanos)}. */
    static final class ParkNanosBlocker {
        @Advice.OnMethodEnter
        static int enter(@Site int site, @Advice.Argument(1) long nanos) {
            return nanos <= 0 ? 0 : BlockHook.enter(site);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Enter int token) { BlockHook.exit(token); }
    }

    /** {@code parkUntil(deadline)}: a deadline already past returns at once. */
    static final class ParkUntil {
        @Advice.OnMethodEnter
        static int enter(@Site int site, @Advice.Argument(0) long deadline) {
            return deadline <= System.currentTimeMillis() ? 0 : BlockHook.enter(site);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Enter int token) { BlockHook.exit(token); }
    }

    /** {@code parkUntil(blocker, deadline)}. */
    static final class ParkUntilBlocker {
        @Advice.OnMethodEnter
        static int enter(@Site int site, @Advice.Argument(1) long deadline) {
            return deadline <= System.currentTimeMillis() ? 0 : BlockHook.enter(site);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Enter int token) { BlockHook.exit(token); }
    }

    /** {@code Thread.sleep(millis)} and {@code sleep(millis, nanos)}: {@code sleep(0)} does not block. */
    static final class SleepMillis {
        @Advice.OnMethodEnter
        static int enter(@Site int site, @Advice.Argument(0) long millis) {
            return millis <= 0 ? 0 : BlockHook.enter(site);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Enter int token) { BlockHook.exit(token); }
    }

    /** {@code Thread.sleep(millis, nanos)}. */
    static final class SleepMillisNanos {
        @Advice.OnMethodEnter
        static int enter(@Site int site, @Advice.Argument(0) long millis, @Advice.Argument(1) int nanos) {
            return millis <= 0 && nanos <= 0 ? 0 : BlockHook.enter(site);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Enter int token) { BlockHook.exit(token); }
    }

    /** {@code Thread.sleep(Duration)}. */
    static final class SleepDuration {
        @Advice.OnMethodEnter
        static int enter(@Site int site, @Advice.Argument(0) Duration d) {
            return d == null || d.isZero() || d.isNegative() ? 0 : BlockHook.enter(site);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Enter int token) { BlockHook.exit(token); }
    }

    /** {@code Thread.join}: a thread that has ended is joined at once. */
    static final class Join {
        @Advice.OnMethodEnter
        static int enter(@Site int site, @Advice.This Thread t) {
            return t.isAlive() ? BlockHook.enter(site) : 0;
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Enter int token) { BlockHook.exit(token); }
    }

    /** {@code Process.waitFor}: a process that has exited is waited for at once. */
    static final class ProcessWait {
        @Advice.OnMethodEnter
        static int enter(@Site int site, @Advice.This Process p) {
            return p.isAlive() ? BlockHook.enter(site) : 0;
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Enter int token) { BlockHook.exit(token); }
    }

    /** A socket stream's read: bytes already there are read without blocking. The availability
     *  check is a system call, so it is made only on a thread the hook concerns. */
    static final class SocketRead {
        @Advice.OnMethodEnter
        static int enter(@Site int site, @Advice.This InputStream in) {
            if (!BlockHook.armed()) return 0;
            try {
                if (in.available() > 0) return 0;
            } catch (Throwable t) {
                return 0;   // closed or reset: the read itself fails at once
            }
            return BlockHook.enter(site);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Enter int token) { BlockHook.exit(token); }
    }

    /** A selectable channel's operation blocks only in blocking mode. */
    static final class BlockingChannel {
        @Advice.OnMethodEnter
        static int enter(@Site int site, @Advice.This SelectableChannel ch) {
            return ch.isBlocking() ? BlockHook.enter(site) : 0;
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Enter int token) { BlockHook.exit(token); }
    }

    /** A file stream's write: standard output and error are never a blocking point (a call that
     *  logs would otherwise hand over on every line). */
    static final class FileWrite {
        @Advice.OnMethodEnter
        static int enter(@Site int site, @Advice.This FileOutputStream out) {
            try {
                FileDescriptor fd = out.getFD();
                if (fd == FileDescriptor.out || fd == FileDescriptor.err) return 0;
            } catch (Throwable t) {
                return 0;
            }
            return BlockHook.enter(site);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Enter int token) { BlockHook.exit(token); }
    }
}

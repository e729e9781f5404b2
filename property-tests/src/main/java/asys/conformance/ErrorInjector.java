package asys.conformance;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Consumer;

/**
 * The test build's error injector (named to the runtime with {@code -Dasys.inject}): at the
 * {@code hit}-th time the runtime reaches the injection point of one run, it throws the chosen
 * error there, once, and notes how many trace events had been written by then: the trace up to
 * the failure, which TLC must still accept. Nothing here is in the runtime's jar.
 */
public final class ErrorInjector implements Consumer<String> {

    /** What is thrown. */
    public enum Kind {
        STACK_OVERFLOW, OUT_OF_MEMORY, RUNTIME_EXCEPTION;

        Throwable make(String point) {
            String m = "injected at " + point;
            return switch (this) {
                case STACK_OVERFLOW -> new StackOverflowError(m);
                case OUT_OF_MEMORY -> new OutOfMemoryError(m);
                case RUNTIME_EXCEPTION -> new IllegalStateException(m);
            };
        }
    }

    private static volatile Run current;

    /** One injection run: at {@code point}'s {@code hit}-th time, throw {@code kind}. */
    public static final class Run {
        final String point;
        final Kind kind;
        final int hit;
        private final AtomicInteger hits = new AtomicInteger();
        private final AtomicInteger reports = new AtomicInteger();
        private volatile boolean armed;
        private volatile List<String> trace;
        /** Trace lines written when the error was thrown; -1 while not thrown. */
        volatile int cutAt = -1;
        /** Calls with no outcome, with more than one, threads and identities left after close. */
        int lost, doubled, threadsLeft, identitiesLeft, ownerViolations;

        public Run(String point, Kind kind, int hit) {
            this.point = point;
            this.kind = kind;
            this.hit = hit;
        }

        void arm(List<String> trace) {
            this.trace = trace;
            current = this;
            armed = true;
        }

        void disarm() {
            armed = false;
            current = null;
        }

        void reported(String what) { reports.incrementAndGet(); }

        public boolean injected() { return cutAt >= 0; }

        /** Failures the runtime reported to its uncaught-error handler. */
        public int reports() { return reports.get(); }

        /** The ledger of the run: what each call got and what was left behind. */
        void ledger(AtomicIntegerArray handled, int threadsAlive, int identitiesOpen, int ownerViolations, List<String> violations) {
            for (int x = 0; x < handled.length(); x++) {
                if (handled.get(x) == 0) lost++;
                if (handled.get(x) > 1) doubled++;
            }
            threadsLeft = threadsAlive;
            identitiesLeft = identitiesOpen;
            this.ownerViolations = ownerViolations;
            if (lost > 0) violations.add("lost: " + lost + " calls had no outcome");
            if (doubled > 0) violations.add("double: " + doubled + " calls had more than one outcome");
            if (orphaned() > 0) violations.add("orphaned: " + threadsAlive + " threads alive and " + identitiesOpen
                    + " identities open after close");
            if (ownerViolations > 0) violations.add("IdentityUnique: " + ownerViolations + " owner check failures");
        }

        /** Threads and identities left after close. */
        public int orphaned() { return threadsLeft + identitiesLeft; }

        private void at(String p) {
            if (!armed || !p.equals(point) || hits.incrementAndGet() != hit) return;
            List<String> t = trace;
            cutAt = t.size();   // the events of steps made so far; this one's comes after, if at all
            Thrower.throwIt(kind.make(p));
        }
    }

    @Override
    public void accept(String point) {
        Run r = current;
        if (r != null) r.at(point);
    }

    /** Throws any throwable from a method that declares none. */
    private static final class Thrower {
        @SuppressWarnings("unchecked")
        static <E extends Throwable> void throwIt(Throwable t) throws E { throw (E) t; }
    }
}

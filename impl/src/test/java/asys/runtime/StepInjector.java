package asys.runtime;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The unit tests' error injector (impl's surefire and PIT runs name it with
 * {@code -Dasys.inject}): disarmed, it does nothing; armed, it throws once, at the
 * {@code hit}-th time the runtime reaches the given point.
 */
public final class StepInjector implements Consumer<String> {

    private static volatile Inject.Point point;
    private static volatile Function<String, Throwable> error;
    private static volatile int hit;
    private static final AtomicInteger hits = new AtomicInteger();
    private static volatile Throwable thrown;

    /** Throws {@code make.apply(point name)} at {@code p}'s {@code n}-th time from now. */
    static void arm(Inject.Point p, int n, Function<String, Throwable> make) {
        disarm();
        hits.set(0);
        hit = n;
        error = make;
        point = p;
    }

    /** What was thrown since the last arm, or null. */
    static Throwable thrown() { return thrown; }

    static void disarm() {
        point = null;
        thrown = null;
    }

    /** True when this JVM runs with the injector: the runtime's points call it. */
    static boolean installed() { return Inject.ON; }

    @Override
    public void accept(String p) {
        Inject.Point armed = point;
        if (armed == null || !armed.name().equals(p) || hits.incrementAndGet() != hit) return;
        point = null;
        Throwable t = error.apply("injected at " + p);
        thrown = t;
        StepInjector.<RuntimeException>sneaky(t);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void sneaky(Throwable t) throws E { throw (E) t; }
}

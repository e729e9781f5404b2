package asys.runtime;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * Where the runtime says what went wrong: what tasks and handlers throw, and the steps of its own
 * code that failed and were undone or completed. Everything goes to the uncaught-error handler
 * (see {@link RuntimeBuilder#uncaughtErrorHandler}); a handler that throws is ignored.
 */
final class Reporter {

    private final BiConsumer<String, Throwable> uncaught;
    /** Steps of the runtime's own code that failed: {@link Counters#stepFailures()}. */
    final LongAdder stepFailures = new LongAdder();

    Reporter(BiConsumer<String, Throwable> uncaught) { this.uncaught = uncaught; }

    /**
     * A step of the runtime's own code failed (an {@code Error}, such as a stack overflow or out
     * of memory, or a trace sink that threw) and was undone or completed as {@code done} says:
     * said loudly, through the uncaught-error handler, and counted.
     */
    void stepFailed(String step, String done, Throwable t) {
        stepFailures.increment();
        uncaught("the runtime's " + step + " step failed (" + t + "); " + done, t);
    }

    /** Reports {@code t} with what it came from. */
    void uncaught(String what, Throwable t) {
        try {
            uncaught.accept(what, t);
        } catch (Throwable ignored) {
            // the uncaught-error handler itself failed: nothing more to tell
        }
    }
}

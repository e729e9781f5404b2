package asys.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;

/**
 * Receives the runtime's trace: one JSON object per line, one line per transition, named by
 * the spec's action ({@code Submit}, {@code HookFire}, {@code WorkerFinish}, ...), with a
 * sequence number and the ids involved:
 * <pre>{"seq":7,"action":"HookFire","thread":3,"spare":5,"identity":1,"call":12,"lane":0}</pre>
 * Lines arrive one at a time, in sequence order, from whichever thread made the transition; an
 * event is recorded atomically with the state change it describes, so the log is a valid
 * interleaving. Tracing is off unless a sink is configured.
 */
@FunctionalInterface
public interface TraceSink {

    /**
     * One event (see {@link TraceAction} for the format); called inside the step it records, under
     * the runtime's locks: it must not call into the runtime, and should not block.
     *
     * @param jsonLine the event, one JSON object, no newline
     */
    void accept(String jsonLine);

    /**
     * Appends each line and a newline to {@code out}; an I/O error is thrown as unchecked.
     *
     * @param out where the lines go
     * @return the sink
     */
    static TraceSink to(Writer out) {
        return line -> {
            try {
                out.write(line);
                out.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException("trace sink: cannot write", e);
            }
        };
    }

    /**
     * Adds each line to {@code lines} (which the caller reads after the runtime is closed).
     *
     * @param lines where the lines go (a synchronised list when several loops run)
     * @return the sink
     */
    static TraceSink to(List<String> lines) {
        return lines::add;
    }
}

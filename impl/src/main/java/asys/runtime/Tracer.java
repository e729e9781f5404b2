package asys.runtime;

import java.util.List;

/**
 * Writes trace events in the format {@link TraceAction} defines. Every step calls it with the
 * state change it records already made and before the resource it releases is visible to other
 * threads (a spare goes back to its pool after the event that gives it back; a thread taken from
 * a pool is taken before the event that reserves it), so that the order of sequence numbers is
 * an order the spec allows. Emitting is serialised by this object's monitor: trace order is one
 * total order, and the user's {@link TraceSink} runs under that monitor (see the package
 * overview for what it may do). HookFire is the one step that writes its event just before its
 * change, holding this monitor across both: writing can fail (a sink that throws, no memory), and
 * the hook fire must fail with nothing changed; no other thread can see its change before the
 * spare is woken, the change's last act.
 */
final class Tracer {

    /**
     * A step whose state change and event are one: run by {@link #step} under the tracer's
     * monitor when tracing is on (its {@code tr} then non-null, for the event), and plainly when
     * it is off. Written as a method reference that captures nothing, so that a step allocates
     * nothing either way.
     */
    @FunctionalInterface
    interface Step<A, B, C, D, R> {
        R run(A a, B b, C c, D d, Tracer tr);
    }

    /** Takes {@code step} as one step with its event: the only place that tells tracing on from off. */
    static <A, B, C, D, R> R step(Tracer tr, Step<A, B, C, D, R> step, A a, B b, C c, D d) {
        if (tr == null) return step.run(a, b, c, d, null);
        synchronized (tr) {
            return step.run(a, b, c, d, tr);
        }
    }

    private final TraceSink sink;
    private long seq;

    Tracer(TraceSink sink) { this.sink = sink; }

    /**
     * Writes one event of {@code action}: {@code values} are its fields' values in the order of
     * {@link TraceAction#fields()} (Integer, Long, Boolean or String; null leaves the field out).
     */
    synchronized void emit(TraceAction action, Object... values) {
        List<String> fields = action.fields();
        if (values.length != fields.size()) {
            throw new IllegalArgumentException(action + " has fields " + fields + ", given " + values.length + " values");
        }
        StringBuilder sb = new StringBuilder(96);
        sb.append("{\"seq\":").append(++seq).append(",\"action\":\"").append(action.name()).append('"');
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            if (v == null) continue;
            sb.append(",\"").append(fields.get(i)).append("\":");
            if (v instanceof Number || v instanceof Boolean) sb.append(v);
            else sb.append('"').append(escape(v.toString())).append('"');
        }
        sink.accept(sb.append('}').toString());
    }

    /**
     * The {@link TraceAction#Layout} event: the settings, every pooled spare with its lane, and
     * every identity with its carrier thread and lane.
     */
    synchronized void layout(int lanes, int spareCapacity, int spareFloor, int threadLimit, int inFlightLimit,
                             Iterable<KThread> threads, Iterable<Identity> identities) {
        StringBuilder pooled = new StringBuilder("[");
        for (KThread k : threads) {
            if (k.state() == KThread.State.POOLED) {
                pooled.append(pooled.length() > 1 ? "," : "").append('[').append(k.id).append(',').append(k.lane.id).append(']');
            }
        }
        StringBuilder carriers = new StringBuilder("[");
        for (Identity u : identities) {
            KThread k = u.carrier();
            if (k != null) {
                carriers.append(carriers.length() > 1 ? "," : "").append('[').append(u.id).append(',').append(k.id)
                        .append(',').append(k.lane.id).append(']');
            }
        }
        sink.accept("{\"seq\":" + (++seq) + ",\"action\":\"Layout\",\"format\":1,\"lanes\":" + lanes
                + ",\"spareCapacity\":" + spareCapacity + ",\"spareFloor\":" + spareFloor + ",\"threadLimit\":" + threadLimit
                + ",\"inFlightLimit\":" + inFlightLimit + ",\"pooled\":" + pooled + "],\"carriers\":" + carriers + "]}");
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.toString();
    }
}

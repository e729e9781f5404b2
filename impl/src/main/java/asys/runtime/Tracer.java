package asys.runtime;

/**
 * Writes trace events. Every method is called with the state change it records already made
 * and before the resource it releases is visible to other threads (a spare goes back to its pool
 * after the event that gives it back; a thread taken from a pool is taken before the event that
 * reserves it), so that the order of sequence numbers is an order the spec allows. Emitting is
 * serialised by this object's monitor: trace order is one total order. HookFire is the one step
 * that writes its event just before its change, holding this monitor across both: writing can
 * fail (a sink that throws, no memory), and the hook fire must fail with nothing changed; no
 * other thread can see its change before the spare is woken, the change's last act.
 */
final class Tracer {

    private final TraceSink sink;
    private long seq;

    Tracer(TraceSink sink) { this.sink = sink; }

    /** Builds one event; {@code fields} alternate name and value (Integer/Long/String; null skipped). */
    synchronized void emit(String action, Object... fields) {
        StringBuilder sb = new StringBuilder(96);
        sb.append("{\"seq\":").append(++seq).append(",\"action\":\"").append(action).append('"');
        for (int i = 0; i + 1 < fields.length; i += 2) {
            Object v = fields[i + 1];
            if (v == null) continue;
            sb.append(",\"").append(fields[i]).append("\":");
            if (v instanceof Number || v instanceof Boolean) sb.append(v);
            else sb.append('"').append(escape(v.toString())).append('"');
        }
        sink.accept(sb.append('}').toString());
    }

    /** An event whose fields are already JSON ({@code "name":value,...}). */
    synchronized void emitRaw(String action, String jsonFields) {
        sink.accept("{\"seq\":" + (++seq) + ",\"action\":\"" + action + "\"," + jsonFields + "}");
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

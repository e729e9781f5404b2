package asys.modelcheck;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tlc2.overrides.TLAPlusOperator;
import tlc2.tool.EvalException;
import tlc2.value.impl.BoolValue;
import tlc2.value.impl.IntValue;
import tlc2.value.impl.RecordValue;
import tlc2.value.impl.SetEnumValue;
import tlc2.value.impl.StringValue;
import tlc2.value.impl.TupleValue;
import tlc2.value.impl.Value;
import util.UniqueString;

/**
 * Loaded by TLC, not by the validator: the Java definition of {@code AsysTraceData!Traces}. The
 * traces of a group reach TLC as values built straight from the runtime's JSON Lines files, not as
 * TLA+ text: parsing a megabyte of generated TLA+ cost TLC more than checking the events did.
 * TLC finds this class through the index {@link tlc2.overrides.TLCOverrides} on its class path,
 * and it reads the list of trace files named by {@code -Dasys.trace.files} (one path a line, in the
 * order of the group, so trace t is line t).
 */
public final class TraceData {

    private static Value traces;

    private TraceData() {}

    /** The traces, read once: {@code <<[layout |-> [pooled, carriers], events |-> <<...>>], ...>>}. */
    @TLAPlusOperator(identifier = "Traces", module = "AsysTraceData", warn = false)
    public static synchronized Value Traces() {
        if (traces == null) {
            String list = System.getProperty(TraceValidator.TRACE_FILES_PROPERTY);
            if (list == null) throw new EvalException(tlc2.output.EC.GENERAL, "AsysTraceData!Traces: -D" + TraceValidator.TRACE_FILES_PROPERTY + " is not set");
            try {
                List<Value> all = new ArrayList<>();
                for (String line : Files.readAllLines(Path.of(list))) {
                    if (!line.isBlank()) all.add(trace(TraceValidator.read(Path.of(line.strip()))));
                }
                traces = new TupleValue(all.toArray(Value[]::new));
            } catch (IOException | IllegalArgumentException e) {
                throw new EvalException(tlc2.output.EC.GENERAL, "AsysTraceData!Traces: " + e.getMessage());
            }
        }
        return traces;
    }

    @SuppressWarnings("unchecked")
    static Value trace(TraceValidator.Trace t) {
        Value layout = record(List.of("pooled", "carriers"),
                List.of(tuples((List<Object>) t.layout().get("pooled")), tuples((List<Object>) t.layout().get("carriers"))));
        Value[] events = new Value[t.events().size()];
        for (int k = 0; k < events.length; k++) events[k] = event(t.events().get(k));
        return record(List.of("layout", "events"), List.of(layout, new TupleValue(events)));
    }

    /** The same record {@link TraceValidator#event} writes as text. */
    static Value event(Map<String, Object> e) {
        List<String> names = new ArrayList<>();
        List<Value> values = new ArrayList<>();
        names.add("action");
        values.add(new StringValue((String) e.get("action")));
        for (String f : List.of("thread", "spare", "call", "identity")) {
            if (e.get(f) instanceof Long v) {
                names.add(f);
                values.add(IntValue.gen(Math.toIntExact(v)));
            }
        }
        if (e.containsKey("flags")) {
            List<Value> flags = new ArrayList<>();
            for (String n : String.valueOf(e.get("flags")).split(",")) if (!n.isBlank()) flags.add(new StringValue(n.strip()));
            names.add("flags");
            values.add(new SetEnumValue(flags.toArray(Value[]::new), false));
        }
        if (e.get("outcome") instanceof String o) {
            names.add("outcome");
            values.add(new StringValue(o));
        }
        for (String f : List.of("hook", "pooled")) {
            if (e.get(f) instanceof Boolean v) {
                names.add(f);
                values.add(v ? BoolValue.ValTrue : BoolValue.ValFalse);
            }
        }
        return record(names, values);
    }

    @SuppressWarnings("unchecked")
    private static Value tuples(List<Object> list) {
        Value[] set = new Value[list.size()];
        for (int k = 0; k < set.length; k++) {
            List<Object> xs = (List<Object>) list.get(k);
            Value[] tuple = new Value[xs.size()];
            for (int j = 0; j < tuple.length; j++) tuple[j] = IntValue.gen(Math.toIntExact((Long) xs.get(j)));
            set[k] = new TupleValue(tuple);
        }
        return new SetEnumValue(set, false);
    }

    private static Value record(List<String> names, List<Value> values) {
        UniqueString[] ns = new UniqueString[names.size()];
        for (int k = 0; k < ns.length; k++) ns[k] = UniqueString.uniqueStringOf(names.get(k));
        return new RecordValue(ns, values.toArray(Value[]::new), false);
    }
}

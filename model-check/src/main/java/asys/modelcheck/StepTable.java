package asys.modelcheck;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.TreeMap;
import java.util.List;
import java.util.Map;

/**
 * A counterexample as a table a person can read: one row per step with the action and its
 * arguments, and only what that step changed, per thread or call
 * ({@code k1: state "InCall" -> "Worker", hook TRUE -> FALSE}), not
 * TLC's full state dump. The initial state is listed once, in full.
 *
 * <p>Action arguments come from the spec's history variable {@code act} (a tuple
 * {@code <<"HookFire", k1, k3, x1>>}) when the state has one, else from the action name TLC
 * prints in the trace.
 */
public final class StepTable {

    /** The spec's history variable that names each step with its arguments. */
    public static final String ACTION_VARIABLE = "act";

    private StepTable() {}

    /** Renders the trace of {@code out}; empty when it has none. */
    public static String render(TlcOutput out) {
        List<TlcOutput.Step> trace = out.trace();
        if (trace.isEmpty()) return "";
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("  %-5s %-34s %s%n", "step", "action", "what changed"));
        TlcOutput.Step first = trace.get(0);
        List<String> init = describe(Map.of(), first.state());
        sb.append(String.format("  %-5d %-34s %s%n", first.number(), "Init", init.isEmpty() ? "" : init.get(0)));
        for (String line : init.subList(Math.min(1, init.size()), init.size())) {
            sb.append(String.format("  %-5s %-34s %s%n", "", "", line));
        }
        for (int i = 1; i < trace.size(); i++) {
            TlcOutput.Step prev = trace.get(i - 1), step = trace.get(i);
            List<String> changes = describe(prev.state(), step.state());
            if (changes.isEmpty()) changes = List.of("(nothing)");
            sb.append(String.format("  %-5d %-34s %s%n", step.number(), actionLabel(step), changes.get(0)));
            for (String c : changes.subList(1, changes.size())) {
                sb.append(String.format("  %-5s %-34s %s%n", "", "", c));
            }
        }
        if (out.loopsBackTo() != null) {
            sb.append(String.format("  %-5s %s%n", "", "... and back to step " + out.loopsBackTo() + ": this loop repeats forever"));
        } else if (out.endsStuttering()) {
            sb.append(String.format("  %-5s %s%n", "", "... then nothing happens, forever (stuttering)"));
        }
        return sb.toString();
    }

    /**
     * What differs between two states (everything, when {@code before} is empty), one line per
     * entity: {@code k1: state "InCall" -> "Worker", hook TRUE -> FALSE}. Functions are split by
     * their argument (a thread, a call, an identity), so each line tells what happened to one
     * thing; other variables get a line of their own. Entities in name order, and within one,
     * {@code state} first, then the variables in name order.
     */
    static List<String> describe(Map<String, TlaValue> before, Map<String, TlaValue> after) {
        Map<String, List<String>> byEntity = new TreeMap<>();
        List<String> whole = new ArrayList<>();
        List<String> vars = new ArrayList<>(after.keySet());
        vars.sort(Comparator.comparing((String v) -> !v.equals("state")).thenComparing(Comparator.naturalOrder()));
        boolean initial = before.isEmpty();
        for (String var : vars) {
            if (var.equals(ACTION_VARIABLE)) continue;
            TlaValue now = after.get(var), was = before.get(var);
            if (now.equals(was)) continue;
            if (now instanceof TlaValue.Mapping n && (initial
                    || (was instanceof TlaValue.Mapping w && w.entries().keySet().equals(n.entries().keySet())))) {
                n.entries().forEach((key, v) -> {
                    TlaValue old = initial ? null : ((TlaValue.Mapping) was).entries().get(key);
                    if (initial) byEntity.computeIfAbsent(key, k -> new ArrayList<>()).add(var + " " + v);
                    else if (!v.equals(old)) byEntity.computeIfAbsent(key, k -> new ArrayList<>()).add(var + " " + old + " -> " + v);
                });
            } else {
                whole.add(initial ? var + " = " + now : var + ": " + (was == null ? "(none)" : was.text()) + " -> " + now.text());
            }
        }
        List<String> out = new ArrayList<>();
        byEntity.forEach((entity, changes) -> out.add(entity + ": " + String.join(", ", changes)));
        out.addAll(whole);
        return out;
    }

    /** {@code HookFire(k1, k3, x1)} from {@code act}, else TLC's action name. */
    static String actionLabel(TlcOutput.Step step) {
        TlaValue act = step.state().get(ACTION_VARIABLE);
        if (act instanceof TlaValue.Collection c && c.isSequence() && !c.elements().isEmpty()
                && c.elements().get(0) instanceof TlaValue.Atom name) {
            List<String> args = new ArrayList<>();
            for (TlaValue a : c.elements().subList(1, c.elements().size())) {
                args.add(a instanceof TlaValue.Atom atom ? atom.bare() : a.text());
            }
            return name.bare() + "(" + String.join(", ", args) + ")";
        }
        return step.action();
    }

}

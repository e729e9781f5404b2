package asys.modelcheck;

/** One suite row's run: TLC's output, the time it took, and whether it met the expectation. */
public record Outcome(Suite.Row row, TlcOutput output, double seconds, boolean asExpected, String result, String runDir) {

    /** Judges a run against its row. */
    public static Outcome judge(Suite.Row row, TlcOutput out, double seconds, String runDir) {
        return judge(row, out, seconds, runDir, false);
    }

    /**
     * Judges a run against its row. {@code expectsUnnamed}: the row expects a (temporal or
     * action) property that TLC reports without its name, or the run is distributed (whose server
     * names nothing); the runner then kept only that one property in the config, so an unnamed
     * violation is attributable to it.
     */
    public static Outcome judge(Suite.Row row, TlcOutput out, double seconds, String runDir, boolean expectsUnnamed) {
        String result;
        boolean ok;
        switch (out.verdict()) {
            case PASSED -> result = "passed";
            case INVARIANT_VIOLATED -> result = "violates " + out.property();
            case ACTION_PROPERTY_VIOLATED -> result = "violates " + row.property() + " (action property, " + out.property() + ")";
            case TEMPORAL_VIOLATED -> result = "violates " + row.property() + " (temporal)";
            case DEADLOCK -> result = "deadlock";
            case UNNAMED_VIOLATION -> result = row.property() == null || row.property().isEmpty()
                    ? "a counterexample (the distributed server names no property)"
                    : "violates " + row.property() + " (unnamed: the only one checked)";
            case PARSE_ERROR -> result = "parse error: " + out.problemSummary();
            default -> result = "error: " + out.problemSummary();
        }
        switch (row.kind()) {
            case PASS -> ok = out.verdict() == TlcOutput.Verdict.PASSED;
            case REACH -> ok = out.verdict() == TlcOutput.Verdict.INVARIANT_VIOLATED
                    ? out.property().equals(row.property())
                    : out.verdict() == TlcOutput.Verdict.UNNAMED_VIOLATION && expectsUnnamed;
            default -> ok = switch (out.verdict()) {
                case INVARIANT_VIOLATED -> out.property().equals(row.property());
                case ACTION_PROPERTY_VIOLATED, TEMPORAL_VIOLATED, UNNAMED_VIOLATION -> expectsUnnamed;
                default -> false;
            };
        }
        if (row.kind() == Suite.Kind.REACH && ok) result = "reached";
        if (row.kind() == Suite.Kind.REJECT && ok) result = "rejected by " + row.property();
        return new Outcome(row, out, seconds, ok, result, runDir);
    }
}

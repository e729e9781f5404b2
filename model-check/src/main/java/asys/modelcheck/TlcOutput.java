package asys.modelcheck;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one TLC run said, read from its {@code -tool} output (messages framed by
 * {@code @!@!@STARTMSG code:severity @!@!@} and {@code @!@!@ENDMSG code @!@!@}) and its exit code.
 *
 * <p>The verdict is one of {@link Verdict}; a violation comes with its trace: the states
 * in order, each with the action TLC names, and for a liveness lasso the step it loops
 * back to (or that it ends in stuttering).
 */
public final class TlcOutput {

    /** How a run ended. */
    public enum Verdict {
        /** "Model checking completed. No error has been found." and exit code 0. */
        PASSED,
        /** An invariant is false in a reachable state; {@link #property()} names it. */
        INVARIANT_VIOLATED,
        /** An action property (such as a refinement's {@code [][Next]_v}) is false on a step. */
        ACTION_PROPERTY_VIOLATED,
        /** A temporal property is false on a behaviour (TLC does not say which one). */
        TEMPORAL_VIOLATED,
        /** A reachable state has no successor. */
        DEADLOCK,
        /** A counterexample without the name of what it violates: TLC's distributed server
         *  (TLCServer 2.18) prints a worker's trace but drops its message, and exits 0. Only a
         *  run whose config checks one property can attribute it (the launcher makes sure). */
        UNNAMED_VIOLATION,
        /** The spec or a module it uses does not parse. */
        PARSE_ERROR,
        /** Anything else: a bad config, an evaluation error, a crash. */
        ERROR
    }

    /** One state of a counterexample: its number, the action that led to it, its variables. */
    public record Step(int number, String action, Map<String, TlaValue> state) {}

    // TLC message codes (tlc2.output.EC), as printed by TLC 2.18 in -tool mode.
    static final int INVARIANT_VIOLATED_INITIAL = 2107;
    static final int INVARIANT_VIOLATED_BEHAVIOR = 2110;
    static final int ACTION_PROPERTY_VIOLATED = 2112;
    static final int DEADLOCK_REACHED = 2114;
    static final int TEMPORAL_PROPERTY_VIOLATED = 2116;
    static final int BEHAVIOR_UP_TO_THIS_POINT = 2121;
    static final int BACK_TO_STATE = 2122;
    static final int SUCCESS = 2193;
    static final int SEARCH_DEPTH = 2194;
    static final int STATS = 2199;
    static final int PROGRESS = 2200;
    static final int STATE_PRINT = 2217;
    static final int STUTTER_STATE = 2218;
    static final int SANY_PARSE_FAILED = 3002;

    private static final Pattern START = Pattern.compile("^@!@!@STARTMSG (\\d+):(\\d+) @!@!@$");
    private static final Pattern END = Pattern.compile("^@!@!@ENDMSG (\\d+) @!@!@$");
    private static final Pattern INVARIANT = Pattern.compile("Invariant (\\S+) is violated");
    private static final Pattern STATS_LINE = Pattern.compile(
            "([\\d,]+) states generated, ([\\d,]+) distinct states found, ([\\d,]+) states left on queue");
    private static final Pattern PROGRESS_LINE = Pattern.compile(
            "([\\d,]+) states generated \\([^)]*\\), ([\\d,]+) distinct states found");
    private static final Pattern DEPTH = Pattern.compile("The depth of the complete state graph search is (\\d+)");
    private static final Pattern STATE_HEADER = Pattern.compile("^(\\d+): <([^ >]+)[^>]*>\\s*$");
    private static final Pattern BACK_TO = Pattern.compile("^(\\d+): Back to state");
    private static final Pattern LOCATION = Pattern.compile(
            "line (\\d+), col (\\d+) to line (\\d+), col (\\d+) of module (\\w+)");

    private final int exitCode;
    private Verdict verdict = Verdict.ERROR;
    /** TLC printed "The behavior up to this point is:" (a counterexample follows). */
    private boolean behaviorShown;
    private String property = "";
    private long generated = -1, distinct = -1;
    private int depth = -1;
    private final List<Step> trace = new ArrayList<>();
    private Integer loopsBackTo;
    private boolean endsStuttering;
    private final List<String> problems = new ArrayList<>();
    private final List<String> progress = new ArrayList<>();

    private TlcOutput(int exitCode) { this.exitCode = exitCode; }

    public int exitCode() { return exitCode; }
    public Verdict verdict() { return verdict; }
    /** The violated invariant's name; for an action property, where TLC says it is. */
    public String property() { return property; }
    public long generatedStates() { return generated; }
    public long distinctStates() { return distinct; }
    public int depth() { return depth; }
    public List<Step> trace() { return trace; }
    /** For a liveness lasso: the step number the last state loops back to, else null. */
    public Integer loopsBackTo() { return loopsBackTo; }
    /** For a liveness counterexample: it ends by stuttering forever in its last state. */
    public boolean endsStuttering() { return endsStuttering; }
    /** Error text: messages of severity 1 and text outside any message (SANY's errors). */
    public List<String> problems() { return problems; }
    /** TLC's progress lines, in order. */
    public List<String> progress() { return progress; }

    /** Reads the whole output of one run. */
    public static TlcOutput parse(String output, int exitCode) {
        TlcOutput r = new TlcOutput(exitCode);
        r.read(output);
        return r;
    }

    private void read(String output) {
        Deque<int[]> open = new ArrayDeque<>();          // {code, severity} of nested messages
        Deque<StringBuilder> bodies = new ArrayDeque<>();
        StringBuilder loose = new StringBuilder();
        boolean success = false, parseFailed = false;
        for (String line : output.split("\\R", -1)) {
            Matcher m = START.matcher(line);
            if (m.matches()) {
                open.push(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
                bodies.push(new StringBuilder());
                continue;
            }
            m = END.matcher(line);
            if (m.matches() && !open.isEmpty()) {
                int[] msg = open.pop();
                String body = bodies.pop().toString().strip();
                success |= msg[0] == SUCCESS;
                parseFailed |= msg[0] == SANY_PARSE_FAILED;
                message(msg[0], msg[1], body);
                // A nested message (a ConfigFileException's reason) belongs to its parent's text too.
                if (!bodies.isEmpty()) bodies.peek().append(body).append('\n');
                continue;
            }
            // A nested message may start mid-line ("...Exception\n: @!@!@STARTMSG"); keep text simple.
            int nested = line.indexOf("@!@!@STARTMSG");
            if (nested > 0) {
                (bodies.isEmpty() ? loose : bodies.peek()).append(line, 0, nested).append('\n');
                Matcher n = START.matcher(line.substring(nested));
                if (n.matches()) {
                    open.push(new int[] {Integer.parseInt(n.group(1)), Integer.parseInt(n.group(2))});
                    bodies.push(new StringBuilder());
                }
                continue;
            }
            (bodies.isEmpty() ? loose : bodies.peek()).append(line).append('\n');
        }
        for (String l : loose.toString().split("\n")) {
            if (!l.isBlank() && !l.startsWith("Parsing file") && !l.startsWith("Semantic processing")) {
                problems.add(l.stripTrailing());
            }
        }
        if (verdict == Verdict.ERROR) {
            if (parseFailed || exitCode == 150) verdict = Verdict.PARSE_ERROR;
            else if (behaviorShown && !trace.isEmpty()) verdict = Verdict.UNNAMED_VIOLATION;
            else if (success && exitCode == 0) verdict = Verdict.PASSED;
        }
    }

    private void message(int code, int severity, String body) {
        switch (code) {
            case INVARIANT_VIOLATED_INITIAL, INVARIANT_VIOLATED_BEHAVIOR -> {
                verdict = Verdict.INVARIANT_VIOLATED;
                Matcher m = INVARIANT.matcher(body);
                property = m.find() ? m.group(1) : body;
            }
            case ACTION_PROPERTY_VIOLATED -> {
                verdict = Verdict.ACTION_PROPERTY_VIOLATED;
                Matcher m = LOCATION.matcher(body);
                property = m.find() ? m.group(5) + " line " + m.group(1) + ", col " + m.group(2) : body;
            }
            case TEMPORAL_PROPERTY_VIOLATED -> verdict = Verdict.TEMPORAL_VIOLATED;
            case DEADLOCK_REACHED -> verdict = Verdict.DEADLOCK;
            case STATE_PRINT -> trace.add(step(body));
            case BEHAVIOR_UP_TO_THIS_POINT -> behaviorShown = true;
            case STUTTER_STATE -> endsStuttering = true;
            case BACK_TO_STATE -> {
                Matcher m = BACK_TO.matcher(body);
                if (m.find()) loopsBackTo = Integer.parseInt(m.group(1));
            }
            case STATS -> {
                Matcher m = STATS_LINE.matcher(body);
                if (m.find()) {
                    generated = number(m.group(1));
                    distinct = number(m.group(2));
                }
            }
            case PROGRESS -> {
                progress.add(body);
                Matcher m = PROGRESS_LINE.matcher(body);
                if (m.find()) {
                    generated = number(m.group(1));
                    distinct = number(m.group(2));
                }
            }
            case SEARCH_DEPTH -> {
                Matcher m = DEPTH.matcher(body);
                if (m.find()) depth = Integer.parseInt(m.group(1));
            }
            default -> {
                if (severity == 1 && !body.startsWith("The behavior up to this point is")
                        && !body.startsWith("The following behavior constitutes")) {
                    problems.add(body);
                }
            }
        }
    }

    private static long number(String digits) { return Long.parseLong(digits.replace(",", "")); }

    /** One state of a trace: a header line, then {@code /\ var = value} conjuncts. */
    static Step step(String body) {
        String[] lines = body.split("\n", 2);
        Matcher h = STATE_HEADER.matcher(lines[0]);
        int number = -1;
        String action = lines[0];
        if (h.matches()) {
            number = Integer.parseInt(h.group(1));
            action = h.group(2).equals("Initial") ? "Init" : h.group(2);
        }
        Map<String, TlaValue> state = new LinkedHashMap<>();
        if (lines.length > 1) {
            String rest = lines[1].strip();
            String[] conjuncts = rest.startsWith("/\\") ? rest.substring(2).split("\n/\\\\ ") : new String[] {rest};
            for (String c : conjuncts) {
                int eq = c.indexOf(" = ");
                if (eq < 0) continue;
                state.put(c.substring(0, eq).strip(), TlaValue.parse(c.substring(eq + 3)));
            }
        }
        return new Step(number, action, state);
    }

    /** The first lines of what went wrong, for a one-line report. */
    public String problemSummary() {
        return problems.isEmpty() ? "exit code " + exitCode
                : String.join(" | ", problems.stream().limit(3).map(p -> p.replace('\n', ' ')).toList());
    }
}

package asys.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A state graph TLC dumped with {@code -dump dot} (no view, so each state's {@code act} names the
 * step that led to it), and every behaviour in it from the initial state up to a depth: each
 * path that reaches the depth or a state with no successor. Written in the format of TLC's
 * {@code -simulate file=} dumps, so that {@link Replay} reads both alike.
 */
public final class StateGraph {

    private static final Pattern NODE = Pattern.compile("^(-?\\d+) \\[label=\"(.*)\"(,style = filled)?\\];?$");
    private static final Pattern EDGE = Pattern.compile("^(-?\\d+) -> (-?\\d+) ");

    private final Map<String, String> states = new HashMap<>();
    private final Map<String, List<String>> next = new HashMap<>();
    private String initial;

    private StateGraph() {}

    /** Reads a dot dump; the initial state is the first node (TLC writes it first, filled). */
    public static StateGraph read(Path dot) throws IOException {
        StateGraph g = new StateGraph();
        for (String line : Files.readAllLines(dot)) {
            Matcher e = EDGE.matcher(line);
            if (e.find()) {
                if (!e.group(1).equals(e.group(2))) g.next.computeIfAbsent(e.group(1), k -> new ArrayList<>()).add(e.group(2));
                continue;
            }
            Matcher n = NODE.matcher(line);
            if (n.matches()) {
                g.states.put(n.group(1), unescape(n.group(2)));
                if (g.initial == null) g.initial = n.group(1);
            }
        }
        if (g.initial == null) throw new IllegalArgumentException(dot + ": no state in this dot file");
        return g;
    }

    private static String unescape(String label) {
        StringBuilder sb = new StringBuilder(label.length());
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            if (c == '\\' && i + 1 < label.length()) {
                char d = label.charAt(++i);
                sb.append(d == 'n' ? '\n' : d);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    public int size() { return states.size(); }

    /** Writes every behaviour up to {@code depth} steps as beh_x_N files under {@code dir}; returns how many. */
    public int writeBehaviours(int depth, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<String> path = new ArrayList<>();
        path.add(initial);
        int[] count = {0};
        walk(path, depth, dir, count);
        return count[0];
    }

    private void walk(List<String> path, int depth, Path dir, int[] count) throws IOException {
        List<String> succ = next.getOrDefault(path.get(path.size() - 1), List.of());
        if (path.size() - 1 == depth || succ.isEmpty()) {
            StringBuilder sb = new StringBuilder("---- MODULE behaviour ----\n");
            for (int i = 0; i < path.size(); i++) {
                sb.append("STATE_").append(i + 1).append(" == \n").append(states.get(path.get(i))).append("\n\n");
            }
            Files.writeString(dir.resolve("beh_x_" + count[0]++), sb.append("====\n"));
            return;
        }
        for (String s : succ) {
            path.add(s);
            walk(path, depth, dir, count);
            path.remove(path.size() - 1);
        }
    }
}

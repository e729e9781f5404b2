package asys.modelcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import asys.runtime.TraceAction;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The runtime's trace format ({@link TraceAction}), the spec's {@code Next} and the runtime's
 * methods name the same steps: every disjunct of {@code Next} is an action of the trace format
 * (but the two the runtime never takes: {@code AwaitSleep}, only under the AwaitNotAtomic fault,
 * and the stuttering {@code Terminated}), every action of the trace format is a disjunct of
 * {@code Next}, and each has a method of its own name in the runtime.
 */
class TraceFormatTest {

    /** Disjuncts of Next that no runtime event records. */
    private static final Set<String> SPEC_ONLY = Set.of("AwaitSleep", "Terminated");

    static Set<String> nextActions() throws IOException {
        String spec = Files.readString(Path.of("../spec/Asys.tla"));
        int at = spec.indexOf("\nNext ==");
        assertTrue(at >= 0, "Asys.tla defines Next");
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("\\n    \\\\/ (?:\\\\E [^:]+: )?([A-Z][A-Za-z]*)").matcher(spec);
        m.region(at, spec.indexOf("\n\n", at + 1));
        while (m.find()) names.add(m.group(1));
        return names;
    }

    @Test
    void everyStepOfNextIsAnActionOfTheTraceFormatAndNoOtherIs() throws IOException {
        Set<String> next = nextActions();
        assertTrue(next.size() >= 18, "Next read: " + next);
        Set<String> traced = new TreeSet<>();
        for (TraceAction a : TraceAction.values()) if (a.isSpecAction()) traced.add(a.name());
        Set<String> expected = new TreeSet<>(next);
        expected.removeAll(SPEC_ONLY);
        assertEquals(expected, traced, "the trace format's actions against Next's");
    }

    @Test
    void everySpecActionHasARuntimeMethodOfItsOwnName() throws Exception {
        Path location = TraceValidator.classesOf(TraceAction.class);   // a classes directory, or the jar in a reactor build
        Set<String> methods = new TreeSet<>();
        try (java.nio.file.FileSystem jar = Files.isDirectory(location) ? null : java.nio.file.FileSystems.newFileSystem(location)) {
            Path root = (jar == null ? location : jar.getPath("/")).resolve("asys/runtime");
            List<Path> files;
            try (Stream<Path> s = Files.walk(root)) {
                files = s.filter(p -> p.toString().endsWith(".class")).toList();
            }
            for (Path f : files) {
                String name = "asys.runtime." + root.relativize(f).toString().replace(".class", "").replace('/', '.');
                for (Method m : Class.forName(name, false, TraceAction.class.getClassLoader()).getDeclaredMethods()) {
                    methods.add(m.getName());
                }
            }
        }
        assertTrue(methods.contains("hookFire"), "the runtime's classes read from " + location);
        List<String> missing = new ArrayList<>();
        for (String action : nextActions()) {
            if (action.equals("Terminated")) continue;   // stuttering: no step of the runtime
            String method = Character.toLowerCase(action.charAt(0)) + action.substring(1);
            if (!methods.contains(method)) missing.add(action + " (" + method + ")");
        }
        assertEquals(List.of(), missing, "spec actions with no runtime method of their name");
    }

    @Test
    void theValidatorRequiresWhatTheFormatMarksRequired() {
        for (TraceAction a : TraceAction.values()) {
            assertTrue(a.fields().containsAll(a.required()), a + ": required fields are fields");
            if (a.isSpecAction()) assertTrue(TraceValidator.ACTIONS.contains(a.name()), a + " is read by the validator");
        }
        assertTrue(!TraceValidator.ACTIONS.contains("Layout"), "Layout is the trace's start, not an action");
    }
}

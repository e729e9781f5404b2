package asys.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The documented examples are these programs, and they print what the documents say they print. */
class ExampleTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    interface Body {
        void run() throws Exception;
    }

    @Test
    void theRuntimeGuidesExampleRunsAndPrintsWhatTheGuideShows() throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            Example.main(new String[0]);
        } finally {
            System.setOut(saved);
        }
        String printed = out.toString(StandardCharsets.UTF_8).strip();
        assertEquals(String.join("\n",
                "1 QUICK 42",
                "3 EAGAIN WOULD_BLOCK",
                "the loop runs this task while call 2 sleeps",
                "4 IN_PROGRESS read",
                "2 IN_PROGRESS slept",
                "hook fires: 1",
                "closed, threads left: 0"), printed);
        String guide = Files.readString(ROOT.resolve("docs/runtime.md"));
        assertTrue(guide.contains(printed), "docs/runtime.md shows the example's output verbatim");
        String source = Files.readString(ROOT.resolve("impl/src/test/java/asys/example/Example.java"));
        String body = source.substring(source.indexOf("public final class Example"));
        assertTrue(guide.contains(body.strip()), "docs/runtime.md shows the example's code verbatim");
    }

    private static String run(Body body) throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8).strip();
    }

    /** The lines between {@code // tag:begin} and {@code // tag:end} of FirstExample, de-indented. */
    private static List<String> block(String tag) throws Exception {
        List<String> lines = Files.readAllLines(ROOT.resolve("impl/src/test/java/asys/example/FirstExample.java"));
        int b = -1, e = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("// " + tag + ":begin")) b = i;
            if (lines.get(i).strip().equals("// " + tag + ":end")) e = i;
        }
        assertTrue(b >= 0 && e > b, "FirstExample marks its " + tag + " block");
        int indent = lines.get(b).indexOf("//");
        List<String> out = new ArrayList<>();
        for (String l : lines.subList(b + 1, e)) out.add(l.length() >= indent ? l.substring(indent) : l.strip());
        return out;
    }

    @Test
    void theReadmesFirstExampleCompilesRunsAndPrintsWhatTheReadmeSays() throws Exception {
        assertEquals("42 slept, hook fires: 1", run(FirstExample::readme), "run from a plain thread, not the loop");
        String readme = Files.readString(ROOT.resolve("README.md"));
        assertTrue(readme.contains("```java\n" + String.join("\n", block("readme")) + "\n```"),
                "README.md shows FirstExample.readme verbatim");
        assertTrue(readme.contains("prints `42 slept, hook fires: 1`"), "README.md says what it prints");
    }

    @Test
    void theRuntimesClassDocumentationExampleCompilesAndRuns() throws Exception {
        assertEquals("slept: IN_PROGRESS", run(FirstExample::javadoc));
        StringBuilder doc = new StringBuilder();
        for (String l : block("javadoc")) doc.append(" * ").append(l).append('\n');
        String source = Files.readString(ROOT.resolve("impl/src/main/java/asys/runtime/AsysRuntime.java"));
        assertTrue(source.contains(" * <pre>{@code\n" + doc + " * }</pre>"),
                "AsysRuntime's class documentation shows FirstExample.javadoc verbatim");
    }
}

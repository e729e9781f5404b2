package asys.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's example is this program, and it prints what the README says it prints. */
class ExampleTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theExampleRunsAndPrintsWhatTheReadmeShows() throws Exception {
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
        String readme = Files.readString(ROOT.resolve("README.md"));
        assertTrue(readme.contains(printed), "README.md shows the example's output verbatim");
        String source = Files.readString(ROOT.resolve("impl/src/test/java/asys/example/Example.java"));
        String body = source.substring(source.indexOf("public final class Example"));
        assertTrue(readme.contains(body.strip()), "README.md shows the example's code verbatim");
    }
}

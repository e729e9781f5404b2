package asys.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@code make bench-instructions} reads callgrind's counts and places them in compiled methods. */
class LoopInstructionsMainTest {

    @TempDir
    Path dir;

    @Test
    void eachInstructionGoesToTheCompiledMethodAtItsAddressAndCalleesCostsAreNotCountedTwice() throws Exception {
        Path log = dir.resolve("compilation.log");
        Files.writeString(log, String.join("\n",
                "<nmethod compile_id='1' compiler='c1' address='0x1000' size='256' method='asys.runtime.CallSteps run (Lasys/runtime/Identity;)Z'/>",
                "<nmethod compile_id='2' compiler='c2' address='0x2000' size='256' method='java.lang.Object &lt;init&gt; ()V'/>",
                // compiled again later at the same address: the later one is the one that ran last
                "<nmethod compile_id='3' compiler='c2' address='0x1000' size='512' method='asys.runtime.IdentityLoop loopStep (Lasys/runtime/KThread;)Z'/>"));
        Path out = dir.resolve("callgrind.out-01");
        Files.writeString(out, String.join("\n",
                "version: 1",
                "positions: instr line",
                "events: Ir",
                "fn=(1) 0x0000000000001010",
                "0x1010 0 40",
                "+2 0 2",
                "cfn=(2) 0x0000000000002000",
                "calls=3 0x2000 0",
                "+3 0 999",           // the callee's inclusive cost, not the caller's own (at 0x1015)
                // entered by a jump, not a call: callgrind counts it in the function of 0x1010,
                // yet it is the code of the method compiled at 0x2000
                "+0xff0 0 4",
                "fn=(2)",
                "0x2000 0 7",
                "fn=(3) 0x0000000000009000'2",
                "0x9000 0 5",
                "fn=(4) SharedRuntime::handle_wrong_method(JavaThread*)",
                "0x7f0000 0 11",
                "fn=(1)",
                "0x1012 0 1",
                "-2 0 1",
                "* 0 1",
                "totals: 72"));
        List<LoopInstructionsMain.Nmethod> code = LoopInstructionsMain.Nmethod.read(log);
        Map<String, Long> byMethod = LoopInstructionsMain.byMethod(out, code);
        assertEquals(Map.of(
                "asys.runtime.IdentityLoop::loopStep", 45L,
                "java.lang.Object::<init>", 11L,
                "(the JIT's code outside any method: the interpreter, stubs)", 5L,
                "(the JVM's and the C library's own code)", 11L), byMethod);
    }

    @Test
    void aFileWithoutInstructionAddressesIsRefusedByName() throws Exception {
        Path out = dir.resolve("callgrind.out-01");
        Files.writeString(out, String.join("\n", "version: 1", "positions: line", "events: Ir",
                "fn=(1) 0x0000000000001010", "0 40"));
        IOException e = assertThrows(IOException.class, () -> LoopInstructionsMain.byMethod(out, List.of()));
        assertTrue(e.getMessage().contains("callgrind.out-01") && e.getMessage().contains("--dump-instr=yes"), e.getMessage());
    }

    @Test
    void aRunsFolderIsRemovedWithEverythingInIt() throws Exception {
        Path run = dir.resolve("run");
        Files.createDirectories(run.resolve("asysExecute-1"));
        Files.writeString(run.resolve("asysExecute-1").resolve("callgrind.out-01"), "events: Ir\n");
        Files.writeString(run.resolve("compilation.log"), "<nmethod/>");
        LoopInstructionsMain.removeAll(run);
        assertFalse(Files.exists(run), "the run's folder is gone");
    }

    @Test
    void aJvmThatCrashedIsKnownByTheCrashLogItLeftInItsFolder() throws Exception {
        Path run = Files.createDirectories(dir.resolve("asysExecute-1"));
        Files.writeString(run.resolve("output.txt"), "# A fatal error has been detected by the Java Runtime Environment\n");
        Files.writeString(run.resolve("callgrind.out-01"), "events: Ir\n");
        assertNull(LoopInstructionsMain.crashLog(run), "no crash log: the run failed some other way");
        Path log = Files.writeString(run.resolve("hs_err_pid18549.log"), "SIGSEGV\n");
        assertEquals(log, LoopInstructionsMain.crashLog(run));
    }
}

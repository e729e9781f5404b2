package asys.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading a compiled method back from the JVM's print of it: its code's bytes in address order,
 * the JVM's comments at their addresses, the compilation that ran most, and each instruction's
 * count per call beside its decoding.
 */
class CompiledCodeTest {

    /** As JDK 17 prints a C2 compilation with no disassembler: bytes in groups, comments between. */
    private static final String PRINT = """
            Compiled method (c1)     304  392   !   3       asys.runtime.IdentityLoop::loopStep (274 bytes)
            [MachCode]
              0x0000000000001000: 90
            [/MachCode]
            Compiled method (c2)     483  424   !   4       asys.runtime.IdentityLoop::loopStep (274 bytes)
             main code      [0x0000000000002000,0x0000000000002006] = 6
            [MachCode]
            [Entry Point]
              0x0000000000002000: 4889 e590 | 90

              0x0000000000002005: ;   {runtime_call ic_miss_stub}
                                  ;*invokevirtual poll {reexecute=0 rethrow=0 return_oop=1}
              0x0000000000002005: c3
            [/MachCode]
            Compiled method (c2)     490  430   !   4       asys.runtime.IdentityLoop::loopStepper (10 bytes)
            [MachCode]
              0x0000000000003000: c3
            [/MachCode]
            """;

    @Test
    void theMethodsC2CompilationsAreReadBackAsTheirBytesWithTheJvmsCommentsAtTheirAddresses(@TempDir Path dir) throws IOException {
        Path out = Files.writeString(dir.resolve("output.txt"), PRINT);
        List<CompiledCode.Block> blocks = CompiledCode.read(out, "asys.runtime.IdentityLoop::loopStep");
        assertEquals(1, blocks.size(), "C2's only, and the method named, not one whose name it begins");
        CompiledCode.Block b = blocks.get(0);
        assertEquals(0x2000, b.from());
        assertArrayEquals(new byte[] {0x48, (byte) 0x89, (byte) 0xe5, (byte) 0x90, (byte) 0x90, (byte) 0xc3}, b.code());
        assertEquals(List.of(";   {runtime_call ic_miss_stub}", ";*invokevirtual poll {reexecute=0 rethrow=0 return_oop=1}"),
                b.comments().get(0x2005L));
    }

    @Test
    void codeWithAGapIsRefused(@TempDir Path dir) throws IOException {
        Path out = Files.writeString(dir.resolve("output.txt"), PRINT.replace("0x0000000000002005: c3", "0x0000000000002009: c3"));
        IOException e = assertThrows(IOException.class, () -> CompiledCode.read(out, "asys.runtime.IdentityLoop::loopStep"));
        assertTrue(e.getMessage().contains("gap at 0x2009"), e.getMessage());
    }

    @Test
    void theHottestCompilationIsTheOneWhoseCodeRanMost() {
        CompiledCode.Block a = new CompiledCode.Block("a", 0x1000, new byte[16], Map.of());
        CompiledCode.Block b = new CompiledCode.Block("b", 0x2000, new byte[16], Map.of());
        assertSame(b, CompiledCode.hottest(List.of(a, b), Map.of(0x1000L, 5L, 0x2003L, 4L, 0x2008L, 4L, 0x3000L, 100L)));
    }

    @Test
    void eachInstructionRunAtLeastTheGivenTimesPerCallIsListedWithItsCountAndComments(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/objdump")), "objdump is not installed");
        assumeTrue(System.getProperty("os.arch").equals("amd64"), "the bytes here are x86-64 code");
        CompiledCode.Block b = CompiledCode.read(Files.writeString(dir.resolve("output.txt"), PRINT),
                "asys.runtime.IdentityLoop::loopStep").get(0);
        // mov %rsp,%rbp at 0x2000, nop at 0x2003 and 0x2004, ret at 0x2005; 1,000 calls
        List<String> lines = CompiledCode.annotate(b, Map.of(0x2000L, 1000L, 0x2003L, 2000L, 0x2004L, 100L, 0x2005L, 1000L), 1000, 0.5);
        assertEquals(6, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).matches("\\s+1\\.00\\s+2000\\s+mov\\s+%rsp,%rbp"), lines.get(0));
        assertTrue(lines.get(1).matches("\\s+2\\.00\\s+2003\\s+nop"), lines.get(1));   // (the nop at 0x2004: 0.1 per call, left out)
        assertTrue(lines.get(2).contains("ic_miss_stub") && lines.get(3).contains("invokevirtual poll"),
                "the JVM's comments, before the instruction at their address");
        assertTrue(lines.get(4).matches("\\s+1\\.00\\s+2005\\s+ret.*"), lines.get(4));
        assertEquals("  3 instructions executed 0.5 times or more per call, 4.0 executions per call in all", lines.get(5));
    }
}

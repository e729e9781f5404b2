package asys.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A compiled method's code as the JVM prints it ({@code -XX:CompileCommand=print,Class::method}),
 * read back into instructions with callgrind's count beside each: which instructions a quick call
 * executes, and how often. With no disassembler in the JDK the JVM prints the code as bytes
 * ("abstract disassembly": lines {@code 0xADDRESS: 4489 8424 ...} between {@code [MachCode]} and
 * {@code [/MachCode]}, with its comments, such as the bytecode a call site is at, on lines of
 * their own); {@code objdump} decodes them.
 */
final class CompiledCode {

    /** One compilation of the method: its code's first address and bytes, and the JVM's comments
     *  by address. */
    record Block(String header, long from, byte[] code, Map<Long, List<String>> comments) {
        long to() { return from + code.length; }
    }

    private static final Pattern CODE_LINE = Pattern.compile("\\s*0x([0-9a-f]+): ([0-9a-f |]+)");
    private static final Pattern COMMENT_LINE = Pattern.compile("\\s*(?:0x([0-9a-f]+): )?(;.*)");
    /** A line of objdump's: an address, the instruction's bytes, its text. */
    private static final Pattern DECODED = Pattern.compile("\\s*([0-9a-f]+):\\s+(?:[0-9a-f]{2} )+\\s*(.*)");

    private CompiledCode() {}

    /** The C2 compilations of {@code method} ({@code Class::method}, as the JVM prints it) in a
     *  JVM's output. */
    static List<Block> read(Path output, String method) throws IOException {
        List<String> lines = Files.readAllLines(output, StandardCharsets.ISO_8859_1);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String h = lines.get(i);
            if (!h.startsWith("Compiled method (c2)") || !h.contains(" " + method + " ")) continue;
            int j = i + 1;
            while (j < lines.size() && !lines.get(j).startsWith("[MachCode]")) j++;
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            Map<Long, List<String>> comments = new HashMap<>();
            long from = -1, last = -1;
            for (j++; j < lines.size() && !lines.get(j).startsWith("[/MachCode]"); j++) {
                String l = lines.get(j);
                Matcher c = CODE_LINE.matcher(l);
                if (c.matches()) {
                    long at = Long.parseUnsignedLong(c.group(1), 16);
                    if (from < 0) from = at;
                    if (at != from + bytes.size()) throw new IOException(output + ": the code of " + method + " has a gap at 0x" + Long.toHexString(at));
                    String hex = c.group(2).replace("|", "").replace(" ", "");
                    for (int k = 0; k + 1 < hex.length(); k += 2) bytes.write(Integer.parseInt(hex.substring(k, k + 2), 16));
                    continue;
                }
                Matcher m = COMMENT_LINE.matcher(l);
                if (m.matches()) {
                    if (m.group(1) != null) last = Long.parseUnsignedLong(m.group(1), 16);
                    if (last >= 0) comments.computeIfAbsent(last, k -> new ArrayList<>()).add(m.group(2).trim());
                }
            }
            if (from >= 0) blocks.add(new Block(h.trim(), from, bytes.toByteArray(), comments));
            i = j;
        }
        return blocks;
    }

    /** The compilation whose code executed the most instructions in {@code counts} (by address). */
    static Block hottest(List<Block> blocks, Map<Long, Long> counts) {
        Block best = null;
        long bestCount = -1;
        for (Block b : blocks) {
            long n = counts.entrySet().stream().filter(e -> e.getKey() >= b.from() && e.getKey() < b.to())
                    .mapToLong(Map.Entry::getValue).sum();
            if (n > bestCount) {
                bestCount = n;
                best = b;
            }
        }
        return best;
    }

    /**
     * {@code b}'s instructions executed at least {@code min} times per call ({@code counts}
     * divided by {@code calls}), in address order, each with its count per call and the JVM's
     * comments at its address; then one line with their sum. Decoded by {@code objdump}.
     */
    static List<String> annotate(Block b, Map<Long, Long> counts, long calls, double min) throws IOException, InterruptedException {
        String arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "i386:x86-64";
            case "aarch64" -> "aarch64";
            default -> throw new IOException("no objdump machine known for " + System.getProperty("os.arch"));
        };
        Path bin = Files.createTempFile("asys-compiled-", ".bin");
        try {
            Files.write(bin, b.code());
            Process p = new ProcessBuilder("objdump", "-D", "-b", "binary", "-m" + arch, "--adjust-vma=0x" + Long.toHexString(b.from()),
                    bin.toString()).redirectErrorStream(true).start();
            List<String> decoded = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            if (!p.waitFor(1, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException("objdump failed: " + String.join("\n", decoded));
            }
            List<String> out = new ArrayList<>();
            double sum = 0;
            int n = 0;
            for (String l : decoded) {
                Matcher m = DECODED.matcher(l);
                if (!m.matches()) continue;
                long at = Long.parseUnsignedLong(m.group(1), 16);
                double perCall = counts.getOrDefault(at, 0L) / (double) calls;
                if (perCall < min) continue;
                for (String c : b.comments().getOrDefault(at, List.of())) out.add("                      " + c);
                out.add(String.format("  %6.2f  %x  %s", perCall, at, m.group(2).trim()));
                sum += perCall;
                n++;
            }
            out.add(String.format("  %d instructions executed %.1f times or more per call, %.1f executions per call in all",
                    n, min, sum));
            return out;
        } finally {
            Files.deleteIfExists(bin);
        }
    }
}

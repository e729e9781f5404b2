package asys.bench.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key-value service of docs/comparison.md, written three ways, behaves the same way each
 * time (a miss reads the file, a hit does not, a missing file fails the future, an external
 * lookup completes later), and the asys version is no longer than the Vert.x one. The docs
 * show each verbatim.
 */
class KvServicesTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Function<String, CompletableFuture<String>> LOOKUP = name -> CompletableFuture.supplyAsync(
            name::toUpperCase, CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS));

    interface Kv extends AutoCloseable {
        CompletableFuture<String> get(String key);
        CompletableFuture<String> resolve(String name);
    }

    private static void behaves(Path dir, Kv kv) throws Exception {
        try (kv) {
            Files.writeString(dir.resolve("a"), "alpha");
            assertEquals("alpha", kv.get("a").get(10, TimeUnit.SECONDS), "a miss reads the file");
            Files.delete(dir.resolve("a"));
            assertEquals("alpha", kv.get("a").get(10, TimeUnit.SECONDS), "a hit does not");
            ExecutionException e = assertThrows(ExecutionException.class, () -> kv.get("missing").get(10, TimeUnit.SECONDS));
            Throwable cause = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
            assertInstanceOf(NoSuchFileException.class, cause);
            assertEquals("X", kv.resolve("x").get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void theAsysServiceBehavesAsSpecified(@TempDir Path dir) throws Exception {
        KvAsys s = new KvAsys(dir, LOOKUP);
        behaves(dir, new Kv() {
            public CompletableFuture<String> get(String k) { return s.get(k); }
            public CompletableFuture<String> resolve(String n) { return s.resolve(n); }
            public void close() { s.close(); }
        });
    }

    @Test
    void theVertxServiceBehavesAsSpecified(@TempDir Path dir) throws Exception {
        KvVertx s = new KvVertx(dir, LOOKUP);
        behaves(dir, new Kv() {
            public CompletableFuture<String> get(String k) { return s.get(k); }
            public CompletableFuture<String> resolve(String n) { return s.resolve(n); }
            public void close() { s.close(); }
        });
    }

    @Test
    void theVirtualThreadServiceBehavesAsSpecified(@TempDir Path dir) throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21+; this JVM is " + Runtime.version());
        KvVirtual s = new KvVirtual(dir, LOOKUP);
        behaves(dir, new Kv() {
            public CompletableFuture<String> get(String k) { return s.get(k); }
            public CompletableFuture<String> resolve(String n) { return s.resolve(n); }
            public void close() { s.close(); }
        });
    }

    /** The lines between {@code // kv:begin} and {@code // kv:end}. */
    static List<String> block(String cls) throws Exception {
        List<String> lines = Files.readAllLines(ROOT.resolve("bench/src/main/java/asys/bench/kv/" + cls + ".java"));
        int b = lines.indexOf("// kv:begin"), e = lines.indexOf("// kv:end");
        assertTrue(b >= 0 && e > b, cls + " marks its block");
        return new ArrayList<>(lines.subList(b + 1, e));
    }

    @Test
    void theAsysVersionIsNoLongerThanTheVertxOneAndTheDocsShowEachVerbatim() throws Exception {
        int asys = block("KvAsys").size(), vertx = block("KvVertx").size(), virtual = block("KvVirtual").size();
        System.out.println("kv service lines: asys " + asys + ", Vert.x " + vertx + ", virtual threads " + virtual);
        assertTrue(asys <= vertx, "asys " + asys + " lines against Vert.x " + vertx);
        String doc = Files.readString(ROOT.resolve("docs/comparison.md"));
        for (String cls : List.of("KvAsys", "KvVertx", "KvVirtual")) {
            assertTrue(doc.contains("```java\n" + String.join("\n", block(cls)) + "\n```"), "docs/comparison.md shows " + cls + " verbatim");
        }
        assertTrue(doc.contains("asys " + asys + " lines, Vert.x " + vertx + ", virtual threads " + virtual),
                "docs/comparison.md gives the counts this test measures");
    }
}

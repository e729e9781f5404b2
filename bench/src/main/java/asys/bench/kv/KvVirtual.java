package asys.bench.kv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/** The small key-value service of docs/comparison.md, on virtual threads (JDK 21+; this module
 *  compiles for 17, so the one JDK 21 method is reached by reflection). */
// kv:begin
public final class KvVirtual implements AutoCloseable {
    private final ExecutorService threads = newVirtualThreadPerTaskExecutor();
    private final Map<String, String> cache = new ConcurrentHashMap<>();   // shared by every thread
    private final Path dir;
    private final Function<String, CompletableFuture<String>> lookup;

    public KvVirtual(Path dir, Function<String, CompletableFuture<String>> lookup) {
        this.dir = dir;
        this.lookup = lookup;
    }

    /** Every get on a virtual thread of its own; a miss reads the file there. */
    public CompletableFuture<String> get(String key) {
        return CompletableFuture.supplyAsync(() -> cache.computeIfAbsent(key, k -> {
            try {
                return Files.readString(dir.resolve(k));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }), threads);
    }

    /** An external lookup: its own future. */
    public CompletableFuture<String> resolve(String name) { return lookup.apply(name); }

    @Override public void close() { threads.shutdown(); }
// kv:end

    private static ExecutorService newVirtualThreadPerTaskExecutor() {
        try {
            return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new UnsupportedOperationException("virtual threads need JDK 21 or later, this is " + Runtime.version(), e);
        }
    }
}

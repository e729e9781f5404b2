package asys.bench.kv;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** The small key-value service of docs/comparison.md, on Vert.x with executeBlocking. */
// kv:begin
public final class KvVertx implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx();
    private final Context loop = vertx.getOrCreateContext();
    private final Map<String, String> cache = new HashMap<>();   // the event loop's: no lock
    private final Path dir;
    private final Function<String, CompletableFuture<String>> lookup;

    public KvVertx(Path dir, Function<String, CompletableFuture<String>> lookup) {
        this.dir = dir;
        this.lookup = lookup;
    }

    /** A hit is answered on the event loop; a miss reads the file on a worker thread. */
    public CompletableFuture<String> get(String key) {
        CompletableFuture<String> out = new CompletableFuture<>();
        loop.runOnContext(v -> {
            String hit = cache.get(key);
            if (hit != null) {
                out.complete(hit);
                return;
            }
            loop.executeBlocking(() -> Files.readString(dir.resolve(key)))
                    .onSuccess(s -> { cache.put(key, s); out.complete(s); })
                    .onFailure(out::completeExceptionally);
        });
        return out;
    }

    /** An external lookup: its future, completed on the event loop. */
    public CompletableFuture<String> resolve(String name) {
        CompletableFuture<String> out = new CompletableFuture<>();
        lookup.apply(name).whenComplete((s, e) -> loop.runOnContext(v -> {
            if (e != null) out.completeExceptionally(e);
            else out.complete(s);
        }));
        return out;
    }

    @Override public void close() { vertx.close().toCompletionStage().toCompletableFuture().join(); }
}
// kv:end

package asys.bench.kv;

import asys.runtime.AsysRuntime;
import asys.runtime.Blocking;
import asys.runtime.CallFlags;
import asys.runtime.Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** The small key-value service of docs/comparison.md, on asys. */
// kv:begin
public final class KvAsys implements AutoCloseable {
    private final AsysRuntime rt = AsysRuntime.builder().build();
    private final Identity loop = rt.newIdentity("kv");
    private final Map<String, String> cache = new HashMap<>();   // the loop's: no lock
    private final Path dir;
    private final Function<String, CompletableFuture<String>> lookup;

    public KvAsys(Path dir, Function<String, CompletableFuture<String>> lookup) {
        this.dir = dir;
        this.lookup = lookup;
    }

    /** A hit is a quick call on the loop; a miss reads the file, and the loop goes on meanwhile. */
    public CompletableFuture<String> get(String key) {
        return loop.submit(() -> {
            String hit = cache.get(key);
            return hit != null ? hit : Blocking.call(() -> Files.readString(dir.resolve(key)));
        }).thenApplyAsync(v -> { cache.put(key, v); return v; }, loop);
    }

    /** An external lookup: a state machine, no thread held while it runs. */
    public CompletableFuture<String> resolve(String name) {
        return loop.submitStage(CallFlags.NONE, () -> lookup.apply(name));
    }

    @Override public void close() { rt.close(); }
}
// kv:end

package asys.bench;

import asys.runtime.AsysRuntime;
import asys.runtime.CallHandle;
import asys.runtime.Identity;
import asys.runtime.Outcome;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Scenario 5, identities: {@link #CALLS} non-blocking calls spread evenly over 1 to 16 identities
 * (loops) on two lanes, with {@link Work.Window#DEPTH} batches in flight; calls per second. Each
 * loop counts its own handlers and reports to the measuring thread once, so the count itself is
 * not a shared hot spot.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(ScaleBench.CALLS)
@State(Scope.Benchmark)
public class ScaleBench {

    /** Divisible by every identity count. */
    static final int CALLS = 1024;

    @Param({"1", "2", "4", "8", "16"})
    public int identities;

    private AsysRuntime rt;
    private Identity[] loops;
    private final Work.Window window = new Work.Window();

    @Setup
    public void setup() {
        rt = AsysRuntime.builder().lanes(2).spareCapacity(2).build();
        loops = new Identity[identities];
        for (int j = 0; j < identities; j++) loops[j] = rt.newIdentity("scale-" + j);
    }

    /** The batches still in flight complete first; then the runtime closes. */
    @TearDown
    public void tearDown() throws Exception {
        window.drain("the last batches");
        if (!rt.close(Duration.ofSeconds(30))) throw new IllegalStateException("asys runtime did not close in 30 s");
    }

    @Benchmark
    public void asys() throws Exception {
        int per = CALLS / identities;
        Work.Batch batch = window.next("asys with " + identities + " identities");
        if (batch.perLoop == null) batch.perLoop = new int[identities];
        int[] left = batch.perLoop;
        batch.arm(identities);
        for (int j = 0; j < identities; j++) {
            final int loop = j;
            Identity id = loops[j];
            id.execute(() -> {
                left[loop] = per;
                for (int i = 0; i < per; i++) {
                    final int k = i;
                    id.submit(() -> Work.quick(k), (CallHandle<Long> r) -> {
                        if (r.outcome() != Outcome.QUICK || r.value() == null || r.value() != Work.quick(k)) batch.wrong(r);
                        if (--left[loop] == 0) batch.done(0, Work.quick(0));
                    });
                }
            });
        }
    }
}

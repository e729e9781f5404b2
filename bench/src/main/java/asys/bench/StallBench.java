package asys.bench;

import asys.runtime.AsysRuntime;
import asys.runtime.Blocking;
import asys.runtime.CallHandle;
import asys.runtime.Identity;
import asys.runtime.Outcome;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Scenario 4, loop stall: a loop is given a call that blocks 1 ms and, ready behind it, a probe
 * task; the sample is the time from handing the loop that work to the probe having run (seen by
 * the measuring thread, so two thread wake-ups are included). JMH's sample mode gives p50, p99 and
 * p99.9. The blocking call's own completion is awaited outside the measured time (invocation
 * teardown), and checked.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class StallBench extends StallProbe {




    @State(Scope.Benchmark)
    public static class Asys {
        AsysRuntime rt;
        Identity loop;

        @Setup
        public void setup() {
            rt = AsysRuntime.builder().lanes(1).spareCapacity(2).build();
            loop = rt.newIdentity("stall");
        }

        @TearDown
        public void tearDown() {
            if (!rt.close(Duration.ofSeconds(30))) throw new IllegalStateException("asys runtime did not close in 30 s");
        }
    }

    /** asys: the call blocks, the hook hands the loop to a spare, the spare runs the probe. */
    @Benchmark
    public void asys(Asys a) {
        arm();
        a.loop.execute(() -> {
            a.loop.execute(probe);
            a.loop.submit(() -> {
                Blocking.sleep(Duration.ofNanos(Work.BLOCK_NANOS));
                return Work.quick(0);
            }, (CallHandle<Long> r) -> {
                if (r.outcome() != Outcome.IN_PROGRESS) blockingCall.wrong(r);
                blockingCall.done(0, r.value() == null ? -1 : r.value());
            });
        });
        awaitProbe();
    }


    /** A plain loop that runs the call inline: the probe waits out the 1 ms. */
    @Benchmark
    public void direct(Plain p) {
        arm();
        p.loop.execute(() -> {
            try {
                blockingCall.done(0, Work.sleepingCall(0));
            } catch (InterruptedException e) {
                blockingCall.wrong(e);
            }
        });
        p.loop.execute(probe);
        awaitProbe();
    }


    /** Vert.x: the call goes to a worker through executeBlocking; the loop runs the probe. */
    @Benchmark
    public void vertx(VertxLoop v) {
        arm();
        v.ctx.runOnContext(ignored -> {
            v.vertx.executeBlocking(() -> Work.sleepingCall(0), false).onComplete(ar -> {
                if (ar.failed()) blockingCall.wrong(ar.cause());
                blockingCall.done(0, ar.succeeded() ? ar.result() : -1);
            });
            v.ctx.runOnContext(x -> probe.run());
        });
        awaitProbe();
    }
}

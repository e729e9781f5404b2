package asys.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import asys.runtime.EagainReason;
import asys.runtime.Outcome;
import org.junit.jupiter.api.Test;

/**
 * The stress run of {@code make stress}, at 10^6 calls: every call gets exactly one outcome, one
 * its kind allows, under a mix that also exhausts the pool and hits the in-flight limit.
 */
class StressTest {

    @Test
    void aMillionMixedCallsEachGetExactlyOneAllowedOutcome() throws Exception {
        Stress.Result r = Stress.run(1_000_000, 20261126L);
        System.out.println(r.summary());
        System.out.println("  outcomes: " + r.byOutcome() + "; EAGAIN reasons: " + r.byReason() + "; hook fires: " + r.hookFires());
        assertEquals(0, r.lost(), "lost calls");
        assertEquals(0, r.doubled(), "calls delivered twice");
        assertEquals(0, r.wrongOutcomes(), "outcomes their kind does not allow: " + r.problems());
        assertTrue(r.problems().isEmpty(), r.problems().toString());
        for (Outcome o : new Outcome[] {Outcome.QUICK, Outcome.IN_PROGRESS, Outcome.EAGAIN}) {
            assertTrue(r.byOutcome().get(o) > 0, "no " + o + " outcome in " + r.byOutcome());
        }
        // The mix really exercised what it claims to: every outcome and every EAGAIN reason a healthy
        // runtime gives occurred; RUNTIME_ERROR (the runtime's own Submit failed) never did.
        for (EagainReason why : EagainReason.values()) {
            if (why == EagainReason.RUNTIME_ERROR) assertEquals(Long.valueOf(0), r.byReason().get(why), "the runtime's own steps failed: " + r.problems());
            else assertTrue(r.byReason().get(why) > 0, "no EAGAIN (" + why + ") in " + r.byReason());
        }
    }
}

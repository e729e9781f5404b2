package asys.conformance;

import static org.junit.Assert.assertEquals;

import com.pholser.junit.quickcheck.From;
import edu.berkeley.cs.jqf.fuzz.Fuzz;
import edu.berkeley.cs.jqf.fuzz.JQF;
import java.util.List;
import org.junit.runner.RunWith;

/**
 * The JQF fuzz driver: the same workload generator, driven by JQF's coverage-guided input. Under
 * {@code mvn test} it runs a short pass of random trials; {@code make fuzz} runs a campaign.
 * Every promise the runner checks must hold.
 */
@RunWith(JQF.class)
public class WorkloadFuzzTest {

    @Fuzz
    public void runtimeKeepsEveryPromise(@From(WorkloadGenerator.class) Workload w) {
        assertEquals(w.toString(), List.of(), WorkloadRunner.run(w).violations());
    }
}

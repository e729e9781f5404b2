package asys.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The property tests and the fuzz driver really run: runs them through the JUnit Platform (the
 * vintage engine, as Surefire does) and requires at least 1,000 property tries and 100 fuzz trials
 * to have executed. Without junit-vintage-engine, or with a runner that quietly runs nothing, this
 * fails instead of passing silently.
 */
class TriesCountTest {

    @Test
    void atLeastAThousandPropertyTriesAndAHundredFuzzTrialsRun() {
        long before = WorkloadRunner.runs();
        TestExecutionSummary props = run(WorkloadPropertiesTest.class);
        long tries = WorkloadRunner.runs() - before;
        assertTrue(props.getTestsSucceededCount() == 4 && props.getTotalFailureCount() == 0,
                () -> "the 4 properties must run and pass: " + props.getTestsSucceededCount() + " passed, "
                        + props.getTotalFailureCount() + " failed" + failures(props));
        assertTrue(tries >= 1000, "property tries executed: " + tries);
        long beforeFuzz = WorkloadRunner.runs();
        TestExecutionSummary fuzz = run(WorkloadFuzzTest.class);
        long trials = WorkloadRunner.runs() - beforeFuzz;
        assertTrue(fuzz.getTestsSucceededCount() == 1 && fuzz.getTotalFailureCount() == 0,
                () -> "the fuzz driver must run and pass" + failures(fuzz));
        assertTrue(trials >= 100, "fuzz trials executed: " + trials);
        System.out.printf("properties: %d tries, fuzz: %d trials%n", tries, trials);
    }

    /** Each failure's test and message (junit-quickcheck's message names the shrunk workload). */
    static String failures(TestExecutionSummary s) {
        StringBuilder sb = new StringBuilder();
        s.getFailures().forEach(f -> sb.append("\n  ").append(f.getTestIdentifier().getDisplayName()).append(": ")
                .append(f.getException()));
        return sb.toString();
    }

    static TestExecutionSummary run(Class<?> c) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClass(c)).build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        return listener.getSummary();
    }
}

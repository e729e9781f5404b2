package asys.conformance;

import asys.runtime.CallFlags;
import com.pholser.junit.quickcheck.generator.GenerationStatus;
import com.pholser.junit.quickcheck.generator.Generator;
import com.pholser.junit.quickcheck.random.SourceOfRandomness;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Generates {@link Workload}s for junit-quickcheck property tests and for the JQF fuzz driver
 * (JQF drives the same generator from its own byte stream). Shrinks by dropping calls, tasks and
 * identities, and by making calls simpler.
 */
public final class WorkloadGenerator extends Generator<Workload> {

    public WorkloadGenerator() { super(Workload.class); }

    @Override
    public Workload generate(SourceOfRandomness r, GenerationStatus status) {
        int preset = r.nextInt(0, Workload.PRESETS.length - 1);
        int ids = r.nextInt(1, 3);
        List<List<List<Workload.CallSpec>>> identities = new ArrayList<>();
        for (int u = 0; u < ids; u++) {
            List<List<Workload.CallSpec>> tasks = new ArrayList<>();
            int nTasks = r.nextInt(1, 3);
            for (int t = 0; t < nTasks; t++) {
                List<Workload.CallSpec> calls = new ArrayList<>();
                int nCalls = r.nextInt(1, 5);
                for (int c = 0; c < nCalls; c++) calls.add(call(r));
                tasks.add(calls);
            }
            identities.add(tasks);
        }
        return new Workload(preset, identities, shuffledReleases(identities, r));
    }

    static Workload.CallSpec call(SourceOfRandomness r) {
        int k = r.nextInt(0, 99);
        Workload.Kind kind = k < 35 ? Workload.Kind.QUICK : k < 65 ? Workload.Kind.BLOCK : k < 72 ? Workload.Kind.THROW
                : k < 80 ? Workload.Kind.BLOCK_THEN_THROW : k < 93 ? Workload.Kind.MACHINE : Workload.Kind.MACHINE_DONE;
        int blocks = kind == Workload.Kind.BLOCK || kind == Workload.Kind.BLOCK_THEN_THROW ? r.nextInt(1, 3) : 0;
        int f = r.nextInt(0, 99);
        int flags = f < 15 ? CallFlags.NONBLOCK : f < 30 ? CallFlags.ATOMIC : f < 33 ? CallFlags.NONBLOCK | CallFlags.ATOMIC : 0;
        return new Workload.CallSpec(kind, blocks, flags);
    }

    /**
     * What the test does, in a random order: per task a sequence (its start, unless it is its
     * identity's first task, then its release points in random order), the sequences merged at
     * random so that a task starts before its calls are released and an identity's tasks start in
     * order.
     */
    static List<Integer> shuffledReleases(List<List<List<Workload.CallSpec>>> identities, SourceOfRandomness r) {
        List<java.util.ArrayDeque<Integer>> perIdentity = new ArrayList<>();
        int call = 0, task = 0;
        for (List<List<Workload.CallSpec>> tasks : identities) {
            java.util.ArrayDeque<Integer> seq = new java.util.ArrayDeque<>();
            for (int t = 0; t < tasks.size(); t++) {
                if (t > 0) seq.add(-(task + 1));
                List<Integer> points = new ArrayList<>();
                for (Workload.CallSpec c : tasks.get(t)) {
                    for (int p = 0; p < c.releasePoints(); p++) points.add(call);
                    call++;
                }
                Collections.shuffle(points, r.toJDKRandom());
                seq.addAll(points);
                task++;
            }
            perIdentity.add(seq);
        }
        List<Integer> order = new ArrayList<>();
        List<java.util.ArrayDeque<Integer>> open = new ArrayList<>(perIdentity);
        open.removeIf(java.util.ArrayDeque::isEmpty);
        while (!open.isEmpty()) {
            int pick = r.nextInt(0, open.size() - 1);
            order.add(open.get(pick).poll());
            if (open.get(pick).isEmpty()) open.remove(pick);
        }
        // Half the workloads close their identities with calls in flight: anywhere after the last
        // task is given (the runner waits there until every call has been submitted).
        if (r.nextBoolean()) {
            int lastTask = -1;
            for (int i = 0; i < order.size(); i++) if (order.get(i) < 0) lastTask = i;
            order.add(r.nextInt(lastTask + 1, order.size()), Workload.CLOSE);
        }
        return order;
    }

    @Override
    public List<Workload> doShrink(SourceOfRandomness r, Workload larger) {
        List<Workload> smaller = new ArrayList<>();
        List<List<List<Workload.CallSpec>>> ids = larger.identities();
        for (int u = 0; u < ids.size(); u++) {
            if (ids.size() > 1) smaller.add(rebuild(larger, without(ids, u), r));
            for (int t = 0; t < ids.get(u).size(); t++) {
                List<List<Workload.CallSpec>> task = ids.get(u);
                if (task.size() > 1) smaller.add(rebuild(larger, replace(ids, u, without(task, t)), r));
                List<Workload.CallSpec> calls = task.get(t);
                for (int c = 0; c < calls.size(); c++) {
                    if (calls.size() > 1) smaller.add(rebuild(larger, replace(ids, u, replace(task, t, without(calls, c))), r));
                    Workload.CallSpec s = calls.get(c);
                    if (s.kind() != Workload.Kind.QUICK || s.flags() != 0) {
                        Workload.CallSpec simple = new Workload.CallSpec(Workload.Kind.QUICK, 0, 0);
                        smaller.add(rebuild(larger, replace(ids, u, replace(task, t, replace(calls, c, simple))), r));
                    }
                }
            }
        }
        return smaller;
    }

    /** A smaller workload, done in the plainest order: identity by identity, task by task. */
    private static Workload rebuild(Workload w, List<List<List<Workload.CallSpec>>> ids, SourceOfRandomness r) {
        List<Integer> order = new ArrayList<>();
        int call = 0, task = 0;
        for (List<List<Workload.CallSpec>> tasks : ids) {
            for (int t = 0; t < tasks.size(); t++) {
                if (t > 0) order.add(-(task + 1));
                for (Workload.CallSpec c : tasks.get(t)) {
                    for (int p = 0; p < c.releasePoints(); p++) order.add(call);
                    call++;
                }
                task++;
            }
        }
        return new Workload(w.preset(), ids, order);
    }

    private static <T> List<T> without(List<T> l, int i) {
        List<T> c = new ArrayList<>(l);
        c.remove(i);
        return c;
    }

    private static <T> List<T> replace(List<T> l, int i, T v) {
        List<T> c = new ArrayList<>(l);
        c.set(i, v);
        return c;
    }
}

package asys.conformance;

import java.util.ArrayList;
import java.util.List;

/**
 * A generated workload: runtime settings, identities with their tasks, the calls each task
 * submits, and the order in which the test releases blocked calls and completes state machines.
 *
 * @param preset       index into {@link #PRESETS}: lanes, spare capacity, thread limit, in-flight limit,
 *                     spare floor
 * @param identities   per identity, its tasks; per task, the calls it submits
 * @param releaseOrder what the test does, in order: an index into {@link #calls()} releases that call's
 *                     next block (a call that blocks n times appears n times) or completes its state
 *                     machine; {@code -(t + 1)} gives task t (numbered across identities, see
 *                     {@link #tasks()}) to its identity; {@link #CLOSE} closes every identity
 *                     (once each has submitted all its calls) while calls may still be in flight.
 *                     Each identity's first task is given at the start; a task is given before any
 *                     of its calls is released, and none after {@link #CLOSE}.
 */
public record Workload(int preset, List<List<List<CallSpec>>> identities, List<Integer> releaseOrder) {

    /** In {@link #releaseOrder}: close every identity now (calls in flight go on to their outcome). */
    public static final int CLOSE = Integer.MIN_VALUE;

    /** Settings: lanes, spareCapacity, threadLimit, inFlightLimit, spareFloor. Few, so TLC checks them
     *  in few runs. The last two grow their pools past their floors (the last has none: its pool
     *  starts empty), and their idle spares exit on a keep-alive of {@link #KEEP_ALIVE_MS}. */
    public static final int[][] PRESETS = {
            {1, 1, 4, 2, 1},
            {2, 1, 6, 3, 1},
            {1, 1, 4, 4, 1},
            {2, 2, 8, 8, 2},
            {1, 3, 5, 3, 1},
            {1, 2, 4, 3, 0},
    };

    /** The spares' keep-alive in every run: short, so that spares above a floor exit mid-workload. */
    public static final int KEEP_ALIVE_MS = 1;

    /** How long the allocator waits for a spare (spareWait) in the presets whose pools adapt;
     *  the others get EAGAIN (NO_SPARE) at once. */
    public static final int SPARE_WAIT_MS = 5;

    /** What a call does. */
    public enum Kind {
        /** returns at once */ QUICK,
        /** blocks {@code blocks} times on gates the test opens, then returns */ BLOCK,
        /** throws at once */ THROW,
        /** blocks, then throws */ BLOCK_THEN_THROW,
        /** returns a stage the test completes later: an explicit state machine */ MACHINE,
        /** returns a stage already complete */ MACHINE_DONE
    }

    /** One call: its kind, how often it blocks (BLOCK, BLOCK_THEN_THROW), its flags. */
    public record CallSpec(Kind kind, int blocks, int flags) {
        int releasePoints() {
            return switch (kind) {
                case BLOCK, BLOCK_THEN_THROW -> blocks;
                case MACHINE -> 1;
                default -> 0;
            };
        }
    }

    public int lanes() { return PRESETS[preset][0]; }
    public int spareCapacity() { return PRESETS[preset][1]; }
    public int threadLimit() { return PRESETS[preset][2]; }
    public int inFlightLimit() { return PRESETS[preset][3]; }
    public int spareFloor() { return PRESETS[preset][4]; }
    public int spareWaitMs() { return spareFloor() < spareCapacity() ? SPARE_WAIT_MS : 0; }

    /** A task with its identity and the index of its first call in {@link #calls()}. */
    public record TaskRef(int identity, List<CallSpec> calls, int firstCall, boolean first) {}

    /** Every task, identity by identity, in order. */
    public List<TaskRef> tasks() {
        List<TaskRef> all = new ArrayList<>();
        int call = 0;
        for (int u = 0; u < identities.size(); u++) {
            for (int t = 0; t < identities.get(u).size(); t++) {
                List<CallSpec> calls = identities.get(u).get(t);
                all.add(new TaskRef(u, calls, call, t == 0));
                call += calls.size();
            }
        }
        return all;
    }

    /** Every call in submission order: identity by identity, task by task. */
    public List<CallSpec> calls() {
        List<CallSpec> all = new ArrayList<>();
        for (List<List<CallSpec>> tasks : identities) for (List<CallSpec> task : tasks) all.addAll(task);
        return all;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Workload[lanes=" + lanes() + ", spareCapacity=" + spareCapacity()
                + ", spareFloor=" + spareFloor()
                + ", threadLimit=" + threadLimit() + ", inFlightLimit=" + inFlightLimit());
        int c = 0;
        for (int u = 0; u < identities.size(); u++) {
            sb.append(", identity ").append(u + 1).append(": ");
            for (List<CallSpec> task : identities.get(u)) {
                sb.append("task(");
                for (CallSpec s : task) {
                    sb.append('#').append(c++).append(' ').append(s.kind());
                    if (s.releasePoints() > 1) sb.append('x').append(s.blocks());
                    if ((s.flags() & 1) != 0) sb.append(" NONBLOCK");
                    if ((s.flags() & 2) != 0) sb.append(" ATOMIC");
                    sb.append(';');
                }
                sb.append(") ");
            }
        }
        List<Object> order = new ArrayList<>();
        for (int x : releaseOrder) order.add(x == CLOSE ? "close" : x);
        return sb.append(", release ").append(order).append(']').toString();
    }
}

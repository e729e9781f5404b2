package asys.conformance;

import asys.modelcheck.TlaValue;
import asys.runtime.AsysRuntime;
import asys.runtime.Blocking;
import asys.runtime.CallFlags;
import asys.runtime.CallHandle;
import asys.runtime.Identity;
import asys.runtime.Outcome;
import asys.runtime.TraceSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * TLC to runtime: replays a behaviour that TLC generated (model-check/MCAsys_replay.cfg: one
 * lane, one identity) on the runtime. The harness gives every step that is not the runtime's own
 * to make: it submits each call when the behaviour submits it, and each call's body waits on a
 * gate before it returns, blocks, or returns a pending stage, as the behaviour's next step for
 * that call says; it opens a blocked call's gates at WorkerWake, lets a worker return at
 * WorkerFinish, completes state machines at MachineComplete. After each step it waits for the
 * runtime's event for that step. Then, per call: the outcome must be the behaviour's, the
 * runtime's steps for the call must be the behaviour's, and the threads must play the same roles
 * (thread ids are matched up to renaming: the caller keeps the call, the spare returns to user
 * space).
 */
public final class Replay {

    /** One step of a behaviour: the action and its arguments (from the spec's {@code act}). */
    public record Step(String action, List<String> args, Map<String, TlaValue> state) {}

    /** What replaying one behaviour found. */
    public record Result(Path file, int steps, List<String> mismatches) {}

    static final long STEP_TIMEOUT_MS = 3_000;
    /** How long a replayed runtime may take to close: the whole wait while it matched the
     *  behaviour, a short one once it did not. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10), CLOSE_TIMEOUT_AFTER_MISMATCH = Duration.ofMillis(500);

    private Replay() {}

    /** Reads one behaviour file written by {@code tlc2.TLC -simulate file=...}; drops the final stutter. */
    public static List<Step> read(Path file) throws IOException {
        String text = Files.readString(file);
        String[] blocks = text.split("(?m)^STATE_\\d+ ==\\s*$");
        List<Step> steps = new ArrayList<>();
        for (int b = 1; b < blocks.length; b++) {
            Map<String, TlaValue> state = new LinkedHashMap<>();
            String body = blocks[b].replaceAll("(?m)^=+\\s*$", "").strip();
            for (String conj : body.split("(?m)^/\\\\ ")) {
                conj = conj.strip();
                int eq = conj.indexOf(" = ");
                if (conj.isEmpty() || eq < 0) continue;
                state.put(conj.substring(0, eq).strip(), TlaValue.parse(conj.substring(eq + 3).strip()));
            }
            if (!steps.isEmpty() && steps.get(steps.size() - 1).state().equals(state)) break;   // Terminated
            TlaValue.Collection act = (TlaValue.Collection) state.get("act");
            if (act == null) throw new IllegalArgumentException(file + ": state " + b + " has no act");
            List<String> args = new ArrayList<>();
            for (TlaValue v : act.elements().subList(1, act.elements().size())) {
                args.add(v instanceof TlaValue.Atom a ? a.bare() : v.text());
            }
            steps.add(new Step(((TlaValue.Atom) act.elements().get(0)).bare(), args, state));
        }
        return steps;
    }

    /** All behaviour files in a directory. */
    public static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("beh_")).sorted().toList();
        }
    }

    /** The steps that name a call, by call: the action and its arguments. */
    static Map<String, List<Step>> byCall(List<Step> steps) {
        Map<String, List<Step>> out = new LinkedHashMap<>();
        for (Step s : steps) {
            String x = callOf(s);
            if (x != null) out.computeIfAbsent(x, k -> new ArrayList<>()).add(s);
        }
        return out;
    }

    static String callOf(Step s) {
        return switch (s.action()) {
            case "Submit", "Allocate", "CompleteInline", "WouldBlock", "ReturnToUser", "WorkerWake", "WorkerBlock",
                 "WorkerFinish", "Reap" -> s.args().get(1);
            case "HookFire" -> s.args().get(2);
            case "MachineComplete" -> s.args().get(0);
            default -> null;
        };
    }

    /** How a call behaves, decided by the behaviour's first deciding step for it. */
    enum Script { INLINE, NONBLOCK_WOULD_BLOCK, MACHINE, HOOK }

    /** Replays one behaviour on a fresh runtime. */
    public static Result replay(Path file, int lanes, int spareCapacity, int threadLimit, int inFlightLimit) throws IOException {
        List<Step> steps = read(file);
        List<String> mismatches = Collections.synchronizedList(new ArrayList<>());
        Map<String, List<Step>> perCall = byCall(steps);
        Map<String, Script> scripts = new HashMap<>();
        Map<String, Integer> blocks = new HashMap<>();
        for (Map.Entry<String, List<Step>> e : perCall.entrySet()) {
            Script sc = Script.INLINE;
            int n = 0;
            for (Step s : e.getValue()) {
                if (s.action().equals("HookFire")) sc = Script.HOOK;
                if (s.action().equals("WorkerBlock")) n++;
                if (s.action().equals("WouldBlock")) {
                    sc = s.args().get(2).equals("EAGAIN") ? Script.NONBLOCK_WOULD_BLOCK : Script.MACHINE;
                }
            }
            scripts.put(e.getKey(), sc);
            blocks.put(e.getKey(), n + 1);
        }
        List<String> trace = Collections.synchronizedList(new ArrayList<>());
        AsysRuntime rt = AsysRuntime.builder().lanes(lanes).spareCapacity(spareCapacity).threadLimit(threadLimit)
                .inFlightLimit(inFlightLimit).traceSink(TraceSink.to(trace))
                .uncaughtErrorHandler((what, t) -> mismatches.add("uncaught: " + what + ": " + t)).build();
        Map<String, Semaphore> decide = new HashMap<>(), finish = new HashMap<>();
        Map<String, List<Semaphore>> gates = new HashMap<>();
        Map<String, CompletableFuture<Object>> machines = new HashMap<>();
        Map<String, CallHandle<Object>> handles = new java.util.concurrent.ConcurrentHashMap<>();
        Map<String, Integer> wakes = new HashMap<>();
        for (String x : perCall.keySet()) {
            decide.put(x, new Semaphore(0));
            finish.put(x, new Semaphore(0));
            List<Semaphore> g = new ArrayList<>();
            for (int k = 0; k < blocks.get(x); k++) g.add(new Semaphore(0));
            gates.put(x, g);
            machines.put(x, new CompletableFuture<>());
        }
        Map<String, Integer> seen = new HashMap<>();   // per (action, call): how many the runtime must have done
        try {
            Identity u = rt.newIdentity("u1");
            rt.traceLayout();
            for (int i = 0; i < steps.size(); i++) {
                Step s = steps.get(i);
                String x = callOf(s);
                switch (s.action()) {
                    case "Submit" -> {
                        int flags = flagsOf(s.args().get(2));
                        Script sc = scripts.get(x);
                        u.execute(() -> {
                            if (sc == Script.MACHINE) {
                                handles.put(x, u.submitStage(flags, () -> {
                                    decide.get(x).acquireUninterruptibly();
                                    return machines.get(x);
                                }, r -> { }));
                            } else {
                                handles.put(x, u.submit(flags, () -> body(sc, decide.get(x), gates.get(x), finish.get(x)), r -> { }));
                            }
                        });
                    }
                    case "CompleteInline", "WouldBlock", "HookFire" -> decide.get(x).release();
                    case "WorkerWake" -> {
                        int k = wakes.merge(x, 1, Integer::sum) - 1;
                        gates.get(x).get(k).release();
                    }
                    case "WorkerFinish" -> finish.get(x).release();
                    case "MachineComplete" -> machines.get(x).complete(x);
                    default -> { }
                }
                if (x == null) continue;   // Await, AwaitInterrupted: the runtime's loop does these on its own
                String key = s.action() + " " + x;
                int n = seen.merge(key, 1, Integer::sum);
                if (!awaitEvent(trace, handles, s.action(), x, n)) {
                    mismatches.add("step " + (i + 1) + ": the behaviour does " + s.action() + s.args()
                            + " but the runtime did not within " + STEP_TIMEOUT_MS + " ms; runtime's last events: "
                            + last(trace, 4));
                    break;
                }
            }
        } finally {
            for (String x : perCall.keySet()) {
                decide.get(x).release(10);
                finish.get(x).release(10);
                gates.get(x).forEach(g -> g.release(10));
                machines.get(x).complete(x);
            }
            // A runtime that matched so far gets the whole wait to close; one that already
            // mismatched (a fault build's, whose loop may never end) a short one: its mismatch is
            // reported, and the wait would only slow the teeth down.
            Duration wait = mismatches.isEmpty() ? CLOSE_TIMEOUT : CLOSE_TIMEOUT_AFTER_MISMATCH;
            if (!rt.close(wait)) mismatches.add("close did not finish within " + wait.toMillis() + " ms");
        }
        compare(steps, perCall, handles, trace, mismatches);
        return new Result(file, steps.size(), List.copyOf(mismatches));
    }

    private static Object body(Script sc, Semaphore decide, List<Semaphore> gates, Semaphore finish) throws Exception {
        decide.acquireUninterruptibly();                    // a plain wait: no runtime step
        switch (sc) {
            case NONBLOCK_WOULD_BLOCK -> Blocking.acquire(gates.get(0));
            case HOOK -> {
                for (Semaphore g : gates) Blocking.acquire(g);
                finish.acquireUninterruptibly();
            }
            default -> { }
        }
        return "done";
    }

    static int flagsOf(String set) {
        int f = 0;
        if (set.contains("NONBLOCK")) f |= CallFlags.NONBLOCK;
        if (set.contains("ATOMIC")) f |= CallFlags.ATOMIC;
        return f;
    }

    private static final Pattern ACTION = Pattern.compile("\"action\":\"(\\w+)\"");
    private static final Pattern CALL = Pattern.compile("\"call\":(\\d+)");

    /** Waits until the runtime has done {@code action} for the call named {@code x} at least n times. */
    private static boolean awaitEvent(List<String> trace, Map<String, CallHandle<Object>> handles, String action,
                                      String x, int n) {
        long deadline = System.nanoTime() + STEP_TIMEOUT_MS * 1_000_000;
        while (System.nanoTime() < deadline) {
            CallHandle<Object> h = handles.get(x);
            if (h != null && count(trace, action, h.id()) >= n) return true;
            Thread.onSpinWait();
            try {
                Thread.sleep(0, 100_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private static int count(List<String> trace, String action, long call) {
        int n = 0;
        synchronized (trace) {
            for (String line : trace) {
                Matcher a = ACTION.matcher(line), c = CALL.matcher(line);
                if (a.find() && a.group(1).equals(action) && c.find() && Long.parseLong(c.group(1)) == call) n++;
            }
        }
        return n;
    }

    private static String last(List<String> trace, int n) {
        synchronized (trace) {
            return String.join(" ", trace.subList(Math.max(0, trace.size() - n), trace.size()));
        }
    }

    /** Per call: same outcome, same steps (the spare's ReturnToUser and the loop's Reap aside), same thread roles. */
    private static void compare(List<Step> steps, Map<String, List<Step>> perCall, Map<String, CallHandle<Object>> handles,
                                List<String> trace, List<String> mismatches) {
        Map<Long, List<Map<String, String>>> rtByCall = new HashMap<>();
        synchronized (trace) {
            for (String line : trace) {
                Matcher c = CALL.matcher(line);
                if (!c.find()) continue;
                Map<String, String> ev = new HashMap<>();
                for (String f : List.of("action", "thread", "spare", "outcome")) {
                    Matcher m = Pattern.compile("\"" + f + "\":\"?(\\w+)\"?").matcher(line);
                    if (m.find()) ev.put(f, m.group(1));
                }
                rtByCall.computeIfAbsent(Long.parseLong(c.group(1)), k -> new ArrayList<>()).add(ev);
            }
        }
        Step lastStep = steps.get(steps.size() - 1);
        TlaValue.Mapping outcome = (TlaValue.Mapping) lastStep.state().get("outcome");
        for (Map.Entry<String, List<Step>> e : perCall.entrySet()) {
            String x = e.getKey();
            CallHandle<Object> h = handles.get(x);
            if (h == null) {
                mismatches.add(x + ": never submitted on the runtime");
                continue;
            }
            String specOutcome = ((TlaValue.Atom) outcome.entries().get(x)).bare();
            if (!specOutcome.equals("none") && !specOutcome.equals(h.outcome().name())) {
                mismatches.add(x + ": outcome " + h.outcome() + " on the runtime, " + specOutcome + " in the behaviour");
            }
            List<String> spec = new ArrayList<>(), run = new ArrayList<>();
            for (Step s : e.getValue()) if (!s.action().equals("ReturnToUser") && !s.action().equals("Reap")) spec.add(s.action());
            List<Map<String, String>> events = rtByCall.getOrDefault(h.id(), List.of());
            for (Map<String, String> ev : events) {
                String a = ev.get("action");
                if (!a.equals("ReturnToUser") && !a.equals("Reap")) run.add(a);
            }
            if (run.size() < spec.size() || !run.subList(0, spec.size()).equals(spec)) {
                mismatches.add(x + ": steps " + run + " on the runtime, " + spec + " in the behaviour");
            }
            // Thread roles: the caller stays in the call; the reserved spare is the one that returns.
            String caller = null, spare = null;
            for (Map<String, String> ev : events) {
                String a = ev.get("action");
                if (a.equals("Submit")) { caller = ev.get("thread"); spare = ev.get("spare"); }
                if (a.equals("Allocate") && ev.get("spare") != null) spare = ev.get("spare");
                if (List.of("HookFire", "WorkerWake", "WorkerBlock", "WorkerFinish", "CompleteInline", "WouldBlock").contains(a)
                        && caller != null && !caller.equals(ev.get("thread"))) {
                    mismatches.add(x + ": " + a + " on thread " + ev.get("thread") + ", but thread " + caller + " made the call");
                }
                if (a.equals("HookFire") && spare != null && !spare.equals(ev.get("spare"))) {
                    mismatches.add(x + ": HookFire hands over to " + ev.get("spare") + ", but " + spare + " was reserved");
                }
                if (a.equals("ReturnToUser") && spare != null && !spare.equals(ev.get("thread"))) {
                    mismatches.add(x + ": thread " + ev.get("thread") + " returned to user space, not the spare " + spare);
                }
            }
        }
    }
}

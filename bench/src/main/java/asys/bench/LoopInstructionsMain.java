package asys.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The instructions a quick call costs its loop's thread, counted, not timed: asys's execute form
 * ({@code asysExecute}'s state and calls) against the design's steps on a loop thread of their own
 * ({@code designStepsOnLoop}'s), each run under valgrind's callgrind, which counts the instructions
 * each thread executes whatever else the machine is doing. A count moves only when the code does,
 * so it locates what a change to the fast path adds or saves where JMH's noise on a shared machine
 * hides a few nanoseconds.
 *
 * <p>Each contender runs in a JVM of its own under callgrind, twice: {@code WARM} batches of
 * {@link Work#BATCH} quick calls (the JIT compiles the path, synchronously: {@code -Xbatch}), a
 * full collection (the loop's objects old, as in a server that has run a while), then
 * {@code MEASURED} batches, or twice as many. The difference of the two runs, on the loop's
 * thread, over the calls it adds, is the loop's instructions per quick call; the compilation log
 * ({@code -XX:+LogCompilation}) places them, instruction by instruction (callgrind's
 * {@code --dump-instr=yes}), in the compiled methods that executed them: an instruction, not the
 * function callgrind saw it in, since callgrind's functions of JIT code begin where code was
 * first entered, and a jump into a method compiled on stack replacement, say, enters it with no
 * call. The loop
 * feeds itself (each batch is a task on the loop that queues its calls and then its own next
 * batch), so that no thread waits for another and no wake-up or spin is counted. Outside JMH the
 * design's call and handler are inlined as asys's are.
 *
 * <p>Two JVM options make the JIT's code run under valgrind, in both contenders:
 * {@code -XX:-ImplicitNullChecks} (every null check a compare and a branch, not a load left to
 * fault, a fault valgrind does not always hand back to the JVM as it expects) and
 * {@code -XX:GuaranteedSafepointInterval=0} (no periodic safepoint, whose poll faults the same
 * way). The counts are therefore a little above those of the code a JVM runs normally. The JIT's
 * recompilations fall at different points in the two runs of a contender, so the total moves a
 * little from one measurement to the next (by a few instructions with the default million calls
 * measured, by tens with a fifth of them); the JIT compiles a method into more instructions
 * in one run than another (asys's loop step by up to fifty); and a reference stored into an
 * array costs G1's barrier more instructions, and a fence, when the full collection left the
 * array and the referent in different regions (some twenty more per call for the task that
 * submits asys's calls).
 *
 * <p>More options for both contenders' JVMs: {@code -Dasys.instructions.jvmOptions="..."} (make's
 * {@code JVM_OPTIONS}), after the ones above. Compiled methods read instruction by instruction:
 * {@code -Dasys.instructions.annotate=Class::method} (more, separated by commas; make's
 * {@code ANNOTATE}), which prints, for each contender whose JVM compiled one, the instructions
 * its code executed at least half as often as the calls measured, each with its count per call
 * ({@link CompiledCode}).
 *
 * <p>The runs' files (callgrind's, the compilation logs, each JVM's output) are in a temporary
 * folder, removed once the count is made unless {@code -Dasys.instructions.keep=true}; a failed
 * run's are kept, and the summary line names the folder.
 *
 * <p>Usage: {@code LoopInstructionsMain [WARM [MEASURED]]} (defaults 200 and 1,000 batches). Ends
 * with one line:
 * {@code loop-instructions: asysExecute A, designStepsOnLoop D instructions per quick call on the loop (callgrind, N calls); asys's own O},
 * or {@code loop-instructions: SKIPPED, ...} (exit status 0) where valgrind is absent, or
 * {@code loop-instructions: FAILED, ...} (exit status 1).
 */
public final class LoopInstructionsMain {

    private static final String[] CONTENDERS = {"asysExecute", "designStepsOnLoop"};
    /** More options for both contenders' JVMs ({@code -Dasys.instructions.jvmOptions="..."},
     *  separated by spaces; {@code JVM_OPTIONS=...} to make). */
    private static final List<String> JVM_OPTIONS =
            Stream.of(System.getProperty("asys.instructions.jvmOptions", "").trim().split("\\s+")).filter(o -> !o.isEmpty()).toList();
    /** Compiled methods to read instruction by instruction ({@code -Dasys.instructions.annotate=Class::method,...},
     *  each class by its full name; {@code ANNOTATE=...} to make), or none: see {@link CompiledCode}. */
    private static final List<String> ANNOTATE =
            Stream.of(System.getProperty("asys.instructions.annotate", "").split(",")).map(String::trim).filter(m -> !m.isEmpty()).toList();

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("harness")) {
            harness(args);
            return;
        }
        int warm, measured;
        try {
            warm = args.length > 0 ? Integer.parseInt(args[0]) : 200;
            measured = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        } catch (NumberFormatException e) {
            warm = measured = -1;
        }
        if (warm < 1 || measured < 1 || args.length > 2) {
            System.err.println("usage: LoopInstructionsMain [WARM_BATCHES >= 1 [MEASURED_BATCHES >= 1]]");
            System.exit(2);
        }
        if (!onPath("valgrind")) {
            System.out.println("loop-instructions: SKIPPED, valgrind is not installed (Debian's package valgrind)");
            return;
        }
        Path dir = Files.createTempDirectory("asys-loop-instructions-");
        boolean keep = Boolean.getBoolean("asys.instructions.keep");
        System.out.println("callgrind's files and the compilation logs: " + dir
                + (keep ? "" : " (removed after a run that succeeds; -Dasys.instructions.keep=true keeps them)"));
        try {
            Map<String, Double> perCall = new LinkedHashMap<>();
            for (String who : CONTENDERS) {
                // The two runs of a contender at once: each JVM counts its own instructions.
                Run shorter = new Run(dir.resolve(who + "-1"), who, warm, measured);
                Run longer = new Run(dir.resolve(who + "-2"), who, warm, 2 * measured);
                shorter.await();
                longer.await();
                Map<String, Long> a = shorter.loopThread(), b = longer.loopThread();
                long calls = (long) measured * Work.BATCH;
                Set<String> methods = new HashSet<>(a.keySet());
                methods.addAll(b.keySet());
                Map<String, Double> diff = new HashMap<>();
                for (String k : methods) diff.put(k, (b.getOrDefault(k, 0L) - a.getOrDefault(k, 0L)) / (double) calls);
                double total = diff.values().stream().mapToDouble(Double::doubleValue).sum();
                perCall.put(who, total);
                System.out.printf("%s: %.1f instructions per quick call on its loop's thread, by compiled method:%n", who, total);
                diff.entrySet().stream().filter(e -> Math.abs(e.getValue()) >= 0.5)
                        .sorted((x, y) -> Double.compare(Math.abs(y.getValue()), Math.abs(x.getValue())))
                        .forEach(e -> System.out.printf("  %8.1f  %s%n", e.getValue(), e.getKey()));
                double unplaced = diff.getOrDefault(UNPLACED, 0.0);
                if (unplaced > 0.1 * total) {   // more than stubs: compiled code the log does not place
                    System.out.printf("  (%.1f of them in code the compilation log places in no compiled method: the breakdown"
                            + " by method is incomplete for %s in this run)%n", unplaced, who);
                }
                for (String method : ANNOTATE) annotate(longer, method, 2L * measured * Work.BATCH);
            }
            double asys = perCall.get(CONTENDERS[0]), design = perCall.get(CONTENDERS[1]);
            System.out.printf("loop-instructions: %s %.1f, %s %.1f instructions per quick call on the loop (callgrind, %d calls); asys's own %.1f%n",
                    CONTENDERS[0], asys, CONTENDERS[1], design, (long) measured * Work.BATCH, asys - design);
            if (!keep) removeAll(dir);   // some 27 MB a run; a failed run's are kept for the reader
        } catch (Exception e) {
            System.out.println("loop-instructions: FAILED, " + e.getMessage() + " (files in " + dir + ")");
            System.exit(1);
        }
    }

    /** The crash log a JVM that ran in {@code dir} left there ({@code hs_err_pid*.log}), or null. */
    static Path crashLog(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("hs_err_pid\\d+\\.log")).findFirst().orElse(null);
        }
    }

    /** Removes {@code dir} and everything in it. */
    static void removeAll(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(java.util.Comparator.reverseOrder())::iterator) Files.delete(p);
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, program))) return true;
        }
        return false;
    }

    /**
     * One JVM under callgrind, running {@link #harness}. A JVM that dies of a crash of its own
     * (its crash log, {@code hs_err_pid*.log}, in its folder) is started again in a new folder, at
     * most {@link #ATTEMPTS} times in all: JDK 25's compiled code now and then dies of a SIGSEGV
     * under valgrind that the same harness with the same options does not meet without it.
     */
    private static final class Run {
        static final int ATTEMPTS = 3;
        final Path base;
        final String who;
        final int warm, measured;
        /** The current attempt's folder and JVM. */
        Path dir;
        Process process;
        int attempt = 1;

        Run(Path dir, String who, int warm, int measured) throws IOException {
            this.base = dir;
            this.who = who;
            this.warm = warm;
            this.measured = measured;
            start(dir);
        }

        private void start(Path dir) throws IOException {
            this.dir = dir;
            Files.createDirectories(dir);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>(List.of("valgrind", "--tool=callgrind", "--separate-threads=yes", "--dump-instr=yes",
                    "--callgrind-out-file=" + dir.resolve("callgrind.out"),
                    java, "-XX:+UnlockDiagnosticVMOptions", "-XX:-ImplicitNullChecks", "-XX:GuaranteedSafepointInterval=0",
                    "-XX:+LogCompilation", "-XX:LogFile=" + dir.resolve("compilation.log"), "-Xbatch"));
            cmd.addAll(JVM_OPTIONS);
            for (String method : ANNOTATE) cmd.add("-XX:CompileCommand=print," + method);   // its code, as bytes (see CompiledCode)
            cmd.addAll(List.of("-cp", absoluteClassPath(), LoopInstructionsMain.class.getName(),
                    "harness", who, Integer.toString(warm), Integer.toString(measured)));
            process = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)   // (a JVM's crash log lands in its run's folder)
                    .redirectOutput(dir.resolve("output.txt").toFile()).start();
        }

        /** This JVM's class path with every entry absolute (the run's JVM starts in its own folder). */
        private static String absoluteClassPath() {
            StringBuilder cp = new StringBuilder();
            for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
                if (e.isEmpty()) continue;
                boolean all = e.endsWith("*");   // a folder's jars, as the Makefile gives them
                String path = Path.of(all ? e.substring(0, e.length() - 1) : e).toAbsolutePath().toString();
                if (cp.length() > 0) cp.append(java.io.File.pathSeparator);
                cp.append(all ? path + java.io.File.separator + "*" : path);
            }
            return cp.toString();
        }

        void await() throws Exception {
            while (true) {
                if (!process.waitFor(20, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(who + " under callgrind did not end within 20 minutes");
                }
                String out = Files.readString(dir.resolve("output.txt"), StandardCharsets.UTF_8);
                if (process.exitValue() == 0 && out.contains(DONE)) return;
                Path crashLog = crashLog(dir);
                if (crashLog == null || attempt == ATTEMPTS) {
                    throw new IllegalStateException(who + " under callgrind failed (exit status " + process.exitValue()
                            + (crashLog == null ? "" : ", a crash of the JVM in attempt " + attempt + " of " + ATTEMPTS)
                            + "; its output in " + dir.resolve("output.txt") + ")");
                }
                attempt++;
                System.out.println(who + "'s JVM crashed under callgrind (its log: " + crashLog + "); attempt "
                        + attempt + " of " + ATTEMPTS);
                start(base.resolveSibling(base.getFileName() + "-attempt-" + attempt));
            }
        }

        /** The loop's thread's callgrind file ({@link #loopThread}). */
        Path loopFile;

        /** The loop's thread: the one that ran the most compiled code; its instructions by method. */
        Map<String, Long> loopThread() throws IOException {
            List<Nmethod> code = Nmethod.read(dir.resolve("compilation.log"));
            Map<String, Long> best = null;
            long bestCompiled = -1;
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files.filter(p -> p.getFileName().toString().startsWith("callgrind.out-"))::iterator) {
                    Map<String, Long> byMethod = byMethod(f, code);
                    long compiled = byMethod.entrySet().stream().filter(e -> !e.getKey().startsWith("("))
                            .mapToLong(Map.Entry::getValue).sum();
                    if (compiled > bestCompiled) {
                        bestCompiled = compiled;
                        best = byMethod;
                        loopFile = f;
                    }
                }
            }
            if (best == null) throw new IllegalStateException(who + ": callgrind wrote no per-thread file in " + dir);
            return best;
        }
    }

    /** A compiled method's code, from the compilation log. */
    record Nmethod(long from, long to, String method) {
        private static final Pattern NMETHOD = Pattern.compile("<nmethod ([^>]*)/>");
        private static final Pattern ATTR = Pattern.compile("(\\w+)='([^']*)'");

        static List<Nmethod> read(Path log) throws IOException {
            List<Nmethod> all = new ArrayList<>();
            Matcher m = NMETHOD.matcher(Files.readString(log, StandardCharsets.UTF_8));
            while (m.find()) {
                Map<String, String> a = new HashMap<>();
                Matcher at = ATTR.matcher(m.group(1));
                while (at.find()) a.put(at.group(1), at.group(2));
                if (!a.containsKey("address") || !a.containsKey("size") || !a.containsKey("method")) continue;
                long from = Long.decode(a.get("address"));
                String[] parts = a.get("method").replace("&lt;", "<").replace("&gt;", ">").split(" ");
                String name = parts.length >= 2 ? parts[0] + "::" + parts[1] : parts[0];
                all.add(new Nmethod(from, from + Long.parseLong(a.get("size")), name));
            }
            return all;
        }

        /** The method compiled last at {@code address}, or null. */
        static String at(List<Nmethod> code, long address) {
            for (int i = code.size() - 1; i >= 0; i--) {
                Nmethod n = code.get(i);
                if (n.from <= address && address < n.to) return n.method;
            }
            return null;
        }
    }

    private static final Pattern HEX_NAME = Pattern.compile("0x([0-9a-f]+).*");

    /** The JIT's code that no compiled method of the log covers. */
    static final String UNPLACED = "(the JIT's code outside any method: the interpreter, stubs)";

    /**
     * A thread's own instructions (callgrind's self cost) by the compiled method that executed
     * them; code of the JIT's outside any method (the interpreter, stubs) and the JVM's own (its
     * shared library) under a name in parentheses. Reads callgrind's format with positions
     * {@code instr line}: {@code fn=} starts a function's costs, a cost line begins with its
     * instruction's address (absolute in hex, {@code +n} or {@code -n} from the last one, or
     * {@code *} for the same), a cost line after {@code calls=} is a callee's inclusive cost
     * (skipped, its address kept), names are compressed as {@code (id) name}, then {@code (id)}.
     * The JIT's code (a function callgrind names by its address) is placed by each
     * instruction's address.
     */
    static Map<String, Long> byMethod(Path callgrindFile, List<Nmethod> code) throws IOException {
        Map<String, Long> byMethod = new HashMap<>();
        Map<Long, Long> byAddress = new HashMap<>();
        long own = read(callgrindFile, byAddress);
        if (own > 0) byMethod.put("(the JVM's and the C library's own code)", own);
        for (Map.Entry<Long, Long> e : byAddress.entrySet()) {
            String method = Nmethod.at(code, e.getKey());
            byMethod.merge(method == null ? UNPLACED : method, e.getValue(), Long::sum);
        }
        return byMethod;
    }

    /** Reads a callgrind file (see {@link #byMethod}): the JIT's code's instructions into
     *  {@code byAddress}; returns the count of all others. */
    static long read(Path callgrindFile, Map<Long, Long> byAddress) throws IOException {
        Map<String, String> names = new HashMap<>();
        long own = 0;
        String fn = null;
        boolean fnJit = false, callCost = false, positions = false;
        long address = 0;
        for (String line : Files.readAllLines(callgrindFile, StandardCharsets.ISO_8859_1)) {
            if (line.isEmpty()) continue;
            char c = line.charAt(0);
            if (line.startsWith("fn=") || line.startsWith("cfn=")) {
                String name = name(line.substring(line.indexOf('=') + 1), names);
                if (c == 'f') {
                    fn = name;
                    fnJit = HEX_NAME.matcher(name).matches();
                }
                continue;
            }
            if (line.startsWith("positions:")) {
                positions = line.contains("instr");
                continue;
            }
            if (line.startsWith("calls=")) {
                callCost = true;
                continue;
            }
            if (!(Character.isDigit(c) || c == '+' || c == '-' || c == '*')) continue;
            String[] t = line.trim().split("\\s+");
            if (!positions) throw new IOException(callgrindFile + " has no instruction positions (callgrind's --dump-instr=yes)");
            address = position(t[0], address);
            if (callCost) {
                callCost = false;
                continue;
            }
            if (t.length < 2 || fn == null) continue;
            long ir = Long.parseLong(t[t.length - 1]);
            if (fnJit) byAddress.merge(address, ir, Long::sum);
            else own += ir;
        }
        return own;
    }

    /**
     * The compiled {@code method} in {@code run}, instruction by instruction: the
     * compilation that ran most on the loop's thread, its instructions executed at least half as
     * often as the {@code calls} quick calls {@code run} measured, each with its count per call
     * (the warm-up's calls that ran in it add to its counts). Needs the JVM's print of the
     * method ({@code -XX:CompileCommand=print}, added when {@code ANNOTATE} is set) and
     * {@code objdump}.
     */
    private static void annotate(Run run, String method, long calls) throws Exception {
        List<CompiledCode.Block> blocks = CompiledCode.read(run.dir.resolve("output.txt"), method);
        if (blocks.isEmpty()) {
            System.out.printf("  (%s: %s was not compiled by C2 in this contender's run)%n", run.who, method);
            return;
        }
        if (!onPath("objdump")) {
            System.out.printf("  (%s: SKIPPED reading %s, objdump is not installed: Debian's package binutils)%n", run.who, method);
            return;
        }
        Map<Long, Long> counts = new HashMap<>();
        read(run.loopFile, counts);
        CompiledCode.Block b = CompiledCode.hottest(blocks, counts);
        System.out.printf("  %s in %s's longer run, %s, instruction by instruction (executions per measured call):%n",
                method, run.who, b.header());
        for (String line : CompiledCode.annotate(b, counts, calls, 0.5)) System.out.println("  " + line);
    }

    /** A cost line's instruction address: {@code 0x...}, {@code +n} or {@code -n} from the last
     *  ({@code n} decimal or {@code 0x...}), or {@code *}, the last. */
    private static long position(String p, long last) {
        if (p.equals("*")) return last;
        if (p.startsWith("+")) return last + number(p.substring(1));
        if (p.startsWith("-")) return last - number(p.substring(1));
        return number(p);
    }

    private static long number(String n) {
        return n.startsWith("0x") ? Long.parseUnsignedLong(n.substring(2), 16) : Long.parseLong(n);
    }

    /** A compressed name: {@code (id) name} defines it, {@code (id)} refers to it. */
    private static String name(String spec, Map<String, String> names) {
        if (!spec.startsWith("(")) return spec;
        int close = spec.indexOf(')');
        String id = spec.substring(0, close + 1), rest = spec.substring(close + 1).trim();
        if (!rest.isEmpty()) names.put(id, rest);
        return names.getOrDefault(id, id);
    }

    // ---- the harness, in the JVM under callgrind ------------------------------------------------

    private static final String DONE = "loop-instructions harness: done";

    /** {@code harness CONTENDER WARM MEASURED}: the loop runs WARM batches, a full collection,
     *  then MEASURED batches, each batch a task on the loop that queues its calls and its
     *  successor; the results are checked at the end. */
    private static void harness(String[] args) throws Exception {
        String who = args[1];
        int warm = Integer.parseInt(args[2]), measured = Integer.parseInt(args[3]);
        CallsBench bench = new CallsBench();
        bench.share = 0;
        Feeder feeder;
        if (who.equals("asysExecute")) {
            CallsBench.AsysPrepared a = new CallsBench.AsysPrepared();
            a.setup();
            a.prepare(bench);
            feeder = new Feeder(a.window, a.calls, a.loop::execute, calls -> {
                for (CallsBench.Prepared c : calls) a.loop.execute(c, c);
            }, a::tearDown);
        } else if (who.equals("designStepsOnLoop")) {
            CallsBench.DesignStepsOnLoop d = new CallsBench.DesignStepsOnLoop();
            d.prepare(bench);
            d.startLoop();
            feeder = new Feeder(d.window, d.calls, d.loop::execute, calls -> {
                for (CallsBench.Prepared c : calls) d.add(c, c);
                d.runAll();
            }, d::stopLoop);
        } else {
            throw new IllegalArgumentException("contender: asysExecute or designStepsOnLoop, not " + who);
        }
        feeder.run(warm);
        System.gc();   // the loop's objects old (see the class comment)
        feeder.run(measured);
        feeder.close.close();
        System.out.println(DONE);
    }

    /** Batches run on the loop, each queuing the next, until {@code n} have run. */
    private static final class Feeder {
        final Work.Window window;
        final CallsBench.Prepared[][] calls;
        final Consumer<Runnable> onLoop;
        /** A batch's calls given to the contender, on its loop. */
        final Consumer<CallsBench.Prepared[]> batch;
        final AutoCloseable close;
        int position, left;
        CountDownLatch done;

        Feeder(Work.Window window, CallsBench.Prepared[][] calls, Consumer<Runnable> onLoop, Consumer<CallsBench.Prepared[]> batch, AutoCloseable close) {
            this.window = window;
            this.calls = calls;
            this.onLoop = onLoop;
            this.batch = batch;
            this.close = close;
        }

        void run(int n) throws Exception {
            left = n;
            done = new CountDownLatch(1);
            onLoop.accept(this::next);
            if (!done.await(20, TimeUnit.MINUTES)) throw new IllegalStateException("the loop did not run its batches within 20 minutes");
            window.drain("loop-instructions");   // every call ran and returned its value (else this throws)
        }

        private void next() {
            int p = position;
            position = (p + 1) % Work.Window.DEPTH;
            window.at(p).arm(Work.BATCH);
            batch.accept(calls[p]);
            if (--left > 0) onLoop.accept(this::next);
            else done.countDown();
        }
    }
}

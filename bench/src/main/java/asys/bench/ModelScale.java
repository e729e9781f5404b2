package asys.bench;

import asys.modelcheck.TlcOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * {@code make model-scale}: how TLC's state count and time grow with the model's size, read from
 * the raw output of the healthy runs that {@code make check}, {@code make check-full} and
 * {@code make check-distributed} left under {@code model-check/target/} (nothing is typed in by
 * hand). Prints a Markdown table (model constants, distinct states, depth, time, states per second)
 * and writes {@code bench/results/model-scale.png} (time against distinct states, log-log).
 *
 * <p>Usage: {@code ModelScale OUT.png RUNS_DIR...}.
 */
public final class ModelScale {

    record Run(String suite, String name, String model, long distinct, int depth, double seconds, String when) {}

    /** TLC's "Finished in 41166ms", "Finished in 18s", "Finished in 19min 08s", "Finished in 01h 02min 03s". */
    private static final Pattern FINISHED = Pattern.compile("Finished in (?:(\\d+)ms|(?:(\\d+)h )?(?:(\\d+)min )?(\\d+)s) at \\((\\d{4}-\\d\\d-\\d\\d)");

    static double seconds(Matcher m) {
        if (m.group(1) != null) return Long.parseLong(m.group(1)) / 1000.0;
        long h = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
        long min = m.group(3) == null ? 0 : Long.parseLong(m.group(3));
        return h * 3600 + min * 60 + Long.parseLong(m.group(4));
    }

    private ModelScale() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: ModelScale OUT.png RUNS_DIR...");
            System.exit(2);
        }
        List<Run> runs = new ArrayList<>();
        for (int k = 1; k < args.length; k++) {
            Path root = Path.of(args[k]);
            if (!Files.isDirectory(root)) {
                System.err.println("model-scale: " + root + " not found (run its make target first); skipped");
                continue;
            }
            try (Stream<Path> dirs = Files.list(root)) {
                for (Path d : dirs.sorted().toList()) {
                    Path out = d.resolve("tlc.out");
                    if (!Files.isRegularFile(out)) continue;
                    String text = Files.readString(out);
                    TlcOutput o = TlcOutput.parse(text, 0);
                    Matcher m = FINISHED.matcher(text);
                    if (o.verdict() != TlcOutput.Verdict.PASSED || !m.find()) continue;
                    runs.add(new Run(root.getFileName().toString(), d.getFileName().toString(), model(d), o.distinctStates(), o.depth(),
                            seconds(m), m.group(5)));
                }
            }
        }
        if (runs.isEmpty()) {
            System.err.println("model-scale: no passing runs found under " + List.of(args).subList(1, args.length));
            System.exit(2);
        }
        runs.sort(Comparator.comparingLong(Run::distinct));
        StringBuilder table = new StringBuilder("| run (directory) | model | distinct states | depth | TLC time | states/s | run on |\n"
                + "|---|---|---|---|---|---|---|\n");
        XYSeriesCollection data = new XYSeriesCollection();
        for (Run r : runs) {
            table.append(String.format(Locale.ROOT, "| `%s/%s` | %s | %,d | %d | %.1f s | %,.0f | %s |%n", r.suite(), r.name(), r.model(),
                    r.distinct(), r.depth(), r.seconds(), r.distinct() / r.seconds(), r.when()));
            String label = r.suite() + "/" + r.name();
            XYSeries s = new XYSeries(label);
            s.add(r.distinct(), r.seconds());
            data.addSeries(s);
        }
        JFreeChart c = ChartFactory.createScatterPlot("TLC: time against distinct states (healthy runs)", "distinct states (log)",
                "seconds (log)", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot p = c.getXYPlot();
        p.setDomainAxis(new LogAxis("distinct states (log)"));
        p.setRangeAxis(new LogAxis("seconds (log)"));
        c.setBackgroundPaint(java.awt.Color.WHITE);
        p.setBackgroundPaint(java.awt.Color.WHITE);
        System.setProperty("java.awt.headless", "true");
        Path png = Path.of(args[0]);
        if (png.getParent() != null) Files.createDirectories(png.getParent());
        ChartUtils.saveChartAsPNG(png.toFile(), c, 900, 480);
        System.out.print(table);
        Path md = png.resolveSibling(png.getFileName().toString().replaceFirst("\\.png$", "") + ".md");
        Files.writeString(md, "Written by `make model-scale` from the raw output of the healthy runs it found.\n\n"
                + table + "\n![TLC time against distinct states](" + png.getFileName() + ")\n");
        System.out.println("model-scale: " + runs.size() + " runs; plot " + png + ", table " + md);
    }

    /** The model's sizes from the run's config: CPUs, threads, identities, calls. */
    static String model(Path dir) throws IOException {
        try (Stream<Path> cfgs = Files.list(dir)) {
            Path cfg = cfgs.filter(f -> f.toString().endsWith(".cfg")).findFirst().orElse(null);
            if (cfg == null) return "?";
            String text = Files.readString(cfg);
            return of(count(text, "CPU"), "CPU", "CPUs") + ", " + of(count(text, "KThread"), "thread", "threads") + ", "
                    + of(count(text, "Identity"), "identity", "identities") + ", " + of(count(text, "Call"), "call", "calls");
        }
    }

    private static String of(int n, String one, String many) { return n + " " + (n == 1 ? one : many); }

    private static int count(String cfg, String constant) {
        Matcher m = Pattern.compile("(?m)^\\s*" + constant + "\\s*=\\s*\\{([^}]*)}").matcher(cfg);
        return m.find() ? m.group(1).split(",").length : 0;
    }
}

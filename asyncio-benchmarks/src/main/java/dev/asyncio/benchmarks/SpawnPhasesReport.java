package dev.asyncio.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sums up the output of many {@link SpawnPhases} JVMs per contender, as {@code spawn-phases.sh} collects it: the median
 * and quartiles of the JVMs' median batch times, the ratio to raw virtual threads, how often a batch's tasks kept up
 * with the spawning thread, and how fast a backlog drained. One JVM's figure is unreliable on a small machine (the same
 * jar can measure twice as slow in the next JVM); the spread over many is the result.
 *
 * <p>Usage: {@code java -cp asyncio-benchmarks/target/benchmarks.jar dev.asyncio.benchmarks.SpawnPhasesReport
 * <log> [tasks]}, where the log holds the two lines {@link SpawnPhases} prints per JVM and {@code tasks} is the batch
 * size it ran with (default 100,000).
 */
public final class SpawnPhasesReport {
    /** A batch whose tasks had ended to at least this per cent at the last spawn kept up with the spawning thread. */
    private static final int KEPT_UP = 90;

    private static final String REFERENCE = "virtual-threads";

    private SpawnPhasesReport() {}

    /**
     * Reads the log and prints one line per contender.
     *
     * @param args the log file, then optionally the tasks per batch
     * @throws IOException if the log cannot be read
     */
    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            throw new IllegalArgumentException("name the log that spawn-phases.sh wrote");
        }
        int tasks = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        Map<String, Contender> contenders = parse(Files.readAllLines(Path.of(args[0])));
        if (contenders.isEmpty()) {
            throw new IllegalArgumentException("no SpawnPhases output in " + args[0]);
        }
        Contender reference = contenders.get(REFERENCE);
        System.out.printf(
                Locale.ROOT,
                "%-28s %5s %9s %15s %7s %8s %10s %12s%n",
                "contender",
                "JVMs",
                "median",
                "quartiles",
                "ratio",
                "spawn",
                "kept up",
                "drain/task");
        for (Map.Entry<String, Contender> entry : contenders.entrySet()) {
            Contender c = entry.getValue();
            double median = quantile(c.totals, 0.5);
            String ratio = reference == null ? "-" : format("%.2fx", quantile(reference.totals, 0.5) / median);
            System.out.printf(
                    Locale.ROOT,
                    "%-28s %5d %6.1f ms %6.1f-%5.1f ms %7s %5.1f ms %9.0f %% %12s%n",
                    entry.getKey(),
                    c.totals.size(),
                    median,
                    quantile(c.totals, 0.25),
                    quantile(c.totals, 0.75),
                    ratio,
                    quantile(c.spawns, 0.5),
                    100.0 * c.keptUp / Math.max(1, c.batches),
                    c.backlogs.isEmpty() ? "-" : format("%.0f ns", quantile(c.drainNanosPerTask(tasks), 0.5)));
        }
        System.out.printf(
                Locale.ROOT,
                "median: of the JVMs' median batch times; ratio: raw virtual threads' median / this median (throughput"
                        + " ratio);%nspawn: median of the JVMs' median spawning loops; kept up: batches with >= %d %% of"
                        + " their tasks ended at the last spawn;%ndrain/task: median over the other batches of (total -"
                        + " spawn) / tasks left at the last spawn.%n",
                KEPT_UP);
    }

    /** One contender's JVMs and batches. */
    private static final class Contender {
        final List<Double> totals = new ArrayList<>();
        final List<Double> spawns = new ArrayList<>();
        /** Per backlogged batch: milliseconds after the last spawn, and the per cent of tasks left then. */
        final List<double[]> backlogs = new ArrayList<>();

        int batches;
        int keptUp;

        List<Double> drainNanosPerTask(int tasks) {
            List<Double> perTask = new ArrayList<>();
            for (double[] drain : backlogs) {
                perTask.add(drain[0] * 1e6 / (drain[1] / 100 * tasks));
            }
            return perTask;
        }
    }

    /** Reads {@code "<contender>: spawn S ms, total T ms ..."} lines, each followed by its batches' line. */
    private static Map<String, Contender> parse(List<String> lines) {
        Map<String, Contender> contenders = new LinkedHashMap<>();
        for (int i = 0; i + 1 < lines.size(); i++) {
            String line = lines.get(i);
            int colon = line.indexOf(": spawn ");
            if (colon < 0) {
                continue;
            }
            Contender c = contenders.computeIfAbsent(line.substring(0, colon), name -> new Contender());
            c.spawns.add(number(line, "spawn "));
            c.totals.add(number(line, "total "));
            for (String batch : lines.get(i + 1).trim().split("\\s+")) {
                String[] parts = batch.split("/");
                if (parts.length != 3) {
                    throw new IllegalArgumentException("not a spawn/total/done batch: '" + batch + "'");
                }
                double spawn = Double.parseDouble(parts[0]);
                double total = Double.parseDouble(parts[1]);
                int done = Integer.parseInt(parts[2]);
                c.batches++;
                if (done >= KEPT_UP) {
                    c.keptUp++;
                } else {
                    c.backlogs.add(new double[] {total - spawn, 100 - done});
                }
            }
            i++;
        }
        return contenders;
    }

    private static double number(String line, String label) {
        int from = line.indexOf(label) + label.length();
        return Double.parseDouble(line.substring(from, line.indexOf(' ', from)));
    }

    /** {@return the {@code q} quantile, interpolated between the two nearest values} */
    private static double quantile(List<Double> values, double q) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        double at = q * (sorted.length - 1);
        int below = (int) Math.floor(at);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (at - below) * (sorted[above] - sorted[below]);
    }

    private static String format(String format, double value) {
        return String.format(Locale.ROOT, format, value);
    }
}

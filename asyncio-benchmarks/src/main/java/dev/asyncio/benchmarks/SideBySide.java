package dev.asyncio.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/**
 * The throughput ratio of runtime tasks to raw virtual threads, measured A/B in one JVM: each round runs one batch of
 * {@link TaskThroughputBenchmark} on each contender, back to back, so both see the same machine state (JIT, heap, the
 * host's other load). JMH runs each contender in its own fork minutes apart, and on a small virtual machine the drift
 * between forks is larger than the difference being measured; pairing the batches cancels it.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.asyncio.benchmarks.SideBySide [tasks] [rounds]} (defaults 100000 and
 * 60; the first third of the rounds is warm-up). Prints the median batch time of each contender, the median of the
 * per-round ratios, and the throughput ratio (raw virtual threads' time ÷ runtime's time; 1.0 means no overhead).
 */
public final class SideBySide {
    private SideBySide() {}

    /**
     * Runs the comparison.
     *
     * @param args optional tasks per batch and number of rounds
     * @throws Exception if a batch fails
     */
    public static void main(String[] args) throws Exception {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int warmup = rounds / 3;
        TaskThroughputBenchmark batch = new TaskThroughputBenchmark();
        batch.tasks = tasks;
        Contenders contenders = new Contenders();
        contenders.open();
        long expected = (long) tasks * (tasks - 1) / 2;
        double[] runtime = new double[rounds - warmup];
        double[] virtual = new double[rounds - warmup];
        double[] ratio = new double[rounds - warmup];
        try {
            for (int round = 0; round < rounds; round++) {
                long start = System.nanoTime();
                long runtimeSum = batch.asyncio(contenders);
                long middle = System.nanoTime();
                long virtualSum = batch.virtualThreads(contenders);
                long end = System.nanoTime();
                if (runtimeSum != expected || virtualSum != expected) {
                    throw new IllegalStateException("a batch summed to " + runtimeSum + " / " + virtualSum);
                }
                if (round >= warmup) {
                    int i = round - warmup;
                    runtime[i] = (middle - start) / 1e6;
                    virtual[i] = (end - middle) / 1e6;
                    ratio[i] = virtual[i] / runtime[i];
                }
            }
        } finally {
            contenders.close();
        }
        System.out.printf(
                Locale.ROOT,
                "tasks=%d rounds=%d (after %d warm-up): runtime median %.2f ms, raw virtual threads median %.2f ms,"
                        + " throughput ratio (virtual threads time / runtime time) median %.2f [quartiles %.2f-%.2f]%n",
                tasks,
                rounds - warmup,
                warmup,
                median(runtime),
                median(virtual),
                median(ratio),
                quantile(ratio, 0.25),
                quantile(ratio, 0.75));
    }

    private static double median(double[] values) {
        return quantile(values, 0.5);
    }

    private static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.round(q * (sorted.length - 1))];
    }
}

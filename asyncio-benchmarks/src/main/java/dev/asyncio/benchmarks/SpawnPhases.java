package dev.asyncio.benchmarks;

import dev.asyncio.core.EventLoop;
import dev.asyncio.core.Task;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

/**
 * A diagnostic, not a benchmark: times the two phases of {@link TaskThroughputBenchmark}'s batch separately, the loop
 * that spawns the tasks and the whole batch up to the sum, for one contender per JVM. It answers what JMH's single
 * score cannot: whether the spawning thread or the tasks finishing behind it hold a batch up.
 *
 * <p>Usage: {@code java -cp asyncio-benchmarks/target/benchmarks.jar dev.asyncio.benchmarks.SpawnPhases <contender>
 * [batches] [tasks]}, where the contender is {@code asyncio} (tasks created inside {@code loop.run}, so the spawning
 * thread is the main task's virtual thread), {@code asyncio-observability-off} (the same on a loop built with {@code
 * taskTimestamps(false)} and {@code taskThreadNames(false)}), {@code virtual-threads} (raw virtual threads submitted from a virtual
 * thread, the same shape) or {@code virtual-threads-from-platform} (submitted from the calling platform thread, as the
 * JMH benchmark does). It prints the medians over the second half of the batches, then every batch of that half as
 * {@code spawn/total/done}: milliseconds to the last spawn, milliseconds for the whole batch, and the per cent of the
 * batch's tasks that had already ended at the last spawn. That last figure tells a batch whose tasks kept up with the
 * spawning thread from one that left a backlog to drain; it comes from one pass over the tasks, the same for every
 * contender, whose own time is left out of the total. Run each contender in its own JVM, alternating, several times:
 * see docs/benchmarks.md, "Where the runtime's time goes".
 */
public final class SpawnPhases {

    private SpawnPhases() {}

    /**
     * Runs the batches and prints the phase times.
     *
     * @param args the contender, then optionally the number of batches (default 40) and of tasks per batch (default
     *     100,000)
     * @throws Exception if a batch fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException(
                    "name a contender: asyncio, asyncio-observability-off, virtual-threads or"
                            + " virtual-threads-from-platform");
        }
        String contender = args[0];
        int batches = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        int tasks = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
        long[] spawned = new long[batches];
        long[] total = new long[batches];
        int[] donePercent = new int[batches];
        try (EventLoop loop = EventLoop.create();
                EventLoop loopObservabilityOff = EventLoop.builder()
                        .taskTimestamps(false)
                        .taskThreadNames(false)
                        .build();
                ExecutorService raw = Executors.newVirtualThreadPerTaskExecutor();
                ExecutorService spawner = Executors.newVirtualThreadPerTaskExecutor()) {
            Batch batch = switch (contender) {
                case "asyncio" -> spawnEnd -> loop.run(() -> runtimeBatch(tasks, spawnEnd));
                case "asyncio-observability-off" ->
                    spawnEnd -> loopObservabilityOff.run(() -> runtimeBatch(tasks, spawnEnd));
                case "virtual-threads" ->
                    spawnEnd ->
                            spawner.submit(() -> rawBatch(raw, tasks, spawnEnd)).get();
                case "virtual-threads-from-platform" -> spawnEnd -> rawBatch(raw, tasks, spawnEnd);
                default -> throw new IllegalArgumentException("unknown contender '" + contender + "'");
            };
            long expected = (long) tasks * (tasks - 1) / 2;
            for (int b = 0; b < batches; b++) {
                SpawnEnd spawnEnd = new SpawnEnd();
                long start = System.nanoTime();
                long sum = batch.run(spawnEnd);
                total[b] = System.nanoTime() - start - spawnEnd.countingNanos;
                spawned[b] = spawnEnd.at - start;
                donePercent[b] = (int) (100 * spawnEnd.done / tasks);
                if (sum != expected) {
                    throw new IllegalStateException("batch " + b + " summed to " + sum + ", expected " + expected);
                }
            }
        }
        int from = batches / 2;
        StringBuilder each = new StringBuilder();
        for (int b = from; b < batches; b++) {
            each.append(String.format(Locale.ROOT, " %.0f/%.0f/%d", spawned[b] / 1e6, total[b] / 1e6, donePercent[b]));
        }
        System.out.printf(
                Locale.ROOT,
                "%s: spawn %.1f ms, total %.1f ms (medians of the last %d batches of %d tasks)%n%s%n",
                contender,
                median(spawned, from) / 1e6,
                median(total, from) / 1e6,
                batches - from,
                tasks,
                each.toString().strip());
    }

    /**
     * One batch. It records in {@link SpawnEnd} when the last task was spawned, how many tasks had ended by then, and
     * how long counting them took.
     */
    @FunctionalInterface
    private interface Batch {
        long run(SpawnEnd spawnEnd) throws Exception;
    }

    /** What a batch records when its last task has been spawned. */
    private static final class SpawnEnd {
        long at;
        long done;
        long countingNanos;

        <E> void record(List<E> spawned, Predicate<? super E> isDone) {
            at = System.nanoTime();
            long ended = 0;
            for (E task : spawned) {
                if (isDone.test(task)) {
                    ended++;
                }
            }
            done = ended;
            countingNanos = System.nanoTime() - at;
        }
    }

    private static long runtimeBatch(int tasks, SpawnEnd spawnEnd) {
        List<Task<Integer>> spawned = TinyBatch.createTasks(tasks);
        spawnEnd.record(spawned, Task::isDone);
        return TinyBatch.gatherSum(spawned);
    }

    private static long rawBatch(ExecutorService executor, int tasks, SpawnEnd spawnEnd)
            throws InterruptedException, ExecutionException {
        List<Future<Integer>> submitted = TinyBatch.submit(executor, tasks);
        spawnEnd.record(submitted, Future::isDone);
        return TinyBatch.getSum(submitted);
    }

    private static long median(long[] values, int from) {
        long[] half = Arrays.copyOfRange(values, from, values.length);
        Arrays.sort(half);
        return half[half.length / 2];
    }
}

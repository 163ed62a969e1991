package dev.asyncio.benchmarks;

import dev.asyncio.Asyncio;
import dev.asyncio.concurrency.GatherStrategy;
import dev.asyncio.core.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The two halves of a batch of trivial tasks, task {@code i} returning {@code i}: spawning them, then waiting for all
 * and summing the results. {@link TaskThroughputBenchmark} runs both halves back to back; {@link SpawnPhases} times
 * them apart. Stateless; each call works on its own lists.
 */
final class TinyBatch {

    private TinyBatch() {}

    /** {@return {@code tasks} runtime tasks created in the current scope} */
    static List<Task<Integer>> createTasks(int tasks) {
        List<Task<Integer>> spawned = new ArrayList<>(tasks);
        for (int i = 0; i < tasks; i++) {
            int value = i;
            spawned.add(Asyncio.createTask(() -> value));
        }
        return spawned;
    }

    /** {@return the sum of the tasks' results, gathered fail-fast} */
    static long gatherSum(List<Task<Integer>> spawned) {
        long sum = 0;
        for (int value : Asyncio.gather(spawned, GatherStrategy.FAIL_FAST)) {
            sum += value;
        }
        return sum;
    }

    /** {@return {@code tasks} bodies submitted to {@code executor}} */
    static List<Future<Integer>> submit(ExecutorService executor, int tasks) {
        List<Future<Integer>> submitted = new ArrayList<>(tasks);
        for (int i = 0; i < tasks; i++) {
            int value = i;
            submitted.add(executor.submit(() -> value));
        }
        return submitted;
    }

    /** {@return the sum of the futures' results, each awaited in turn} */
    static long getSum(List<Future<Integer>> submitted) throws InterruptedException, ExecutionException {
        long sum = 0;
        for (Future<Integer> future : submitted) {
            sum += future.get();
        }
        return sum;
    }
}

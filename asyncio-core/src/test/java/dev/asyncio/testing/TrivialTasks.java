package dev.asyncio.testing;

import dev.asyncio.Asyncio;
import dev.asyncio.concurrency.GatherStrategy;
import dev.asyncio.core.EventLoop;
import dev.asyncio.core.Task;
import java.util.ArrayList;
import java.util.List;

/** Batches of tasks that only return a number, for tests that check the runtime loses none of many tasks. */
public final class TrivialTasks {

    private TrivialTasks() {}

    /**
     * Runs, on {@code loop}, a main task that creates {@code n} tasks returning 1 to {@code n} and gathers them
     * fail-fast.
     *
     * @return the sum of the gathered results, which is {@code n * (n + 1) / 2} when nothing was lost
     */
    public static long spawnAndSum(EventLoop loop, int n) {
        return loop.run(() -> {
            List<Task<Integer>> tasks = new ArrayList<>(n);
            for (int i = 1; i <= n; i++) {
                int value = i;
                tasks.add(Asyncio.createTask(() -> value));
            }
            long total = 0;
            for (int v : Asyncio.gather(tasks, GatherStrategy.FAIL_FAST)) {
                total += v;
            }
            return total;
        });
    }
}

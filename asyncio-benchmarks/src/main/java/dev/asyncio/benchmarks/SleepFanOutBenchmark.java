package dev.asyncio.benchmarks;

import dev.asyncio.Asyncio;
import dev.asyncio.concurrency.GatherStrategy;
import dev.asyncio.core.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Why tasks are virtual threads: one operation fans out a batch of tasks that each block for 10 ms (a stand-in for a
 * JDBC or HTTP call) and waits for all of them.
 *
 * <p>The runtime ({@code Asyncio.sleep}) and raw virtual threads ({@code Thread.sleep}) park each task, so a batch
 * takes a little over 10 ms whatever its size; the 8-thread platform pool Spring Boot configures for {@code @Async} by
 * default (see {@link SpringDefaultPool}) holds a thread per sleeping task, so a batch of N takes about N / 8 × 10 ms.
 * The gap between the runtime and raw virtual threads is the runtime's bookkeeping, as in {@link
 * TaskThroughputBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class SleepFanOutBenchmark {
    private static final long SLEEP_MILLIS = 10;

    /** Tasks per batch. */
    @Param({"100", "1000"})
    public int tasks;

    /** {@return how many tasks finished, run as runtime tasks that sleep with {@code Asyncio.sleep}} */
    @Benchmark
    public int asyncio(Contenders contenders) {
        return contenders.loop.run(() -> {
            List<Task<Integer>> spawned = new ArrayList<>(tasks);
            for (int i = 0; i < tasks; i++) {
                spawned.add(Asyncio.createTask(() -> {
                    Asyncio.sleep(SLEEP_MILLIS);
                    return 1;
                }));
            }
            return Asyncio.gather(spawned, GatherStrategy.FAIL_FAST).size();
        });
    }

    /** {@return how many tasks finished, run on fresh virtual threads} */
    @Benchmark
    public int virtualThreads(Contenders contenders) throws InterruptedException, ExecutionException {
        return submitAndCount(contenders.virtualThreads);
    }

    /** {@return how many tasks finished, run on the 8-thread platform pool} */
    @Benchmark
    public int platformPool(Contenders contenders) throws InterruptedException, ExecutionException {
        return submitAndCount(contenders.platformPool);
    }

    private int submitAndCount(ExecutorService executor) throws InterruptedException, ExecutionException {
        List<Future<Integer>> submitted = new ArrayList<>(tasks);
        for (int i = 0; i < tasks; i++) {
            submitted.add(executor.submit(() -> {
                Thread.sleep(SLEEP_MILLIS);
                return 1;
            }));
        }
        int done = 0;
        for (Future<Integer> future : submitted) {
            done += future.get();
        }
        return done;
    }
}

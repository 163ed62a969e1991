package dev.asyncio.benchmarks;

import dev.asyncio.core.EventLoop;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
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
 * The fixed cost of a task: one operation spawns a batch of tasks that each return a small number, waits for all of
 * them and sums the results, so the score is the time per batch and nearly all of it is creating, starting, finishing
 * and collecting tasks.
 *
 * <p>Three executors do the same work: the runtime ({@code Asyncio.createTask} and {@code Asyncio.gather} inside
 * {@code loop.run}, so every task is registered in a scope, counted, and awaited through the kernel; once on a default
 * loop and once with observability off, the setting the throughput goal is stated for), raw virtual
 * threads ({@code Executors.newVirtualThreadPerTaskExecutor()}, {@code submit} and {@code Future.get}: the floor the
 * runtime builds on), and the 8-thread platform pool Spring Boot configures for {@code @Async} by default (see {@link
 * SpringDefaultPool}; the comparison is with that executor, not with Spring's proxy). With bodies this small the pool
 * has the advantage: it reuses 8 warm threads instead of starting one thread per task. {@link SleepFanOutBenchmark}
 * shows the other side.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class TaskThroughputBenchmark {

    /** Tasks per batch; 100,000 is the size the runtime's throughput goal is stated for. */
    @Param({"1000", "10000", "100000"})
    public int tasks;

    /** {@return the sum of a batch run as runtime tasks, gathered fail-fast} */
    @Benchmark
    public long asyncio(Contenders contenders) {
        return spawnAndGather(contenders.loop);
    }

    /**
     * {@return the sum of a batch run as runtime tasks on a loop with observability off} The loop records no task
     * timestamps and names the threads of unnamed tasks after itself only; states, scopes, counters and gather work
     * as in {@link #asyncio}.
     */
    @Benchmark
    public long asyncioObservabilityOff(Contenders contenders) {
        return spawnAndGather(contenders.loopObservabilityOff);
    }

    private long spawnAndGather(EventLoop loop) {
        return loop.run(() -> TinyBatch.gatherSum(TinyBatch.createTasks(tasks)));
    }

    /** {@return the sum of a batch run on fresh virtual threads} */
    @Benchmark
    public long virtualThreads(Contenders contenders) throws InterruptedException, ExecutionException {
        return submitAndSum(contenders.virtualThreads);
    }

    /** {@return the sum of a batch run on the 8-thread platform pool} */
    @Benchmark
    public long platformPool(Contenders contenders) throws InterruptedException, ExecutionException {
        return submitAndSum(contenders.platformPool);
    }

    private long submitAndSum(ExecutorService executor) throws InterruptedException, ExecutionException {
        return TinyBatch.getSum(TinyBatch.submit(executor, tasks));
    }
}

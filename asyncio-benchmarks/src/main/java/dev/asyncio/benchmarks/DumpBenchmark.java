package dev.asyncio.benchmarks;

import dev.asyncio.Asyncio;
import dev.asyncio.core.CancellationScope;
import dev.asyncio.core.EventLoop;
import dev.asyncio.core.LoopStats;
import dev.asyncio.core.Task;
import dev.asyncio.core.TaskTree;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What it costs to look at a busy loop: {@code dump()} (the task tree an operator or the actuator endpoint reads),
 * {@code tasks()} and {@code stats()}, on a loop with 100,000 live tasks.
 *
 * <p>The loop's tasks sleep for an hour, spread evenly over the root scope and four nested scopes below it (a holder
 * task keeps the nested scopes open), so the tree has depth and every task is live and parked, as on a server holding
 * many slow connections. {@code dump()} must be cheap enough to call on such a system; {@code stats()} reads only
 * counters and should not depend on the number of tasks at all.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class DumpBenchmark {
    /** Sleeping tasks in the loop, besides the holder task. */
    static final int TASKS = 100_000;

    private static final int SCOPES = 5;
    private static final Duration PARKED = Duration.ofHours(1);

    @SuppressWarnings("NullAway.Init") // created in @Setup, which JMH runs before any benchmark call
    private EventLoop loop;

    /** Opens the loop and parks {@value #TASKS} tasks in it, then checks that the dump sees all of them. */
    @Setup(Level.Trial)
    public void park() throws InterruptedException {
        loop = EventLoop.builder().name("dump").build();
        CountDownLatch started = new CountDownLatch(TASKS);
        Task<Integer> holder = loop.createTask("holder", () -> fill(1, started));
        if (!started.await(2, TimeUnit.MINUTES)) {
            throw new IllegalStateException("only " + (TASKS - started.getCount()) + " tasks started in 2 minutes");
        }
        int seen = loop.dump().root().taskCount();
        if (seen != TASKS + 1 || holder.isDone()) {
            throw new IllegalStateException("expected " + (TASKS + 1) + " live tasks in the dump, saw " + seen);
        }
    }

    /** Closes the loop, which cancels every parked task and waits for them. */
    @TearDown(Level.Trial)
    public void close() {
        loop.close();
    }

    /** {@return the task tree, without stacks} */
    @Benchmark
    public TaskTree dump() {
        return loop.dump();
    }

    /** {@return a snapshot list of the live tasks} */
    @Benchmark
    public List<Task<?>> tasks() {
        return loop.tasks();
    }

    /** {@return the loop's counters} */
    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public LoopStats stats() {
        return loop.stats();
    }

    /**
     * Starts this level's share of sleepers in the current scope, then opens the next scope and does the same there;
     * the innermost level parks the holder itself, keeping every scope open.
     */
    private static int fill(int level, CountDownLatch started) {
        for (int i = 0; i < TASKS / SCOPES; i++) {
            Asyncio.createTask(() -> {
                started.countDown();
                Asyncio.sleep(PARKED);
                return 0;
            });
        }
        if (level < SCOPES) {
            return CancellationScope.run(() -> fill(level + 1, started));
        }
        Asyncio.sleep(PARKED);
        return 0;
    }
}

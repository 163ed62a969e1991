package dev.asyncio.benchmarks;

import dev.asyncio.Asyncio;
import dev.asyncio.core.CancellationScope;
import dev.asyncio.core.EventLoop;
import dev.asyncio.core.Task;
import dev.asyncio.exception.TaskCancelledException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
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
 * How long structured cancellation takes: 10,000 tasks sleep in one scope, and the scope is cancelled or exited; the
 * operation ends only when every task has terminated, which is what a scope guarantees before it returns.
 *
 * <p>Two pairs of measurements. {@code cancelParkedScope} times only the cancellation: the tasks are created and
 * parked in a per-operation setup that JMH leaves out of the score, then {@code scope.cancel()} and the wait for the
 * scope to empty are timed; {@code interruptParkedVirtualThreads} is the same with raw virtual threads (interrupt each,
 * join each), the floor the runtime builds on. {@code spawnAndExitScope} and {@code spawnAndInterruptVirtualThreads}
 * time the whole round trip: create the sleepers, wait until each has started, leave the scope (which cancels and
 * awaits the leftovers) or interrupt and join the threads.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class CancellationBenchmark {
    /** Sleeping tasks per operation. */
    static final int TASKS = 10_000;

    private static final Duration PARKED = Duration.ofHours(1);

    /** A loop, shared by the runtime's measurements. */
    @State(Scope.Benchmark)
    public static class Loop {
        @SuppressWarnings("NullAway.Init") // created in @Setup, which JMH runs before any benchmark call
        EventLoop loop;

        /** Opens the loop. */
        @Setup(Level.Trial)
        public void open() {
            loop = EventLoop.builder().name("cancellation").build();
        }

        /** Closes it, checking that no task outlived its operation. */
        @TearDown(Level.Trial)
        public void close() {
            long live = loop.stats().live();
            loop.close();
            if (live != 0) {
                throw new IllegalStateException(live + " tasks were still live after the last operation");
            }
        }
    }

    /** Before each operation: {@value #TASKS} tasks parked in a scope that a holder task keeps open. */
    @State(Scope.Thread)
    public static class ParkedScope {
        @SuppressWarnings("NullAway.Init") // set by each @Setup
        CancellationScope scope;

        @SuppressWarnings("NullAway.Init")
        Task<Integer> holder;

        /** Parks the tasks and waits until each one has started. */
        @Setup(Level.Invocation)
        public void park(Loop state) throws InterruptedException {
            CountDownLatch started = new CountDownLatch(TASKS);
            AtomicReference<@Nullable CancellationScope> opened = new AtomicReference<>();
            holder = state.loop.createTask("holder", () -> {
                try {
                    return CancellationScope.run(scope -> {
                        opened.set(scope);
                        spawnSleepers(started);
                        Asyncio.sleep(PARKED);
                        return 0;
                    });
                } catch (TaskCancelledException expected) {
                    return TASKS; // the scope returned only after every task in it had terminated
                }
            });
            awaitStarted(started);
            scope = requireSet(opened.get());
        }
    }

    /** Before each operation: {@value #TASKS} raw virtual threads parked in {@code Thread.sleep}. */
    @State(Scope.Thread)
    public static class ParkedThreads {
        List<Thread> threads = List.of();

        /** Starts the threads and waits until each one has started. */
        @Setup(Level.Invocation)
        public void park() throws InterruptedException {
            CountDownLatch started = new CountDownLatch(TASKS);
            threads = startSleepingThreads(started);
            awaitStarted(started);
        }
    }

    /** {@return once the parked scope's tasks have all terminated after {@code scope.cancel()}} */
    @Benchmark
    public int cancelParkedScope(ParkedScope parked) {
        parked.scope.cancel();
        return Asyncio.await(parked.holder);
    }

    /** {@return once every parked virtual thread has been interrupted and has ended} */
    @Benchmark
    public int interruptParkedVirtualThreads(ParkedThreads parked) throws InterruptedException {
        return interruptAndJoin(parked.threads);
    }

    /** {@return once a scope of freshly created sleepers has been left and all of them have terminated} */
    @Benchmark
    public int spawnAndExitScope(Loop state) {
        return state.loop.run(() -> {
            CountDownLatch started = new CountDownLatch(TASKS);
            spawnSleepers(started);
            awaitStarted(started);
            return TASKS; // leaving run's scope cancels the sleepers and waits for them
        });
    }

    /** {@return once freshly started sleeping virtual threads have been interrupted and have ended} */
    @Benchmark
    public int spawnAndInterruptVirtualThreads() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(TASKS);
        List<Thread> threads = startSleepingThreads(started);
        awaitStarted(started);
        return interruptAndJoin(threads);
    }

    private static void spawnSleepers(CountDownLatch started) {
        for (int i = 0; i < TASKS; i++) {
            Asyncio.createTask(() -> {
                started.countDown();
                Asyncio.sleep(PARKED);
                return 0;
            });
        }
    }

    private static List<Thread> startSleepingThreads(CountDownLatch started) {
        List<Thread> threads = new ArrayList<>(TASKS);
        for (int i = 0; i < TASKS; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                started.countDown();
                try {
                    Thread.sleep(PARKED);
                } catch (InterruptedException expected) {
                    // the benchmark's cancellation
                }
            }));
        }
        return threads;
    }

    private static int interruptAndJoin(List<Thread> threads) throws InterruptedException {
        for (Thread thread : threads) {
            thread.interrupt();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return threads.size();
    }

    private static void awaitStarted(CountDownLatch started) throws InterruptedException {
        if (!started.await(1, TimeUnit.MINUTES)) {
            throw new IllegalStateException("only " + (TASKS - started.getCount()) + " tasks started in a minute");
        }
    }

    private static CancellationScope requireSet(@Nullable CancellationScope scope) {
        if (scope == null) {
            throw new IllegalStateException("the holder task did not open its scope");
        }
        return scope;
    }
}

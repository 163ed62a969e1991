package dev.asyncio.benchmarks;

import dev.asyncio.Asyncio;
import dev.asyncio.core.EventLoop;
import dev.asyncio.core.Task;
import dev.asyncio.core.observe.Observer;
import dev.asyncio.core.observe.TaskEvent;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What an unobserved loop pays for being observable: one task created and awaited per operation, on a loop that (i)
 * never had an observer, (ii) had one registered and unregistered again, or (iii) has one observer that does nothing
 * but keep the last event.
 *
 * <p>The kernel promises that with no observer registered, creating and completing a task does no event work and
 * allocates no event objects. Run with {@code -prof gc}: {@code gc.alloc.rate.norm} (bytes allocated per task) must be
 * the same for (i) and (ii), and (iii) shows what the three events of a task (CREATED, STARTED, COMPLETED) cost. The
 * observer in (iii) publishes each event to a volatile field, as any real observer hands it on somewhere; an observer
 * with an empty body would let the JIT remove the event allocation and hide the cost being measured.
 *
 * <p>{@code virtualThreadSubmitAndGet} is the floor for one round trip: submit the same body to a
 * virtual-thread-per-task executor and wait for its {@code Future} from the benchmark thread. Like {@code await}, the
 * future is signalled when the body returns, not when the thread has wound down (which {@code Thread.join} would wait
 * for). Most of a single round trip is the wake-ups between the benchmark's platform thread and the virtual thread's
 * carrier, not the runtime's bookkeeping, so the times are noisy; the bytes per operation are not.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class ObserverOverheadBenchmark {
    private static final Callable<Integer> ANSWER = () -> 42;

    /** How the loop is observed during the run. */
    public enum Observers {
        /** No observer was ever registered. */
        NONE,
        /** An observer was registered and unregistered before the run, so {@code isEnabled()} is false again. */
        UNREGISTERED,
        /** One observer that keeps the last event, registered for the whole run. */
        NO_OP
    }

    /** A loop in one of the observation modes. */
    @State(Scope.Benchmark)
    public static class ObservedLoop {
        /** The observation mode of this run. */
        @Param
        @SuppressWarnings("NullAway.Init") // JMH injects it before @Setup
        public Observers observers;

        @SuppressWarnings("NullAway.Init") // created in @Setup, which JMH runs before any benchmark call
        EventLoop loop;

        private volatile @Nullable TaskEvent lastEvent;

        /** Opens the loop and puts it in the mode under test. */
        @Setup
        public void open() {
            loop = EventLoop.builder().name("observer-overhead").build();
            Observer keepLast = event -> lastEvent = event;
            switch (observers) {
                case NONE -> {}
                case UNREGISTERED -> {
                    loop.observable().register(keepLast);
                    loop.observable().unregister(keepLast);
                }
                case NO_OP -> loop.observable().register(keepLast);
            }
            if (loop.observable().isEnabled() != (observers == Observers.NO_OP)) {
                throw new IllegalStateException("observable().isEnabled() does not match mode " + observers);
            }
        }

        /** Closes the loop. */
        @TearDown
        public void close() {
            loop.close();
        }
    }

    /** {@return the value of one task, created in the loop's root scope and awaited from the benchmark thread} */
    @Benchmark
    public Integer createAndAwait(ObservedLoop observed) {
        Task<Integer> task = observed.loop.createTask(ANSWER);
        return Asyncio.await(task);
    }

    /** A virtual-thread-per-task executor, for the floor. */
    @State(Scope.Benchmark)
    public static class VirtualThreads {
        final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

        /** Closes the executor. */
        @TearDown
        public void close() {
            executor.close();
        }
    }

    /** {@return the value of the same body run on a fresh virtual thread, waited for through its future} */
    @Benchmark
    public Integer virtualThreadSubmitAndGet(VirtualThreads virtualThreads)
            throws InterruptedException, ExecutionException {
        return virtualThreads.executor.submit(ANSWER).get();
    }
}

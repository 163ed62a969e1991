package dev.asyncio.benchmarks;

import dev.asyncio.core.EventLoop;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The executors the side-by-side benchmarks compare, opened once per trial: a runtime loop with default settings, one
 * with observability off (no observers, and built with {@code taskTimestamps(false)} and {@code
 * taskThreadNames(false)}), raw virtual threads ({@code Executors.newVirtualThreadPerTaskExecutor()}), and the
 * 8-thread platform pool Spring Boot configures for {@code @Async} by default ({@link SpringDefaultPool}).
 */
@State(Scope.Benchmark)
public class Contenders {
    @SuppressWarnings("NullAway.Init") // created in @Setup, which JMH runs before any benchmark call
    EventLoop loop;

    @SuppressWarnings("NullAway.Init")
    EventLoop loopObservabilityOff;

    @SuppressWarnings("NullAway.Init")
    ExecutorService virtualThreads;

    @SuppressWarnings("NullAway.Init")
    ThreadPoolExecutor platformPool;

    /** Opens the loops and both executors. */
    @Setup
    public void open() {
        loop = EventLoop.builder().name("contender").build();
        loopObservabilityOff = EventLoop.builder()
                .name("contender-observability-off")
                .taskTimestamps(false)
                .taskThreadNames(false)
                .build();
        virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
        platformPool = SpringDefaultPool.create();
    }

    /**
     * Closes them.
     *
     * @throws InterruptedException if interrupted while the pool shuts down
     */
    @TearDown
    public void close() throws InterruptedException {
        loop.close();
        loopObservabilityOff.close();
        virtualThreads.close();
        SpringDefaultPool.shutdown(platformPool);
    }
}

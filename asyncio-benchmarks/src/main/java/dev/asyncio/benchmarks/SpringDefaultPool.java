package dev.asyncio.benchmarks;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The platform-thread pool that Spring Boot configures for {@code @Async} by default, rebuilt with the JDK alone so the
 * benchmarks do not depend on Spring: Boot's {@code ThreadPoolTaskExecutor} has 8 core threads, an unbounded queue
 * (so the pool never grows past its core size, whatever its maximum), a 60 s keep-alive with core threads allowed to time out, and threads
 * named {@code task-N}. The comparison is with that executor, not with Spring's proxy in front of it.
 *
 * <p>Not thread-safe to create; the pool it returns is.
 */
final class SpringDefaultPool {
    /** {@code spring.task.execution.pool.core-size}'s default. */
    static final int CORE_SIZE = 8;

    private SpringDefaultPool() {}

    /** {@return a new pool shaped like Spring Boot's default task executor; shut it down when done} */
    static ThreadPoolExecutor create() {
        AtomicInteger counter = new AtomicInteger();
        ThreadFactory threads = runnable -> new Thread(runnable, "task-" + counter.incrementAndGet());
        // Boot's maximum is Integer.MAX_VALUE, which an unbounded queue never lets the pool reach: the core size is the
        // real maximum, and saying so keeps Error Prone's ErroneousThreadPoolConstructorChecker quiet.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                CORE_SIZE, CORE_SIZE, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** Stops {@code pool} and waits for its threads, so one benchmark's threads never run into the next one. */
    static void shutdown(ThreadPoolExecutor pool) throws InterruptedException {
        pool.shutdownNow();
        if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the platform pool did not stop within 30 s");
        }
    }
}

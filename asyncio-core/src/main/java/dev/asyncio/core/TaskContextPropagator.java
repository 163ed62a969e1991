package dev.asyncio.core;

import org.jspecify.annotations.Nullable;

/**
 * Carries thread-bound state (MDC, tracing, security) from the thread that creates a task into the task's body.
 *
 * <p>The loop calls {@link #capture()} on the creating thread when the task is created, and {@link
 * #restore(Object)} on the task's thread around its body; it closes the returned {@link Restored} when the body
 * exits. Task threads do not inherit {@link InheritableThreadLocal}s: only {@code Context} and what a propagator
 * captures cross into a task. Implementations must be thread-safe and should be cheap: they run once per task.
 */
public interface TaskContextPropagator {

    /** {@return the state to carry into the new task, taken on the creating thread; may be null} */
    @Nullable
    Object capture();

    /**
     * Installs {@code captured} on the calling (task) thread.
     *
     * @param captured what {@link #capture()} returned
     * @return undoes the installation when closed
     */
    Restored restore(@Nullable Object captured);

    /** Undoes a {@link #restore(Object)}; closing does not throw checked exceptions. */
    @FunctionalInterface
    interface Restored extends AutoCloseable {
        @Override
        void close();
    }
}

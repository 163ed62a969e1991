package dev.asyncio.core;

import dev.asyncio.core.internal.Cancellations;
import dev.asyncio.core.internal.Durations;
import dev.asyncio.core.internal.Waiting;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The suspension points every blocking call of the runtime is made of: the building blocks for primitives such as
 * semaphores and queues, and for integrations that block.
 *
 * <p>A suspension point checks for cancellation before it blocks (so a body that swallowed an interrupt is still
 * stopped at its next call), turns an interrupt into {@link dev.asyncio.exception.TaskCancelledException} with the
 * interrupt status cleared, and, when it waits for something other tasks must do, gives the caller's admission slot
 * back meanwhile. An interrupt the runtime did not send cancels the current task; on a thread that is not a task it
 * throws and sets the interrupt status again.
 *
 * <p>All methods are thread-safe and work on any thread. Unless otherwise specified, passing null throws {@link
 * NullPointerException}.
 */
public final class Suspension {
    private Suspension() {}

    /**
     * A blocking wait that may be interrupted.
     *
     * @param <T> what it returns
     */
    @FunctionalInterface
    public interface Wait<T extends @Nullable Object> {
        /**
         * Blocks.
         *
         * @return the result of the wait
         * @throws InterruptedException if the thread was interrupted
         */
        T block() throws InterruptedException;
    }

    /**
     * Blocks in {@code wait} until something other tasks do lets it return, as a cancellable suspension point that
     * gives the admission slot back while blocked.
     *
     * @param wait the blocking call, e.g. a condition wait
     * @param <T> what it returns
     * @return what {@code wait} returned
     * @throws dev.asyncio.exception.TaskCancelledException if the caller is cancelled before or while blocked
     */
    public static <T extends @Nullable Object> T suspend(Wait<T> wait) {
        return Waiting.suspend(wait);
    }

    /**
     * Sleeps, cancellably; the caller keeps its admission slot. Zero yields the thread.
     *
     * @param duration how long; not negative
     * @throws IllegalArgumentException if {@code duration} is negative
     * @throws dev.asyncio.exception.TaskCancelledException if the caller is cancelled before or while sleeping
     */
    public static void sleep(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative, was " + duration);
        }
        Waiting.hold(() -> {
            if (duration.isZero()) {
                Thread.yield();
            } else {
                Thread.sleep(duration);
            }
            return null;
        });
    }

    /**
     * Throws if the calling task, or a scope around the caller, has been cancelled; CPU-bound loops call it.
     *
     * @throws dev.asyncio.exception.TaskCancelledException if a cancellation is pending
     */
    public static void checkCancelled() {
        Cancellations.throwIfCancelled();
    }

    /**
     * Waits until {@code task} is done (its terminal event delivered), cancellably. Cancelling the caller does not
     * cancel {@code task}.
     *
     * @param task the task to wait for
     * @throws IllegalStateException if {@code task} is the calling task
     * @throws dev.asyncio.exception.TaskCancelledException if the caller is cancelled
     */
    public static void join(Task<?> task) {
        Waiting.join(task);
    }

    /**
     * Waits at most {@code timeout} for {@code task} to be done, cancellably.
     *
     * @param task the task to wait for
     * @param timeout how long to wait; not negative
     * @return whether the task is done
     * @throws IllegalStateException if {@code task} is the calling task
     * @throws dev.asyncio.exception.TaskCancelledException if the caller is cancelled
     */
    public static boolean join(Task<?> task, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
        }
        return Waiting.join(task, Durations.saturatedNanos(timeout));
    }

    /**
     * Waits until {@code task} is done even if the caller is cancelled meanwhile; the caller's cancellation stays
     * pending, with its interrupt, so its next suspension point throws and its next JDK blocking call is interrupted.
     * For waiting on tasks the caller has just cancelled, as scope exit and gather do.
     *
     * @param task the task to wait for
     * @throws IllegalStateException if {@code task} is the calling task
     */
    public static void joinUninterruptibly(Task<?> task) {
        if (Waiting.joinUninterruptibly(task)) {
            Cancellations.interruptedMeanwhile();
        }
    }
}

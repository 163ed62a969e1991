package dev.asyncio.concurrency;

import dev.asyncio.core.Task;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a task ended, as a value: what {@code Asyncio.gatherOutcomes} returns, one per input.
 *
 * {@snippet :
 * for (Outcome<Page> outcome : Asyncio.gatherOutcomes(fetches)) {
 *     switch (outcome) {
 *         case Outcome.Success<Page>(Page page) -> index(page);
 *         case Outcome.Failure<Page>(Throwable error) -> log.warn("fetch failed", error);
 *         case Outcome.Cancelled<Page>() -> {}
 *     }
 * }
 * }
 *
 * <p>Outcomes are immutable records, safe to share between threads; the value or error in one is shared as it is.
 *
 * @param <T> the task's result type
 */
public sealed interface Outcome<T extends @Nullable Object> {

    /**
     * {@return the outcome of a task that is done}
     *
     * @param task a terminal task
     * @param <T> its result type
     * @throws IllegalStateException if the task is not done
     */
    static <T extends @Nullable Object> Outcome<T> of(Task<T> task) {
        Objects.requireNonNull(task, "task");
        return switch (task.state()) {
            case COMPLETED -> new Success<>(task.result());
            case FAILED -> new Failure<>(Objects.requireNonNull(task.exception()));
            case CANCELLED -> new Cancelled<>();
            default -> throw new IllegalStateException("task '" + task.name() + "' is not done: " + task.state());
        };
    }

    /** {@return whether this is a {@link Success}} */
    default boolean isSuccess() {
        return this instanceof Success;
    }

    /**
     * The task completed.
     *
     * @param value what its body returned
     * @param <T> the result type
     */
    record Success<T extends @Nullable Object>(T value) implements Outcome<T> {}

    /**
     * The task failed.
     *
     * @param error what its body threw
     * @param <T> the result type
     */
    record Failure<T extends @Nullable Object>(Throwable error) implements Outcome<T> {
        /** Validates the error. */
        public Failure {
            Objects.requireNonNull(error, "error");
        }
    }

    /**
     * The task was cancelled.
     *
     * @param <T> the result type
     */
    record Cancelled<T extends @Nullable Object>() implements Outcome<T> {}
}

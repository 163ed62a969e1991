package dev.asyncio.core.observe;

import dev.asyncio.core.Task;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A step of a task's life. A terminal event is delivered just after the task became terminal, so inside the observer
 * {@code event.task().result()} already works; awaiters of the task are released only after every observer has seen
 * it.
 *
 * <p>Events are immutable records, safe to hand to other threads; the task in one is the live, thread-safe object.
 *
 * @param type what happened
 * @param task the task
 * @param timestamp when it happened
 * @param exception the failure ({@code FAILED}) or the {@code TaskCancelledException} ({@code CANCELLED}); else null
 */
public record TaskEvent(
        Type type,
        Task<?> task,
        Instant timestamp,
        @Nullable Throwable exception) {

    /** Validates the components. */
    public TaskEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(timestamp, "timestamp");
    }

    /** The kinds of task event, in lifecycle order. */
    public enum Type {
        /** The task was created; delivered before {@code createTask} returns. */
        CREATED,
        /** The task's body is about to run. */
        STARTED,
        /** The body returned. */
        COMPLETED,
        /** The body threw, or the task's thread could not start. */
        FAILED,
        /** The task was cancelled before it started, or its body exited after a cancellation request. */
        CANCELLED
    }
}

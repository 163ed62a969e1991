package dev.asyncio.core;

import java.util.Locale;

/**
 * The life of a {@link Task}: {@code PENDING → RUNNING → COMPLETED | FAILED | CANCELLED}.
 *
 * <p>Legal moves are {@code PENDING → RUNNING | CANCELLED | FAILED} and {@code RUNNING → COMPLETED | FAILED |
 * CANCELLED}; terminal states never change. Every move is one atomic write (a compare-and-set wherever two threads
 * could race for it), so a task is never seen in two states at once and never leaves a terminal state.
 *
 * <p>A task is {@code RUNNING} from the moment it is admitted, like a {@link Thread} that is {@code RUNNABLE} once
 * started: its virtual thread has been started and its body runs as soon as a carrier thread picks it up. A
 * cancellation that arrives before then is still a request to a running task: the body never starts and the task
 * ends {@code CANCELLED}.
 *
 * <p>Enum constants are immutable and safe to share between threads.
 */
public enum TaskState {
    /** Created and waiting for admission (a loop's {@code maxConcurrentTasks}); its thread has not started. */
    PENDING,
    /** Admitted: its virtual thread has started, and its body is running or about to. */
    RUNNING,
    /** Its body returned a value. */
    COMPLETED,
    /** Its body threw, or its thread could not be started. */
    FAILED,
    /** It was cancelled before it started, or its body exited after a cancellation request. */
    CANCELLED;

    private final String value = name().toLowerCase(Locale.ROOT);

    /** {@return whether the task has ended: its body will never run again} */
    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    /** {@return whether this is {@code COMPLETED}} */
    public boolean isSuccess() {
        return this == COMPLETED;
    }

    /** {@return whether this is {@code FAILED}} */
    public boolean isFailure() {
        return this == FAILED;
    }

    /** {@return whether this is {@code CANCELLED}} */
    public boolean isCancelled() {
        return this == CANCELLED;
    }

    /**
     * {@return whether a task in this state may move to {@code next}}
     *
     * @param next the state to move to
     */
    public boolean canTransitionTo(TaskState next) {
        return switch (this) {
            case PENDING -> next == RUNNING || next == CANCELLED || next == FAILED;
            case RUNNING -> next == COMPLETED || next == FAILED || next == CANCELLED;
            case COMPLETED, FAILED, CANCELLED -> false;
        };
    }

    /** {@return the lowercase name, as used in metric tags and JSON} */
    public String value() {
        return value;
    }
}

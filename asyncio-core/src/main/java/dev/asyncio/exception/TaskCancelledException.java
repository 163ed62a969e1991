package dev.asyncio.exception;

import java.util.concurrent.CancellationException;

/**
 * Thrown by every blocking call of the runtime in a task or scope whose cancellation was requested, and by
 * {@code await} of a cancelled task.
 *
 * <p>The message names who asked for the cancellation: an explicit cancel, a scope, a deadline, a gather or a
 * task group. When the runtime throws it, the thread's interrupt status is cleared while the cancellation request
 * stays: every later blocking call of the runtime throws again, but plain JDK calls in {@code finally} blocks work
 * for cleanup. Let it propagate: a task whose body ends with it ends {@code CANCELLED}.
 *
 * <p>It extends {@link CancellationException}, so it is also an {@link IllegalStateException}.
 *
 * <p>Safe to read from any thread once safely published, as when the runtime hands it to an awaiter.
 */
public class TaskCancelledException extends CancellationException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message who asked for the cancellation
     */
    public TaskCancelledException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause, for instance the cancellation of the task that was awaited.
     *
     * @param message who asked for the cancellation
     * @param cause what led to it
     */
    @SuppressWarnings("this-escape") // CancellationException has no (message, cause) constructor
    public TaskCancelledException(String message, Throwable cause) {
        super(message);
        initCause(cause);
    }
}

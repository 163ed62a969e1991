package dev.asyncio.exception;

/**
 * Thrown when a deadline ran out: by {@code Asyncio.waitFor} once the awaited task has been cancelled and has
 * terminated, and by {@code CancellationScope.withTimeout} once the scope's body has exited. Its cause is the
 * {@link TaskCancelledException} that the deadline caused.
 *
 * <p>Safe to read from any thread once safely published, as when the runtime hands it to an awaiter.
 */
public class TaskTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which deadline ran out
     * @param cause the cancellation the deadline caused
     */
    public TaskTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}

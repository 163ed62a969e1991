package dev.asyncio.exception;

/**
 * Thrown when a deadline ran out: by {@code Asyncio.waitFor} once the awaited task has been cancelled and has
 * terminated, and by {@code CancellationScope.withTimeout} once the scope's body has exited. Its cause is the
 * {@link TaskCancelledException} that the deadline caused.
 */
public class TaskTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TaskTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}

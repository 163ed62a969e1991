package dev.asyncio.exception;

/**
 * Carries a checked exception out of a task, so that callers need not declare {@code throws Exception}.
 *
 * <p>Safe to read from any thread once safely published, as when the runtime hands it to an awaiter.
 */
public class TaskFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed
     * @param cause the checked exception it carries
     */
    public TaskFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}

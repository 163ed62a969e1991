package dev.asyncio.exception;

/** Carries a checked exception out of a task, so that callers need not declare {@code throws Exception}. */
public class TaskFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TaskFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.asyncio.exception;

/**
 * Thrown by {@code AsyncQueue.put} after the queue was shut down, and by {@code get} once a shut-down queue is
 * empty. Catch this type rather than {@link IllegalStateException}: {@link TaskCancelledException} is an {@code
 * IllegalStateException} too.
 *
 * <p>Safe to read from any thread once safely published, as when the runtime hands it to an awaiter.
 */
public class QueueShutdownException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which call was refused, and why
     */
    public QueueShutdownException(String message) {
        super(message);
    }
}

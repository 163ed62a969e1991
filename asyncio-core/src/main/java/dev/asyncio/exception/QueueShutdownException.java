package dev.asyncio.exception;

/**
 * Thrown by {@code AsyncQueue.put} after the queue was shut down, and by {@code get} once a shut-down queue is
 * empty. Catch this type rather than {@link IllegalStateException}: {@link TaskCancelledException} is an {@code
 * IllegalStateException} too.
 */
public class QueueShutdownException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public QueueShutdownException(String message) {
        super(message);
    }
}

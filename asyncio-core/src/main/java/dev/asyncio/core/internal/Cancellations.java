package dev.asyncio.core.internal;

import dev.asyncio.exception.TaskCancelledException;
import org.jspecify.annotations.Nullable;

/**
 * How the calling thread learns that it is cancelled: by its task's request, by a cancelled scope around it, or by an
 * interrupt. Every blocking call of the runtime checks here before it blocks and after an interrupt.
 */
public final class Cancellations {
    private Cancellations() {}

    /** {@return the cancellation the calling thread must observe now, or null} */
    public static @Nullable TaskCancelledException pending() {
        RuntimeTask<?> task = Current.task();
        if (task != null) {
            String message = task.cancellationMessage();
            if (message != null) {
                return new TaskCancelledException(message);
            }
        }
        for (RuntimeScope scope = Current.scope(); scope != null; scope = scope.parent()) {
            String reason = scope.cancelReason();
            if (reason != null) {
                return new TaskCancelledException(scope.describe() + " was cancelled: " + reason);
            }
        }
        return null;
    }

    /** Throws the pending cancellation, if any, clearing the interrupt the runtime may have sent with it. */
    public static void throwIfCancelled() {
        TaskCancelledException cancellation = pending();
        if (cancellation != null) {
            Thread.interrupted();
            throw cancellation;
        }
    }

    /**
     * Turns an interrupt the calling thread received while blocked into the exception to throw. An interrupt the
     * runtime did not send cancels the current task; on a thread that is not a task the interrupt status is set again.
     */
    public static TaskCancelledException interrupted() {
        TaskCancelledException cancellation = pending();
        if (cancellation != null) {
            return cancellation;
        }
        RuntimeTask<?> task = Current.task();
        if (task != null) {
            task.cancel("its thread was interrupted");
            TaskCancelledException own = pending();
            if (own != null) {
                return own;
            }
        }
        Thread.currentThread().interrupt();
        return new TaskCancelledException(
                "thread '" + Thread.currentThread().getName() + "' was interrupted while blocked");
    }

    /**
     * Accounts for an interrupt swallowed by an uninterruptible wait. With a cancellation pending, the interrupt is set
     * again, so that the caller's next JDK blocking call is interrupted as well as its next suspension point (which
     * throws and clears it). Otherwise an interrupt on a task's thread cancels the task (which interrupts it), and one
     * on a plain thread is set again.
     */
    public static void interruptedMeanwhile() {
        RuntimeTask<?> task = Current.task();
        if (task != null && pending() == null) {
            task.cancel("its thread was interrupted");
        } else {
            Thread.currentThread().interrupt();
        }
    }
}

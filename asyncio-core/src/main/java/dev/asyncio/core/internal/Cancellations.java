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
            clearCancellationInterrupt();
            throw cancellation;
        }
    }

    /**
     * Turns an interrupt the calling thread received while blocked into the exception to throw, with the interrupt
     * status cleared. An interrupt the runtime did not send cancels the current task; on a thread that is not a task
     * the interrupt status is set again.
     */
    public static TaskCancelledException interrupted() {
        TaskCancelledException cancellation = pending();
        if (cancellation == null) {
            RuntimeTask<?> task = Current.task();
            if (task != null) {
                task.cancel("its thread was interrupted"); // interrupts this thread again, here and now
                cancellation = pending();
            }
        }
        if (cancellation != null) {
            clearCancellationInterrupt();
            return cancellation;
        }
        Thread.currentThread().interrupt();
        return new TaskCancelledException(
                "thread '" + Thread.currentThread().getName() + "' was interrupted while blocked");
    }

    /**
     * Clears the interrupt a cancellation sent, once it has been sent: a task's canceller interrupts after its request
     * is visible, so the task waits for that (as its runner does when the body exits), lest the interrupt land after
     * the exception that was meant to clear it.
     */
    private static void clearCancellationInterrupt() {
        RuntimeTask<?> task = Current.task();
        if (task != null) {
            task.awaitCancelInterrupt();
        }
        Thread.interrupted();
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

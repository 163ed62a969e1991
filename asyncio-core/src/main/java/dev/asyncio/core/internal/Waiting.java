package dev.asyncio.core.internal;

import dev.asyncio.core.Suspension;
import dev.asyncio.core.Task;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The runtime's suspension points. A task that waits here for something other tasks must do gives its admission slot
 * back meanwhile and takes one again before it continues, so that waiting never deadlocks under a concurrency limit.
 */
public final class Waiting {
    private Waiting() {}

    /**
     * Blocks in {@code wait} as a cancellable suspension point: throws at once if the caller is cancelled, gives the
     * admission slot back while blocked, and turns an interrupt into a {@code TaskCancelledException}.
     */
    public static <T extends @Nullable Object> T suspend(Suspension.Wait<T> wait) {
        Objects.requireNonNull(wait, "wait");
        Cancellations.throwIfCancelled();
        RuntimeTask<?> self = Current.task();
        boolean released = self != null && self.loop.admission().release(self);
        try {
            return wait.block();
        } catch (InterruptedException e) {
            throw Cancellations.interrupted();
        } finally {
            if (released && self != null) {
                self.loop.admission().reacquire(self);
            }
        }
    }

    /** Blocks in {@code wait} as a cancellable call that keeps the admission slot (sleeping is work, not waiting). */
    public static <T extends @Nullable Object> T hold(Suspension.Wait<T> wait) {
        Cancellations.throwIfCancelled();
        try {
            return wait.block();
        } catch (InterruptedException e) {
            throw Cancellations.interrupted();
        }
    }

    /** Waits until {@code task} is done, cancellably. */
    public static void join(Task<?> task) {
        Joinable joinable = joinable(task);
        suspend(() -> {
            joinable.join();
            return null;
        });
    }

    /** Waits at most {@code nanos} for {@code task}, cancellably; returns whether it is done. */
    public static boolean join(Task<?> task, long nanos) {
        Joinable joinable = joinable(task);
        return suspend(() -> joinable.join(nanos));
    }

    /**
     * Waits until {@code task} is done even if the caller is cancelled meanwhile (its request stays pending); returns
     * whether the thread was interrupted while waiting. Used where structure demands it: scope exit, and waiting for
     * tasks one has just cancelled.
     */
    public static boolean joinUninterruptibly(Task<?> task) {
        Joinable joinable = joinable(task);
        RuntimeTask<?> self = Current.task();
        boolean released = self != null && self.loop.admission().release(self);
        try {
            return joinable.joinUninterruptibly();
        } finally {
            if (released && self != null) {
                self.loop.admission().reacquire(self);
            }
        }
    }

    private static Joinable joinable(Task<?> task) {
        Objects.requireNonNull(task, "task");
        if (task == Current.task()) {
            throw new IllegalStateException("task '" + task.name() + "' cannot await itself: it would never end");
        }
        if (task instanceof RuntimeTask<?> runtimeTask) {
            Thread self = Thread.currentThread();
            if (runtimeTask.isAnnouncedBy(self)) {
                throw new IllegalStateException("task '" + task.name() + "' cannot be awaited by an observer of its"
                        + " CREATED event: it cannot start, or end, before that event has been delivered");
            }
            if (runtimeTask.thread() == self && !runtimeTask.isReleased()) {
                throw new IllegalStateException("task '" + task.name() + "' cannot be awaited on its own thread before"
                        + " it has released its awaiters (from an observer of its terminal event): it would never end");
            }
        }
        if (task instanceof Joinable joinable) {
            return joinable;
        }
        throw new IllegalArgumentException(
                "not a task of this runtime: " + task.getClass().getName());
    }
}

package dev.asyncio.core.internal;

import dev.asyncio.core.Task;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link CompletableFuture} view of a task: completes with it, and cancelling it cancels the task. A cancelled
 * task completes the future with its {@code TaskCancelledException}, which makes {@link #isCancelled()} true.
 */
final class TaskFuture<T> extends CompletableFuture<T> {
    private final Task<T> task;

    TaskFuture(Task<T> task) {
        this.task = task;
    }

    void completeWith(Task<T> done) {
        Throwable failure = done.exception();
        if (failure == null) {
            complete(done.result());
        } else {
            completeExceptionally(failure);
        }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (!task.cancel("its CompletableFuture was cancelled") && task.isDone()) {
            completeWith(task); // the task ended first (its awaiters may not be released yet): its outcome stands
            return isCancelled();
        }
        return super.cancel(mayInterruptIfRunning);
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }

    @Override
    public String toString() {
        return super.toString() + " of " + task;
    }
}

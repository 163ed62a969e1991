package dev.asyncio.core.internal;

import dev.asyncio.core.CancellationScope;
import dev.asyncio.core.Priority;
import dev.asyncio.core.Task;
import dev.asyncio.core.TaskState;
import dev.asyncio.core.TaskStats;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A task that completed before it was made: no loop, no scope, no events, no statistics. */
public final class CompletedTask<T extends @Nullable Object> implements Task<T>, Joinable {
    private static final Logger log = LoggerFactory.getLogger(CompletedTask.class);

    private final long id = Ids.nextTask();
    private final Instant createdAt = Instant.now();
    private final T value;

    /**
     * Creates the task.
     *
     * @param value its result
     */
    public CompletedTask(T value) {
        this.value = value;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public String name() {
        return "task-" + id;
    }

    @Override
    public TaskState state() {
        return TaskState.COMPLETED;
    }

    @Override
    public Priority priority() {
        return Priority.WORK;
    }

    @Override
    public boolean isDone() {
        return true;
    }

    @Override
    public boolean isCancelled() {
        return false;
    }

    @Override
    public boolean cancel() {
        return false;
    }

    @Override
    public boolean cancel(String reason) {
        Objects.requireNonNull(reason, "reason");
        return false;
    }

    @Override
    public T result() {
        return value;
    }

    @Override
    public @Nullable Throwable exception() {
        return null;
    }

    @Override
    public boolean hasException() {
        return false;
    }

    @Override
    public void addDoneCallback(Consumer<? super Task<T>> callback) {
        Objects.requireNonNull(callback, "callback");
        try {
            callback.accept(this);
        } catch (Throwable e) {
            log.error("A done callback of {} threw", this, e);
        }
    }

    @Override
    public @Nullable CancellationScope scope() {
        return null;
    }

    @Override
    public @Nullable Task<?> parent() {
        return null;
    }

    @Override
    public TaskStats stats() {
        return new TaskStats(
                id, name(), TaskState.COMPLETED, createdAt, createdAt, createdAt, Duration.ZERO, Duration.ZERO, false);
    }

    @Override
    public CompletableFuture<T> toCompletableFuture() {
        return CompletableFuture.completedFuture(value);
    }

    @Override
    public void join() {}

    @Override
    public boolean join(long nanos) {
        return true;
    }

    @Override
    public boolean joinUninterruptibly() {
        return false;
    }

    @Override
    public String toString() {
        return "Task[" + id + " completed]";
    }
}

package dev.asyncio.core;

import dev.asyncio.core.internal.CompletedTask;
import dev.asyncio.core.internal.Current;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A unit of concurrent work: a body running on its own virtual thread, registered in a {@link CancellationScope}.
 *
 * <p>Tasks are made by {@code Asyncio.createTask}, {@link EventLoop#createTask(java.util.concurrent.Callable)} or a task group, and start
 * at once unless the loop limits concurrency (see {@link Priority}). Their state follows {@link TaskState}.
 *
 * {@snippet :
 * Task<Integer> answer = Asyncio.createTask("answer", () -> 6 * 7);
 * int value = Asyncio.await(answer);   // 42
 * }
 *
 * <h2>Done means done</h2>
 *
 * A task is terminal ({@link #isDone()}) only once its body has exited: after that none of its code runs. {@link
 * #result()} on an unfinished task throws {@link IllegalStateException}; on a failed task it rethrows the failure
 * (unchecked exceptions as they are, checked ones wrapped in {@link dev.asyncio.exception.TaskFailedException}); on a
 * cancelled task it throws {@link dev.asyncio.exception.TaskCancelledException}.
 *
 * <h2>Cancellation</h2>
 *
 * {@link #cancel()} is a request. A {@code PENDING} task becomes {@code CANCELLED} at once and its body never runs. A
 * {@code RUNNING} task's virtual thread is interrupted; every blocking call of the runtime then throws {@code
 * TaskCancelledException}, and the task ends {@code CANCELLED} when its body exits, whatever it returned.
 *
 * <h2>Memory consistency effects</h2>
 *
 * Actions of the creating thread before it creates a task happen-before the task's body runs. Actions of the body
 * happen-before anything that observes the task as done: {@code await} returning, {@link #result()}, done callbacks,
 * the terminal event and the completion of {@link #toCompletableFuture()}. Awaiters and done callbacks are released
 * together, after the terminal event: an {@code await} may return while another party's done callback is still
 * running on the thread that ended the task.
 *
 * <p>Tasks are thread-safe, compare by identity, and are not meant to be implemented outside the runtime. Unless
 * otherwise specified, passing null to a method throws {@link NullPointerException}.
 *
 * @param <T> the type of the body's result
 */
public interface Task<T extends @Nullable Object> {

    /**
     * {@return a task that has already completed with {@code value}} It belongs to no loop or scope, emits no events
     * and counts in no statistics; {@code @AsyncTask} methods return it as their body's value.
     *
     * @param value the result, may be null
     * @param <T> the result type
     */
    static <T extends @Nullable Object> Task<T> completed(T value) {
        return new CompletedTask<>(value);
    }

    /** {@return the task running on the calling thread, or null outside tasks} */
    static @Nullable Task<?> current() {
        return Current.task();
    }

    /** {@return the id, unique across every loop of the JVM} */
    long id();

    /** {@return the name; {@code task-<id>} unless one was given} */
    String name();

    /** {@return the current state} */
    TaskState state();

    /** {@return the admission priority} */
    Priority priority();

    /** {@return whether the task is terminal: completed, failed or cancelled} */
    boolean isDone();

    /** {@return whether the task ended {@code CANCELLED}} */
    boolean isCancelled();

    /**
     * Requests cancellation, as an explicit cancel.
     *
     * @return true only for the first request, and only if the task was not terminal yet
     */
    boolean cancel();

    /**
     * Requests cancellation, naming why; the reason appears in the {@code TaskCancelledException} message.
     *
     * @param reason why the task is cancelled, e.g. {@code "the user left"}
     * @return true only for the first request, and only if the task was not terminal yet
     */
    boolean cancel(String reason);

    /**
     * {@return the body's result}
     *
     * @throws IllegalStateException if the task is not done yet
     * @throws dev.asyncio.exception.TaskCancelledException if it was cancelled
     * @throws dev.asyncio.exception.TaskFailedException wrapping a checked failure; unchecked failures are rethrown
     *     as they are
     */
    T result();

    /**
     * {@return the exception the task ended with: the failure, or its {@code TaskCancelledException}; null if it
     * completed or is not done}
     */
    @Nullable
    Throwable exception();

    /** {@return whether the task ended failed or cancelled} */
    boolean hasException();

    /**
     * Runs {@code callback} once the task is done: at once, on the calling thread, if it already is; otherwise on the
     * thread that ends the task, after its terminal event, with no interrupt set and no current task. A callback that
     * throws is logged; it never affects the task or other callbacks. Callbacks added before the task is done run in
     * the order they were added, and all of them before any thread already waiting for the task is woken: what such a
     * waiter does next happens after every callback. One added once the task is done runs at once, even if callbacks
     * added earlier are still running on the ending thread. Keep callbacks quick; a slow one delays the task's
     * awaiters.
     *
     * @param callback receives this task
     */
    void addDoneCallback(Consumer<? super Task<T>> callback);

    /** {@return the scope the task is registered in; null for {@link #completed(Object)} tasks} */
    @Nullable
    CancellationScope scope();

    /** {@return the task that created this one, or null if it was created outside any task} */
    @Nullable
    Task<?> parent();

    /** {@return a snapshot of the task's timing} */
    TaskStats stats();

    /**
     * {@return a new {@link CompletableFuture} that completes with the task} Cancelling the future requests the
     * task's cancellation. Like any {@code CompletableFuture} it reports done at once when cancelled, although the
     * body may still be unwinding: await the task itself to know it has ended.
     */
    CompletableFuture<T> toCompletableFuture();
}

package dev.asyncio;

import dev.asyncio.concurrency.GatherStrategy;
import dev.asyncio.concurrency.Outcome;
import dev.asyncio.concurrency.Semaphore;
import dev.asyncio.concurrency.internal.Gathering;
import dev.asyncio.context.Context;
import dev.asyncio.core.CancellationScope;
import dev.asyncio.core.EventLoop;
import dev.asyncio.core.Suspension;
import dev.asyncio.core.Task;
import dev.asyncio.core.internal.Durations;
import dev.asyncio.core.internal.Failures;
import dev.asyncio.exception.TaskCancelledException;
import dev.asyncio.exception.TaskTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * The runtime in a handful of static functions, as in Python's {@code asyncio} and the PHP seed.
 *
 * {@snippet :
 * int total = Asyncio.run(() -> {
 *     Task<Integer> a = Asyncio.createTask("a", () -> { Asyncio.sleep(100); return 1; });
 *     Task<Integer> b = Asyncio.createTask("b", () -> { Asyncio.sleep(50); return 2; });
 *     List<Integer> values = Asyncio.gather(a, b);          // [1, 2]: input order
 *     return values.get(0) + values.get(1);
 * });
 * }
 *
 * <p>Every blocking function here ({@code await}, {@code gather}, {@code waitFor}, {@code sleep}) is a cancellation
 * point: in a cancelled task or scope it throws {@link TaskCancelledException}, also when the body swallowed the
 * interrupt. They work on plain threads too, where they simply block the thread. Failures are rethrown the way
 * {@link Task#result()} does: unchecked exceptions as they are, checked ones wrapped in {@link
 * dev.asyncio.exception.TaskFailedException}.
 *
 * <p>All functions are thread-safe. Unless otherwise specified, passing null throws {@link NullPointerException}.
 */
public final class Asyncio {
    private Asyncio() {}

    // ---- running ------------------------------------------------------------------------------------------------

    /**
     * Runs {@code main} as a task named {@code main} on the {@linkplain EventLoop#getDefault() default loop}, in a new
     * root scope; blocks the caller until it ends, cancels and awaits whatever it left running, and returns its result.
     * The main task counts as created by the calling thread and inherits its context.
     *
     * @param main the program
     * @param <T> the result type
     * @return what {@code main} returned
     * @throws IllegalStateException if called from inside a task
     */
    public static <T extends @Nullable Object> T run(Callable<T> main) {
        Objects.requireNonNull(main, "main");
        Task<?> current = Task.current();
        if (current != null) {
            throw new IllegalStateException("Asyncio.run() was called from task '" + current.name()
                    + "'; inside a task, create a task and await it instead");
        }
        return EventLoop.getDefault().run(main);
    }

    /**
     * Creates a task in the current scope and starts it (unless the loop's admission queues it).
     *
     * @param body the task's body
     * @param <T> the result type
     * @return the task
     * @throws IllegalStateException if there is no current scope
     */
    public static <T extends @Nullable Object> Task<T> createTask(Callable<T> body) {
        Objects.requireNonNull(body, "body");
        return requireScope().createTask(body);
    }

    /**
     * Creates a named task in the current scope and starts it (unless the loop's admission queues it).
     *
     * @param name the task's name, shown in thread names, logs and metrics
     * @param body the task's body
     * @param <T> the result type
     * @return the task
     * @throws IllegalStateException if there is no current scope
     */
    public static <T extends @Nullable Object> Task<T> createTask(String name, Callable<T> body) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(body, "body");
        return requireScope().createTask(name, body);
    }

    private static CancellationScope requireScope() {
        CancellationScope scope = CancellationScope.current();
        if (scope == null) {
            throw new IllegalStateException("Asyncio.createTask() needs a current scope: call it inside Asyncio.run(),"
                    + " inside a task, or inside CancellationScope.run(); or use EventLoop.createTask()");
        }
        return scope;
    }

    // ---- awaiting -----------------------------------------------------------------------------------------------

    /**
     * Waits for {@code task} and returns its result. Cancelling the caller does not cancel {@code task}.
     *
     * @param task the task to wait for
     * @param <T> the result type
     * @return the task's result
     * @throws TaskCancelledException if the caller or the task was cancelled
     * @throws IllegalStateException if {@code task} is the calling task
     */
    public static <T extends @Nullable Object> T await(Task<T> task) {
        Suspension.join(task);
        return task.result();
    }

    /**
     * Waits for a {@link CompletionStage} (a {@link CompletableFuture}, a Spring or Reactor future) and returns its
     * value. Cancelling the caller does not cancel the stage.
     *
     * @param stage the stage to wait for
     * @param <T> the result type
     * @return the stage's value
     * @throws TaskCancelledException if the caller or the stage was cancelled
     */
    public static <T extends @Nullable Object> T await(CompletionStage<T> stage) {
        CompletableFuture<T> future = asFuture(Objects.requireNonNull(stage, "stage"));
        Suspension.suspend(() -> {
            try {
                future.get();
            } catch (ExecutionException | CancellationException ended) {
                // inspected below
            }
            return null;
        });
        if (future.isCancelled()) {
            try {
                future.join();
            } catch (CancellationException cancelled) {
                throw new TaskCancelledException("the awaited CompletionStage was cancelled", cancelled);
            }
        }
        if (future.isCompletedExceptionally()) {
            Throwable failure = future.exceptionNow();
            if (failure instanceof CancellationException cancelled && !(failure instanceof TaskCancelledException)) {
                // a stage derived from a cancelled one fails with the cancellation rather than being cancelled itself
                throw new TaskCancelledException("the awaited CompletionStage was cancelled", cancelled);
            }
            throw Failures.unchecked("the awaited CompletionStage", failure);
        }
        return future.resultNow();
    }

    private static <T extends @Nullable Object> CompletableFuture<T> asFuture(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture();
        } catch (UnsupportedOperationException notConvertible) {
            CompletableFuture<T> future = new CompletableFuture<>();
            stage.whenComplete((value, failure) -> {
                if (failure != null) {
                    future.completeExceptionally(failure);
                } else {
                    future.complete(value);
                }
            });
            return future;
        }
    }

    /**
     * Waits for every task with {@link GatherStrategy#FAIL_FAST}.
     *
     * @param tasks the tasks, whose results come back in this order
     * @param <T> the result type
     * @return the results, in input order
     * @throws dev.asyncio.exception.GatherException on the first failure, once the other tasks were cancelled and
     *     have terminated
     */
    @SafeVarargs
    public static <T extends @Nullable Object> List<T> gather(Task<? extends T>... tasks) {
        return gather(Arrays.asList(Objects.requireNonNull(tasks, "tasks")), GatherStrategy.FAIL_FAST);
    }

    /**
     * Waits for every task with {@code strategy}.
     *
     * @param strategy how to treat failures
     * @param tasks the tasks, whose results come back in this order
     * @param <T> the result type
     * @return the results, in input order ({@code RETURN_PARTIAL}: the successful ones only)
     * @throws dev.asyncio.exception.GatherException if tasks failed, as {@code strategy} says
     */
    @SafeVarargs
    public static <T extends @Nullable Object> List<T> gather(GatherStrategy strategy, Task<? extends T>... tasks) {
        return gather(Arrays.asList(Objects.requireNonNull(tasks, "tasks")), strategy);
    }

    /**
     * Waits for every task with {@code strategy}. Results always come back in input order; gathering nothing returns
     * an empty list. Cancelling the caller does not cancel the tasks.
     *
     * @param tasks the tasks, whose results come back in this order
     * @param strategy how to treat failures
     * @param <T> the result type
     * @return the results, in input order ({@code RETURN_PARTIAL}: the successful ones only)
     * @throws dev.asyncio.exception.GatherException if tasks failed, as {@code strategy} says
     * @throws TaskCancelledException if the caller is cancelled
     */
    public static <T extends @Nullable Object> List<T> gather(
            Collection<? extends Task<? extends T>> tasks, GatherStrategy strategy) {
        return Gathering.gather(tasks, strategy);
    }

    /**
     * Waits for every task and reports how each ended; never throws for the tasks' failures.
     *
     * @param tasks the tasks
     * @param <T> the result type
     * @return one outcome per task, in input order
     * @throws TaskCancelledException if the caller is cancelled
     */
    public static <T extends @Nullable Object> List<Outcome<T>> gatherOutcomes(
            Collection<? extends Task<? extends T>> tasks) {
        return Gathering.outcomes(tasks);
    }

    /**
     * Waits at most {@code timeout} for {@code task}. On expiry it cancels the task, waits until it has terminated, and
     * throws {@link TaskTimeoutException}. If the caller is cancelled, the task is cancelled too. A zero timeout has
     * already expired: the result is returned only if the task is already done.
     *
     * @param task the task
     * @param timeout how long to wait; not negative
     * @param <T> the result type
     * @return the task's result
     * @throws TaskTimeoutException if the time ran out; its cause is the task's cancellation
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public static <T extends @Nullable Object> T waitFor(Task<T> task, Duration timeout) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
        }
        boolean done;
        try {
            done = Suspension.join(task, timeout);
        } catch (TaskCancelledException waiterCancelled) {
            task.cancel("the waitFor() awaiting it was cancelled");
            Suspension.joinUninterruptibly(task);
            throw waiterCancelled;
        }
        if (!done) {
            boolean timedOut = task.cancel("waitFor() timed out after " + Durations.saturatedMillis(timeout) + "ms");
            Suspension.joinUninterruptibly(task);
            if (timedOut && task.isCancelled()) {
                throw new TaskTimeoutException(
                        "task '" + task.name() + "' timed out after " + Durations.saturatedMillis(timeout) + "ms",
                        Objects.requireNonNull(task.exception()));
            }
        }
        return task.result();
    }

    /**
     * Runs {@code body} as a task of the current scope and waits for it at most {@code timeout}, as {@link
     * #waitFor(Task, Duration)}. With no current scope, the task runs in a scope of its own on the default loop.
     *
     * @param body the task's body
     * @param timeout how long to wait; not negative
     * @param <T> the result type
     * @return the body's result
     * @throws TaskTimeoutException if the time ran out
     */
    public static <T extends @Nullable Object> T waitFor(Callable<T> body, Duration timeout) {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
        }
        if (CancellationScope.current() == null) {
            return CancellationScope.run(() -> waitFor(createTask(body), timeout));
        }
        return waitFor(createTask(body), timeout);
    }

    /**
     * Sleeps, inside or outside tasks; a cancellation point. Zero yields.
     *
     * @param duration how long; not negative
     * @throws IllegalArgumentException if {@code duration} is negative
     * @throws TaskCancelledException if the caller is cancelled
     */
    public static void sleep(Duration duration) {
        Suspension.sleep(duration);
    }

    /**
     * Sleeps {@code millis} milliseconds, as {@link #sleep(Duration)}.
     *
     * @param millis how long; not negative
     */
    public static void sleep(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("millis must not be negative, was " + millis);
        }
        Suspension.sleep(Duration.ofMillis(millis));
    }

    // ---- introspection ------------------------------------------------------------------------------------------

    /** {@return the loop of the innermost current scope, else the default loop} */
    public static EventLoop getEventLoop() {
        CancellationScope scope = CancellationScope.current();
        return scope != null ? scope.loop() : EventLoop.getDefault();
    }

    /** {@return the task running on the calling thread, or null outside tasks} */
    public static @Nullable Task<?> currentTask() {
        return Task.current();
    }

    /**
     * Throws if the current task or scope is cancelled; CPU-bound loops call it.
     *
     * @throws TaskCancelledException if a cancellation is pending
     */
    public static void checkCancelled() {
        Suspension.checkCancelled();
    }

    /**
     * {@return a new FIFO semaphore}
     *
     * @param permits at least 1
     */
    public static Semaphore semaphore(int permits) {
        return new Semaphore(permits);
    }

    // ---- context ------------------------------------------------------------------------------------------------

    /**
     * Sets a value in the calling task's context; tasks it creates from now on inherit it.
     *
     * @param key the key
     * @param value the value; use {@link #deleteContext(String)} to remove one
     */
    public static void setContext(String key, Object value) {
        Context.set(key, value);
    }

    /**
     * {@return the value of {@code key} in the calling task's context, or null when absent}
     *
     * @param key the key
     * @param <T> the expected type
     */
    public static <T> @Nullable T getContext(String key) {
        return Context.get(key);
    }

    /**
     * {@return the value of {@code key}, or {@code defaultValue} when absent}
     *
     * @param key the key
     * @param defaultValue returned when absent
     * @param <T> the expected type
     */
    public static <T> T getContext(String key, T defaultValue) {
        return Context.get(key, defaultValue);
    }

    /**
     * {@return whether {@code key} has a value in the calling task's context}
     *
     * @param key the key
     */
    public static boolean hasContext(String key) {
        return Context.has(key);
    }

    /**
     * Removes {@code key} from the calling task's context (an inherited value is hidden from this task only).
     *
     * @param key the key
     */
    public static void deleteContext(String key) {
        Context.delete(key);
    }

    /**
     * {@return a snapshot of the calling task's context}
     *
     * @param includeInherited true for every visible value; false for only what this task set itself
     */
    public static Map<String, Object> getAllContext(boolean includeInherited) {
        return Context.getAll(includeInherited);
    }

    /** Empties the calling task's (or thread's) context. */
    public static void clearContext() {
        Context.clear();
    }
}

package dev.asyncio.core;

import dev.asyncio.core.internal.Scopes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A region of code, and the tasks started in it, that is cancelled as one: structured concurrency in the manner of
 * Trio's cancel scopes.
 *
 * <p>{@link #run(Callable)} opens a child of the {@linkplain #current() current scope} around a body, on the calling
 * thread. Tasks created inside register in it. When the body exits, by return or by throw, the scope cancels every
 * task of it still running <em>and waits until each has terminated</em>, then closes its resources in reverse order
 * of registration, then emits its event. No task outlives its scope, and no interrupt leaks out of it.
 *
 * {@snippet :
 * List<Page> pages = CancellationScope.withTimeout(Duration.ofSeconds(2), () -> {
 *     Task<Page> a = Asyncio.createTask(() -> fetch("a"));
 *     Task<Page> b = Asyncio.createTask(() -> fetch("b"));
 *     return Asyncio.gather(a, b);
 * });   // both fetches have ended here, whatever happened
 * }
 *
 * <h2>Cancellation</h2>
 *
 * {@link #cancel()} cancels the scope's tasks and child scopes, and interrupts the body if it is still inside it: the
 * body's next blocking call of the runtime throws {@link dev.asyncio.exception.TaskCancelledException}, which leaves
 * {@code run}. A task created in a cancelled scope is {@code CANCELLED} without running. {@link #isCancelled()} is true
 * when this scope or any enclosing one is cancelled. A body that returns normally from a cancelled scope without
 * blocking again has its value returned. A normal exit is not a cancellation: leftover tasks are cancelled and
 * awaited, but the scope ends {@code COMPLETED}.
 *
 * <h2>Deadlines</h2>
 *
 * {@link #withTimeout(Duration, Callable)} cancels the scope when the time is up and throws {@link
 * dev.asyncio.exception.TaskTimeoutException}; {@link #moveOnAfter(Duration, Callable)} returns an empty {@link
 * Optional} instead. Only a cancellation caused by that deadline is converted: a cancellation of an enclosing scope or
 * task passes through unchanged.
 *
 * <h2>Which scope is current</h2>
 *
 * Inside a task, the current scope is the innermost scope its body opened, else the scope the task was registered in.
 * On any other thread it is the innermost scope opened by {@code run} on that thread, else none; with none, {@code
 * run} opens a scope whose parent is the root scope of the {@linkplain EventLoop#getDefault() default loop}. Tasks do
 * not own their children: a child outlives its creator up to the end of its scope.
 *
 * <h2>Exceptions</h2>
 *
 * Checked exceptions of a body leave {@code run} wrapped in {@link dev.asyncio.exception.TaskFailedException};
 * unchecked ones leave as they are. A resource whose {@code close()} fails is logged and its failure is added as
 * suppressed to the exception leaving the scope, if any.
 *
 * <h2>Memory consistency effects</h2>
 *
 * Actions in the body before it creates a task happen-before that task runs; every action of the scope's tasks
 * happens-before {@code run} returns or throws.
 *
 * <p>Scopes are thread-safe. Unless otherwise specified, passing null to a method throws {@link
 * NullPointerException}.
 */
public interface CancellationScope {

    /**
     * Runs {@code body} in a new child of the current scope and returns its value once every task of the scope has
     * terminated.
     *
     * @param body the code to run on the calling thread
     * @param <T> the result type
     * @return what {@code body} returned
     * @throws dev.asyncio.exception.TaskCancelledException if the scope (or an enclosing one) was cancelled and the
     *     body exited by the cancellation
     * @throws IllegalStateException if the loop of the current scope is closed
     */
    static <T extends @Nullable Object> T run(Callable<T> body) {
        return Scopes.run(null, body);
    }

    /**
     * Runs {@code body} in a new child of the current scope, handing it the scope (to cancel it, or create tasks in
     * it), and returns its value once every task of the scope has terminated.
     *
     * @param body the code to run on the calling thread
     * @param <T> the result type
     * @return what {@code body} returned
     */
    static <T extends @Nullable Object> T run(Function<CancellationScope, T> body) {
        return Scopes.run(body);
    }

    /** {@return the calling thread's innermost scope, or null outside any scope} */
    static @Nullable CancellationScope current() {
        return Scopes.current();
    }

    /**
     * Runs {@code body} in a new child scope that is cancelled once {@code timeout} has passed. A zero timeout has
     * already expired: the body starts in a cancelled scope.
     *
     * @param timeout how long the body may take; not negative
     * @param body the code to run on the calling thread
     * @param <T> the result type
     * @return what {@code body} returned
     * @throws dev.asyncio.exception.TaskTimeoutException if the deadline cancelled the body; its cause is the
     *     cancellation
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    static <T extends @Nullable Object> T withTimeout(Duration timeout, Callable<T> body) {
        return Scopes.withTimeout(timeout, body);
    }

    /**
     * Like {@link #withTimeout(Duration, Callable)}, but a deadline that cancelled the body gives an empty result
     * instead of an exception. A body that returns null cannot be told from a timeout: use {@code withTimeout} then.
     *
     * @param timeout how long the body may take; not negative
     * @param body the code to run on the calling thread
     * @param <T> the result type
     * @return the body's value, or empty if the deadline cancelled it
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    static <T> Optional<T> moveOnAfter(Duration timeout, Callable<T> body) {
        return Scopes.moveOnAfter(timeout, body);
    }

    /** {@return the id of this scope, unique across every loop of the JVM} */
    long id();

    /** {@return the loop this scope belongs to} */
    EventLoop loop();

    /** {@return the enclosing scope, or null for a loop's root scope} */
    @Nullable
    CancellationScope parent();

    /**
     * Cancels this scope: its tasks, its child scopes, and the body if it is still inside it. Later calls do nothing.
     */
    void cancel();

    /** {@return whether this scope or an enclosing one has been cancelled} */
    boolean isCancelled();

    /** {@return whether the scope has exited: its tasks have terminated and its resources are closed} */
    boolean isClosed();

    /** {@return when this scope's own deadline expires, or null if it has none} */
    @Nullable
    Instant deadline();

    /** {@return a snapshot of the tasks registered in this scope that have not ended, oldest first} */
    List<Task<?>> tasks();

    /** {@return a snapshot of the open child scopes} */
    List<CancellationScope> children();

    /**
     * Creates a task registered in this scope, from any thread.
     *
     * @param body the task's body
     * @param <T> the result type
     * @return the new task, started unless the loop's admission queues it
     * @throws IllegalStateException if the scope has exited or its loop is closed
     */
    <T extends @Nullable Object> Task<T> createTask(Callable<T> body);

    /**
     * Creates a named task registered in this scope, from any thread.
     *
     * @param name the task's name
     * @param body the task's body
     * @param <T> the result type
     * @return the new task, started unless the loop's admission queues it
     * @throws IllegalStateException if the scope has exited or its loop is closed
     */
    <T extends @Nullable Object> Task<T> createTask(String name, Callable<T> body);

    /**
     * Binds a resource to this scope: on exit the scope calls {@code onCancellation} first if it was cancelled, then
     * closes the resource, in reverse order of binding. This is the kernel's hook for {@code AsyncResourceManager}.
     *
     * @param resource what to close on exit
     * @param onCancellation run before {@code close()} when the scope was cancelled, or null
     * @return a handle that unbinds the resource without closing it
     * @throws IllegalStateException if the scope has already closed its resources (it is exiting or has exited);
     *     resources bound while it waits for its tasks at exit are still closed
     */
    Cleanup addCleanup(AutoCloseable resource, @Nullable Runnable onCancellation);

    /** {@return how many resources are bound to this scope and not yet closed or unbound} */
    int cleanupCount();

    /** A resource bound to a scope with {@link #addCleanup(AutoCloseable, Runnable)}. */
    interface Cleanup {
        /** {@return true if this call unbound the resource; false if it was already unbound or closed} */
        boolean remove();
    }
}

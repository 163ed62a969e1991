package dev.asyncio.concurrency;

import dev.asyncio.core.CancellationScope;
import dev.asyncio.core.Suspension;
import dev.asyncio.core.Task;
import dev.asyncio.core.TaskState;
import dev.asyncio.core.internal.RuntimeTask;
import dev.asyncio.exception.GatherException;
import dev.asyncio.exception.TaskCancelledException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A set of tasks that succeed or fail together, with Python 3.11's {@code asyncio.TaskGroup} semantics.
 *
 * {@snippet :
 * List<Task<Page>> pages = TaskGroup.run(group ->
 *         urls.stream().map(url -> group.spawn(() -> fetch(url))).toList());
 * pages.forEach(page -> index(page.result()));   // every fetch has ended here
 *
 * try (TaskGroup group = TaskGroup.open()) {
 *     urls.forEach(url -> group.spawn(() -> fetch(url)));
 *     group.waitAll();                    // throws GatherException if any fetch failed
 * }
 * }
 *
 * <h2>Failure</h2>
 *
 * The first task to fail cancels the others at once. {@link #waitAll()} waits until every task has terminated and,
 * if any failed, throws a {@link GatherException} holding every failure, keyed by spawn order; tasks the group
 * cancelled because of a failure are not failures. A task that ends cancelled for another reason (for instance by
 * its own {@link Task#cancel()}) is not a failure either and does not abort the group, as in Python.
 *
 * <h2>Closing</h2>
 *
 * {@link #waitAll()} closes the group to new tasks. As with {@code StructuredTaskScope}, {@link #close()} after
 * {@code waitAll()} only releases the group; {@code close()} without it cancels the tasks still running, waits for
 * them, and, if there were any, throws {@link IllegalStateException} saying {@code waitAll()} was not called (under a
 * propagating exception, try-with-resources adds it as suppressed). Open and close a group on one thread. Spawning
 * into a closed or cancelled group throws {@link IllegalStateException}.
 *
 * <h2>Memory consistency effects</h2>
 *
 * Actions before {@link #spawn(Callable)} happen-before the spawned task runs; every action of the group's tasks
 * happens-before {@code waitAll()} returns or throws.
 *
 * <p>Spawning, cancelling and the counts are thread-safe. Unless otherwise specified, passing null throws {@link
 * NullPointerException}.
 */
public final class TaskGroup implements AutoCloseable {
    private static final String SOURCE = "task group";

    private final CancellationScope scope;
    private final Thread owner = Thread.currentThread();
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Task<?>> tasks = new ArrayList<>(); // guarded by lock
    private boolean closed; // guarded by lock
    private boolean cancelled; // guarded by lock
    private volatile boolean waited;

    /**
     * Creates a group whose tasks register in {@code scope}.
     *
     * @param scope where the tasks register; cancelling the scope cancels them
     */
    public TaskGroup(CancellationScope scope) {
        this.scope = Objects.requireNonNull(scope, "scope");
    }

    /**
     * {@return a group in the current scope}
     *
     * @throws IllegalStateException if there is no current scope
     */
    public static TaskGroup open() {
        CancellationScope current = CancellationScope.current();
        if (current == null) {
            throw new IllegalStateException(
                    "TaskGroup.open() needs a current scope: call it inside Asyncio.run(), a task, or"
                            + " CancellationScope.run(); or pass a scope to new TaskGroup(scope)");
        }
        return new TaskGroup(current);
    }

    /**
     * Runs {@code body} with a new group in the current scope, then waits like {@link #waitAll()}. If the body
     * throws, the group's tasks are cancelled and awaited, and the body's exception is rethrown with their failures
     * suppressed.
     *
     * @param body spawns tasks into the group
     * @param <T> the body's result type
     * @return what {@code body} returned, once every task of the group has ended
     * @throws GatherException if any task failed
     */
    public static <T extends @Nullable Object> T run(Function<TaskGroup, T> body) {
        Objects.requireNonNull(body, "body");
        TaskGroup group = open();
        T value;
        try {
            value = body.apply(group);
        } catch (Throwable failure) {
            group.abandon("the task group's body threw " + failure.getClass().getSimpleName());
            for (Task<?> task : group.tasks()) {
                Throwable childFailure = task.state() == TaskState.FAILED ? task.exception() : null;
                if (childFailure != null && childFailure != failure) { // the body may rethrow a child's own failure
                    failure.addSuppressed(childFailure);
                }
            }
            throw failure;
        }
        group.waitAll();
        return value;
    }

    /**
     * Starts {@code body} as a task of the group.
     *
     * @param body the task's body
     * @param <T> the result type
     * @return the task
     * @throws IllegalStateException if the group is closed or cancelled
     */
    public <T extends @Nullable Object> Task<T> spawn(Callable<T> body) {
        Objects.requireNonNull(body, "body");
        return add(null, body);
    }

    /**
     * Starts {@code body} as a named task of the group.
     *
     * @param name the task's name
     * @param body the task's body
     * @param <T> the result type
     * @return the task
     * @throws IllegalStateException if the group is closed or cancelled
     */
    public <T extends @Nullable Object> Task<T> spawn(String name, Callable<T> body) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(body, "body");
        return add(name, body);
    }

    private <T extends @Nullable Object> Task<T> add(@Nullable String name, Callable<T> body) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("task group is closed: spawn before waitAll() or close()");
            }
            if (cancelled) {
                throw new IllegalStateException("task group is cancelled: it accepts no new tasks");
            }
        } finally {
            lock.unlock();
        }
        Task<T> task = name == null ? scope.createTask(body) : scope.createTask(name, body);
        boolean cancelNow;
        boolean closedMeanwhile;
        lock.lock();
        try {
            closedMeanwhile = closed;
            if (!closedMeanwhile) {
                tasks.add(task);
            }
            cancelNow = cancelled;
        } finally {
            lock.unlock();
        }
        if (closedMeanwhile) { // waitAll() or close() took its list of tasks while this one was being created
            task.cancel("its task group was closed while it was being spawned");
            Suspension.joinUninterruptibly(task);
            throw new IllegalStateException("task group is closed: spawn before waitAll() or close()");
        }
        whenDone(task);
        if (cancelNow) {
            cancelByGroup(task, "its task group was cancelled while it was being spawned");
        }
        return task;
    }

    /**
     * Registers the group's done callback. A runtime task's failure is not marked as retrieved by it: the group
     * delivers failures through {@code waitAll()} or {@code run}, and one it never delivers (closed without {@code
     * waitAll()}) is logged as unretrieved, like any other.
     */
    private void whenDone(Task<?> task) {
        if (task instanceof RuntimeTask<?> runtimeTask) {
            runtimeTask.whenDone(this::onDone);
        } else {
            task.addDoneCallback(this::onDone);
        }
    }

    /** The first failure cancels every other task of the group. */
    private void onDone(Task<?> task) {
        if (task.state() != TaskState.FAILED) {
            return;
        }
        List<Task<?>> others;
        lock.lock();
        try {
            if (cancelled) {
                return;
            }
            cancelled = true;
            others = List.copyOf(tasks);
        } finally {
            lock.unlock();
        }
        String reason = "its task group cancelled it after task '" + task.name() + "' failed";
        for (Task<?> other : others) {
            cancelByGroup(other, reason);
        }
    }

    private static void cancelByGroup(Task<?> task, String reason) {
        task.cancel(reason);
    }

    /**
     * Closes the group to new tasks and waits until every task has terminated. If the waiting caller is cancelled,
     * the group's tasks are cancelled too, awaited, and the cancellation is rethrown.
     *
     * @throws GatherException if any task failed; it holds every failure, keyed by spawn order
     * @throws TaskCancelledException if the caller was cancelled while waiting
     */
    public void waitAll() {
        List<Task<?>> all;
        lock.lock();
        try {
            closed = true;
            all = List.copyOf(tasks);
        } finally {
            lock.unlock();
        }
        try {
            for (Task<?> task : all) {
                Suspension.join(task);
            }
        } catch (TaskCancelledException callerCancelled) {
            abandon("the task group's waitAll() was cancelled");
            throw callerCancelled;
        }
        waited = true;
        GatherException failure = failure(all);
        if (failure != null) {
            throw failure;
        }
    }

    /** Cancels every task of the group that is still running; later spawns are refused. */
    public void cancel() {
        List<Task<?>> all;
        lock.lock();
        try {
            cancelled = true;
            all = List.copyOf(tasks);
        } finally {
            lock.unlock();
        }
        for (Task<?> task : all) {
            cancelByGroup(task, "its task group was cancelled");
        }
    }

    /**
     * Releases the group after {@link #waitAll()}; without it, cancels and awaits the tasks still running and throws
     * if there were any. A second call does nothing.
     *
     * @throws IllegalStateException if tasks were still running because {@code waitAll()} was not called
     * @throws WrongThreadException if called from another thread than the one that opened the group
     */
    @Override
    public void close() {
        if (Thread.currentThread() != owner) {
            throw new WrongThreadException("a task group must be closed by the thread that opened it");
        }
        if (waited) {
            lock.lock();
            try {
                closed = true;
            } finally {
                lock.unlock();
            }
            return;
        }
        int stillRunning = abandon("its task group was closed before waitAll() was called");
        if (stillRunning > 0) {
            throw new IllegalStateException("task group closed without waitAll(): " + stillRunning
                    + " task(s) were still running and have been cancelled; call waitAll() before close()");
        }
    }

    /** Closes the group, cancels what still runs, waits for everything, and returns how many were running. */
    private int abandon(String reason) {
        List<Task<?>> all;
        lock.lock();
        try {
            closed = true;
            cancelled = true;
            all = List.copyOf(tasks);
        } finally {
            lock.unlock();
        }
        int running = 0;
        for (Task<?> task : all) {
            if (!task.isDone()) {
                running++;
            }
            cancelByGroup(task, reason);
        }
        for (Task<?> task : all) {
            Suspension.joinUninterruptibly(task);
        }
        waited = true;
        return running;
    }

    /**
     * Builds the report from the tasks' states, which are final once they have been joined (the done callbacks may
     * still be running on the tasks' threads when {@code waitAll()} gets here, so they are not asked). The first
     * failure is the one that ended first, by the runtime's order of endings.
     */
    private @Nullable GatherException failure(List<Task<?>> all) {
        Map<Integer, String> names = new LinkedHashMap<>();
        Map<Integer, Throwable> exceptions = new LinkedHashMap<>();
        Map<Integer, @Nullable Object> results = new LinkedHashMap<>();
        Throwable first = null;
        long firstOrder = Long.MAX_VALUE;
        for (int i = 0; i < all.size(); i++) {
            Task<?> task = all.get(i);
            names.put(i, task.name());
            if (task.state() == TaskState.FAILED) {
                Throwable exception = Objects.requireNonNull(task.exception());
                exceptions.put(i, exception);
                long order = RuntimeTask.endingOrder(task);
                if (first == null || order < firstOrder) {
                    first = exception;
                    firstOrder = order;
                }
            } else if (task.state() == TaskState.COMPLETED) {
                results.put(i, task.result());
            }
        }
        if (exceptions.isEmpty()) {
            return null;
        }
        return new GatherException(SOURCE, names, exceptions, results, first);
    }

    /** {@return how many of the group's tasks have not ended} */
    public int taskCount() {
        int count = 0;
        for (Task<?> task : tasks()) {
            if (!task.isDone()) {
                count++;
            }
        }
        return count;
    }

    /** {@return every task spawned into the group, in spawn order} */
    public List<Task<?>> tasks() {
        lock.lock();
        try {
            return List.copyOf(tasks);
        } finally {
            lock.unlock();
        }
    }

    /** {@return whether the group accepts no more tasks: {@code waitAll()} or {@code close()} was called} */
    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** {@return whether the group was cancelled, explicitly or by a failure} */
    public boolean isCancelled() {
        lock.lock();
        try {
            return cancelled;
        } finally {
            lock.unlock();
        }
    }
}

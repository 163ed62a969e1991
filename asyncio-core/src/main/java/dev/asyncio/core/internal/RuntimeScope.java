package dev.asyncio.core.internal;

import dev.asyncio.core.CancellationScope;
import dev.asyncio.core.EventLoop;
import dev.asyncio.core.Priority;
import dev.asyncio.core.Task;
import dev.asyncio.core.TaskTree;
import dev.asyncio.core.observe.ResourceEvent;
import dev.asyncio.core.observe.ScopeEvent;
import dev.asyncio.exception.TaskCancelledException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cancellation scope of a {@link VirtualThreadEventLoop}. It knows its registered tasks (a {@link ScopeTasks}:
 * ended tasks only until they are pruned, and never shown) and its open children, the thread running its body, the
 * resources bound to it, and its deadline.
 *
 * <p>Cancellation and registration race safely: {@link #cancel(String)} sets the reason, then walks the tasks;
 * registration adds the task, then reads the reason. One of the two always sees the other.
 */
public final class RuntimeScope implements CancellationScope {
    private static final Logger log = LoggerFactory.getLogger(RuntimeScope.class);

    private final long id;
    final VirtualThreadEventLoop loop;
    private final @Nullable RuntimeScope parent;
    private final long openedNanos = System.nanoTime();
    private final ScopeTasks tasks = new ScopeTasks();
    private final Set<RuntimeScope> children = ConcurrentHashMap.newKeySet();
    private final AtomicReference<@Nullable String> cancelReason = new AtomicReference<>();
    private final ConcurrentLinkedQueue<FailureWatch> failureWatches = new ConcurrentLinkedQueue<>();
    private final AtomicInteger watchesAdded = new AtomicInteger();
    private volatile boolean exiting;
    private volatile boolean closed;
    private volatile @Nullable Instant deadline;
    private volatile @Nullable String deadlineReason;
    private volatile @Nullable Future<?> deadlineTimer;

    private final ReentrantLock lock = new ReentrantLock();
    private @Nullable Thread bodyThread; // guarded by lock
    private final ArrayDeque<Binding> cleanups = new ArrayDeque<>(); // guarded by lock
    private boolean closingResources; // guarded by lock

    private RuntimeScope(VirtualThreadEventLoop loop, @Nullable RuntimeScope parent) {
        this.id = Ids.nextScope();
        this.loop = loop;
        this.parent = parent;
    }

    /** Opens a scope: registers it with its parent, counts it, publishes it, and arms its deadline. */
    static RuntimeScope open(VirtualThreadEventLoop loop, @Nullable RuntimeScope parent, @Nullable Duration timeout) {
        RuntimeScope scope = new RuntimeScope(loop, parent);
        loop.counters().scopeOpened();
        loop.observers().scope(ScopeEvent.Type.CREATED, scope, null);
        if (parent != null) {
            parent.children.add(scope);
            if (parent.isCancelled()) {
                scope.cancel("its enclosing " + parent.describe() + " was cancelled");
            }
        }
        if (timeout != null) {
            scope.armDeadline(timeout);
        }
        return scope;
    }

    // ---- cancellation -------------------------------------------------------------------------------------------

    @Override
    public void cancel() {
        cancel("cancel() was called");
    }

    /**
     * Cancels the scope for {@code reason}; returns false if it was already cancelled. The body is interrupted first:
     * cancelling a pending task runs its observers and done callbacks on this thread, and a slow one must not hold up
     * the body's cancellation.
     */
    boolean cancel(String reason) {
        if (!cancelReason.compareAndSet(null, reason)) {
            return false;
        }
        lock.lock();
        try {
            if (bodyThread != null) {
                bodyThread.interrupt();
            }
        } finally {
            lock.unlock();
        }
        String childReason = "its enclosing " + describe() + " was cancelled";
        for (RuntimeScope child : children) {
            child.cancel(childReason);
        }
        String taskReason = "its " + describe() + " was cancelled (" + reason + ")";
        tasks.forEach(task -> task.cancel(taskReason));
        return true;
    }

    @Override
    public boolean isCancelled() {
        for (RuntimeScope s = this; s != null; s = s.parent) {
            if (s.cancelReason.get() != null) {
                return true;
            }
        }
        return false;
    }

    /** {@return why this scope itself was cancelled, or null} */
    @Nullable
    String cancelReason() {
        return cancelReason.get();
    }

    private void armDeadline(Duration timeout) {
        String reason = "its deadline of " + Durations.saturatedMillis(timeout) + "ms passed";
        deadlineReason = reason;
        deadline = Durations.fromNow(timeout);
        if (timeout.isZero()) {
            cancel(reason);
        } else {
            // off the clock thread: cancelling runs the observers and callbacks of pending tasks
            deadlineTimer = loop.timers()
                    .schedule(
                            timeout,
                            () -> Thread.ofVirtual()
                                    .name(loop.name() + "/deadline-" + id)
                                    .start(() -> cancel(reason)));
        }
    }

    /** {@return whether this scope's own deadline cancelled it, and nothing around it was cancelled} */
    boolean expiredByOwnDeadline() {
        String reason = deadlineReason;
        if (reason == null || cancelReason.get() != reason) {
            return false;
        }
        if (parent != null && parent.isCancelled()) {
            return false;
        }
        RuntimeTask<?> task = Current.task();
        return task == null || !task.isCancelRequested();
    }

    // ---- tasks --------------------------------------------------------------------------------------------------

    @Override
    public <T extends @Nullable Object> Task<T> createTask(Callable<T> body) {
        return loop.spawn(this, null, Priority.WORK, body);
    }

    @Override
    public <T extends @Nullable Object> Task<T> createTask(String name, Callable<T> body) {
        Objects.requireNonNull(name, "name");
        return loop.spawn(this, name, Priority.WORK, body);
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(describe() + " has exited; it accepts no new tasks");
        }
    }

    /** Registers a new task; a scope that is cancelled or exiting cancels it before it can start. */
    void register(RuntimeTask<?> task) {
        tasks.add(task);
        if (exiting) {
            task.cancel("its " + describe() + " had already exited");
            return;
        }
        for (RuntimeScope s = this; s != null; s = s.parent) {
            String reason = s.cancelReason.get();
            if (reason != null) {
                task.cancel("its " + s.describe() + " was cancelled (" + reason + ")");
                return;
            }
        }
    }

    /** Forgets a task whose awaiters have been released. */
    void unregister(RuntimeTask<?> task) {
        tasks.remove(task);
    }

    void watch(FailureWatch watch) {
        failureWatches.add(watch);
        if (watchesAdded.incrementAndGet() % 64 == 0) {
            failureWatches.removeIf(FailureWatch::isSettled);
        }
    }

    // ---- the body -----------------------------------------------------------------------------------------------

    void bindBody(Thread thread) {
        lock.lock();
        try {
            bodyThread = thread;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Exits the scope after its body: cancels and awaits leftover tasks, closes resources, publishes the exit. No
     * interrupt the scope sent survives it; see {@link #passOnInterrupt} for those that do.
     *
     * @param failure what the body threw, or null
     * @return the exception to rethrow, with close failures suppressed, or null
     */
    @Nullable
    Throwable exit(@Nullable Throwable failure) {
        lock.lock();
        try {
            bodyThread = null;
        } finally {
            lock.unlock();
        }
        boolean interrupted = Thread.interrupted();
        exiting = true;
        Future<?> timer = deadlineTimer;
        if (timer != null) {
            timer.cancel(false);
        }
        interrupted |= awaitTasks();
        closeResources(failure);
        close(failure);
        if (interrupted) {
            passOnInterrupt();
        }
        return failure;
    }

    /**
     * Passes on an interrupt that exit absorbed unless this scope (or one around it) sent it. On a task's thread: a
     * cancellation of the task itself keeps its interrupt (its next JDK blocking call must still see it), and an
     * interrupt nobody in the runtime sent acts as {@code cancel()} of the task, as everywhere. On any other thread a
     * foreign interrupt is set again.
     */
    private void passOnInterrupt() {
        RuntimeTask<?> task = Current.task();
        if (task != null && task.isCancelRequested()) {
            Thread.currentThread().interrupt();
        } else if (isCancelled()) {
            return; // the interrupt was this scope's, or an enclosing one's
        } else if (task != null) {
            task.cancel("its thread was interrupted"); // interrupts it again
        } else {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Cancels every task still registered and waits until each has released its awaiters, even if the waiting thread
     * is cancelled. Repeats until a walk finds none left: a task registered once {@code exiting} is visible is
     * cancelled by {@link #register} before it can start, and any other is seen by the next walk.
     */
    private boolean awaitTasks() {
        boolean interrupted = false;
        String reason = "its " + describe() + " exited while it was still running";
        for (List<RuntimeTask<?>> left = unreleased(); !left.isEmpty(); left = unreleased()) {
            for (RuntimeTask<?> task : left) {
                task.cancel(reason);
            }
            for (RuntimeTask<?> task : left) {
                interrupted |= Waiting.joinUninterruptibly(task);
            }
        }
        return interrupted;
    }

    /**
     * {@return the tasks that have not released their awaiters} A task whose own thread is exiting the scope is left
     * out: it has ended and is delivering its terminal event (an observer of that event is closing the loop), and it
     * releases once that returns, so waiting for it here would never end.
     */
    private List<RuntimeTask<?>> unreleased() {
        Thread self = Thread.currentThread();
        List<RuntimeTask<?>> left = new ArrayList<>();
        tasks.forEach(task -> {
            if (!task.isReleased() && task.thread() != self) {
                left.add(task);
            }
        });
        return left;
    }

    private void closeResources(@Nullable Throwable failure) {
        boolean cancelled = isCancelled();
        for (Binding binding = nextCleanup(); binding != null; binding = nextCleanup()) {
            Throwable closeFailure = null;
            if (cancelled && binding.onCancellation != null) {
                try {
                    binding.onCancellation.run();
                } catch (Throwable e) {
                    closeFailure = e;
                }
            }
            try {
                binding.resource.close();
            } catch (Throwable e) {
                if (closeFailure == null) {
                    closeFailure = e;
                } else {
                    closeFailure.addSuppressed(e);
                }
            }
            if (closeFailure != null) {
                log.warn("Closing resource {} of {} failed", binding.resource, describe(), closeFailure);
                if (failure != null) {
                    failure.addSuppressed(closeFailure);
                }
            }
            if (binding.onClosed != null) {
                try {
                    binding.onClosed.accept(closeFailure);
                } catch (Throwable e) {
                    log.error("A resource close listener threw", e);
                }
            }
            while (!binding.announced) {
                Thread.yield(); // the binding thread is still delivering REGISTERED: keep the events in order
            }
            loop.observers().resource(ResourceEvent.Type.CLOSED, binding.resource, this);
        }
    }

    private @Nullable Binding nextCleanup() {
        lock.lock();
        try {
            closingResources = true;
            Binding binding = cleanups.pollLast();
            if (binding != null) {
                binding.done = true;
            }
            return binding;
        } finally {
            lock.unlock();
        }
    }

    private void close(@Nullable Throwable failure) {
        closed = true;
        if (parent != null) {
            parent.children.remove(this);
        }
        loop.counters().scopeClosed();
        String reason = cancelReason.get();
        if (reason == null) {
            loop.observers().scope(ScopeEvent.Type.COMPLETED, this, failure);
        } else {
            Throwable cancellation = failure instanceof TaskCancelledException
                    ? failure
                    : new TaskCancelledException(describe() + " was cancelled: " + reason);
            loop.observers().scope(ScopeEvent.Type.CANCELLED, this, cancellation);
        }
        for (FailureWatch watch = failureWatches.poll(); watch != null; watch = failureWatches.poll()) {
            watch.run();
        }
    }

    // ---- resources ----------------------------------------------------------------------------------------------

    @Override
    public Cleanup addCleanup(AutoCloseable resource, @Nullable Runnable onCancellation) {
        return bind(resource, onCancellation, null);
    }

    /**
     * Binds a resource, with a listener told when the scope has closed it (null, or the close failure).
     *
     * @param resource what to close on exit
     * @param onCancellation run before closing when the scope was cancelled, or null
     * @param onClosed told after the scope closed the resource, or null
     * @return the binding
     */
    public Cleanup bind(
            AutoCloseable resource,
            @Nullable Runnable onCancellation,
            @Nullable Consumer<@Nullable Throwable> onClosed) {
        Objects.requireNonNull(resource, "resource");
        Binding binding = new Binding(resource, onCancellation, onClosed);
        lock.lock();
        try {
            if (closingResources) {
                throw new IllegalStateException(describe() + " has closed its resources; it accepts no new ones");
            }
            cleanups.addLast(binding);
        } finally {
            lock.unlock();
        }
        try {
            loop.observers().resource(ResourceEvent.Type.REGISTERED, resource, this);
        } finally {
            binding.announced = true;
        }
        return binding;
    }

    @Override
    public int cleanupCount() {
        lock.lock();
        try {
            return cleanups.size();
        } finally {
            lock.unlock();
        }
    }

    private final class Binding implements Cleanup {
        final AutoCloseable resource;
        final @Nullable Runnable onCancellation;
        final @Nullable Consumer<@Nullable Throwable> onClosed;
        boolean done; // guarded by lock
        volatile boolean announced; // REGISTERED has been delivered

        Binding(
                AutoCloseable resource,
                @Nullable Runnable onCancellation,
                @Nullable Consumer<@Nullable Throwable> onClosed) {
            this.resource = resource;
            this.onCancellation = onCancellation;
            this.onClosed = onClosed;
        }

        @Override
        public boolean remove() {
            lock.lock();
            try {
                if (done) {
                    return false;
                }
                done = true;
                return cleanups.removeLastOccurrence(this);
            } finally {
                lock.unlock();
            }
        }
    }

    // ---- description --------------------------------------------------------------------------------------------

    @Override
    public long id() {
        return id;
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    @Override
    public @Nullable RuntimeScope parent() {
        return parent;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public @Nullable Instant deadline() {
        return deadline;
    }

    /** {@return how many entries the scope's task set holds, ended tasks not yet pruned included; for tests} */
    int taskEntries() {
        return tasks.entries();
    }

    /** {@return the registered tasks that have not ended, oldest first} */
    @Override
    public List<Task<?>> tasks() {
        List<Task<?>> live = new ArrayList<>();
        collectLive(live);
        return List.copyOf(live);
    }

    /** Adds the registered tasks that have not ended to {@code into}, oldest first. */
    void collectLive(List<? super RuntimeTask<?>> into) {
        for (RuntimeTask<?> task : tasks.snapshot()) {
            if (!task.isDone()) {
                into.add(task);
            }
        }
    }

    @Override
    public List<CancellationScope> children() {
        return List.copyOf(children);
    }

    /** {@return the open child scopes, without copying; for walks of the tree} */
    Set<RuntimeScope> openChildren() {
        return children;
    }

    /** {@return this scope and everything below it, as a tree node; tasks and children ordered by id} */
    TaskTree.ScopeNode describe(boolean withStacks) {
        List<TaskTree.TaskNode> taskNodes = new ArrayList<>();
        tasks.forEach(task -> {
            TaskTree.TaskNode node = task.describe(withStacks);
            if (node != null) {
                taskNodes.add(node);
            }
        });
        taskNodes.sort(Comparator.comparingLong(TaskTree.TaskNode::id));
        List<RuntimeScope> open = new ArrayList<>(children);
        open.sort(Comparator.comparingLong(RuntimeScope::id));
        List<TaskTree.ScopeNode> childNodes = new ArrayList<>(open.size());
        for (RuntimeScope child : open) {
            childNodes.add(child.describe(withStacks));
        }
        return new TaskTree.ScopeNode(
                id, isCancelled(), deadline, Duration.ofNanos(System.nanoTime() - openedNanos), taskNodes, childNodes);
    }

    String describe() {
        return parent == null ? "root scope of loop '" + loop.name() + "'" : "scope #" + id;
    }

    @Override
    public String toString() {
        return "CancellationScope[" + describe() + (isCancelled() ? ", cancelled" : "") + (closed ? ", closed" : "")
                + "]";
    }
}

package dev.asyncio.core.internal;

import dev.asyncio.core.CancellationScope;
import dev.asyncio.core.EventLoop;
import dev.asyncio.core.LoopStats;
import dev.asyncio.core.Priority;
import dev.asyncio.core.Task;
import dev.asyncio.core.TaskContextPropagator;
import dev.asyncio.core.TaskState;
import dev.asyncio.core.TaskTree;
import dev.asyncio.core.observe.Observable;
import dev.asyncio.core.observe.TaskEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The event loop: every task is a virtual thread; admission, counters, timers and observers are per loop. */
public final class VirtualThreadEventLoop implements EventLoop {
    private static final Logger log = LoggerFactory.getLogger(VirtualThreadEventLoop.class);
    private static final TaskContextPropagator.Restored NOTHING_RESTORED = () -> {};

    private final String name;
    private final Admission admission;
    private final LoopCounters counters = new LoopCounters();
    private final ObserverRegistry observers = new ObserverRegistry();
    private final Timers timers;
    private final @Nullable TaskContextPropagator propagator;
    private final Duration cancellationWarningDelay;
    private final RuntimeScope root;
    private final AtomicBoolean rootExited = new AtomicBoolean();
    /** The threads inside {@link #closeWithin} now. */
    private final Set<Thread> closers = ConcurrentHashMap.newKeySet();

    private final Instant epoch = Instant.now();
    private final long epochNanos = System.nanoTime();
    private final Map<RuntimeTask<?>, Long> cancelledAt = new ConcurrentHashMap<>();
    private final ThreadFactory taskThreads;
    private final String namedTaskThreadPrefix;
    private final @Nullable String taskThreadPrefix;
    private final boolean taskTimestamps;
    private volatile boolean closed;

    /**
     * Creates an open loop; use {@link EventLoop#builder()}.
     *
     * @param name the loop's name
     * @param maxConcurrentTasks the admission limit, 0 for none
     * @param propagator carries thread-locals into tasks, or null
     * @param cancellationWarningDelay when to warn about a cancelled task that is still running
     * @param taskTimestamps whether tasks record when they were created, started and ended
     * @param taskThreadNames whether the thread of an unnamed task is named after the task, not only the loop
     */
    public VirtualThreadEventLoop(
            String name,
            int maxConcurrentTasks,
            @Nullable TaskContextPropagator propagator,
            Duration cancellationWarningDelay,
            boolean taskTimestamps,
            boolean taskThreadNames) {
        this.name = Objects.requireNonNull(name, "name");
        this.namedTaskThreadPrefix = name + "/";
        this.taskThreadPrefix = taskThreadNames ? name + "/task-" : null;
        this.taskTimestamps = taskTimestamps;
        this.taskThreads = Thread.ofVirtual()
                .name(name + "/task")
                .inheritInheritableThreadLocals(false)
                .factory();
        this.admission = Admission.withLimit(maxConcurrentTasks);
        this.propagator = propagator;
        this.cancellationWarningDelay = cancellationWarningDelay;
        this.timers = new Timers(name, this::enterRootScope);
        this.root = RuntimeScope.open(this, null, null);
        // checked often enough that a stalled task is reported within a fraction of the delay after it
        Duration checkEvery = cancellationWarningDelay.dividedBy(4);
        timers.every(
                checkEvery.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : checkEvery,
                this::checkStalls);
    }

    // ---- tasks --------------------------------------------------------------------------------------------------

    /** Creates, publishes, registers and admits a task: the one path every task takes. */
    <T extends @Nullable Object> RuntimeTask<T> spawn(
            RuntimeScope scope, @Nullable String taskName, Priority priority, Callable<T> body) {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(priority, "priority");
        if (taskName != null && taskName.isBlank()) {
            throw new IllegalArgumentException("task name must not be blank");
        }
        ensureOpen();
        scope.ensureOpen();
        Object propagated = propagator == null ? null : propagator.capture();
        RuntimeTask<T> task = new RuntimeTask<>(this, scope, taskName, priority, body, propagated);
        counters.created();
        if (observers.isEnabled()) { // with no observer, nobody can see (and end) the task before it is registered
            task.announcing();
            observers.task(TaskEvent.Type.CREATED, task, null);
            task.announced();
        }
        scope.register(task);
        if (task.state() == TaskState.PENDING) {
            admission.submit(task);
        }
        return task;
    }

    @Override
    public <T extends @Nullable Object> Task<T> createTask(Callable<T> body) {
        return spawn(currentScope(), null, Priority.WORK, body);
    }

    @Override
    public <T extends @Nullable Object> Task<T> createTask(String name, Callable<T> body) {
        Objects.requireNonNull(name, "name");
        return spawn(currentScope(), name, Priority.WORK, body);
    }

    @Override
    public <T extends @Nullable Object> Task<T> schedule(Callable<T> body, Priority priority, String name) {
        Objects.requireNonNull(name, "name");
        return spawn(currentScope(), name, priority, body);
    }

    @Override
    public <T extends @Nullable Object> T run(Callable<T> main) {
        Objects.requireNonNull(main, "main");
        RuntimeTask<?> current = Current.task();
        if (current != null && current.loop == this) {
            throw new IllegalStateException("run() was called from task '" + current.name() + "' of loop '" + name
                    + "'; inside a task, create a task and await it instead");
        }
        ensureOpen();
        RuntimeScope scope = RuntimeScope.open(this, currentScope(), null);
        return Scopes.execute(scope, () -> {
            Task<T> task = spawn(scope, "main", Priority.WORK, main);
            Waiting.join(task);
            return task.result();
        });
    }

    /**
     * {@return an unstarted virtual thread for a task, named {@code loop/task}} It does not inherit inheritable
     * thread-locals: a task's context comes from {@code Context}. The task renames it when it starts running, see
     * {@link #nameTaskThread}.
     */
    Thread newTaskThread(Runnable run) {
        return taskThreads.newThread(run);
    }

    /**
     * Names the calling task thread {@code loop/name}, or {@code loop/task-id} when the task has no name, unless the
     * loop names unnamed tasks' threads only after itself (then it keeps {@code loop/task}). The task's own thread
     * does this as its first step, so that building the string is not paid by the thread creating tasks, which is the
     * bottleneck of a burst of spawns; until then the thread has run no user code.
     */
    void nameTaskThread(Thread thread, @Nullable String taskName, long taskId) {
        if (taskName != null) {
            thread.setName(namedTaskThreadPrefix + taskName);
        } else if (taskThreadPrefix != null) {
            thread.setName(taskThreadPrefix + taskId);
        }
    }

    /** {@return {@link System#nanoTime()}, or 0 when the loop records no task timestamps} */
    long taskClock() {
        return taskTimestamps ? System.nanoTime() : 0;
    }

    /** {@return whether tasks record when they were created, started and ended} */
    boolean recordsTaskTimestamps() {
        return taskTimestamps;
    }

    /** {@return the calling thread's current scope if it belongs to this loop, else the root scope} */
    RuntimeScope currentScope() {
        RuntimeScope scope = Current.scope();
        return scope != null && scope.loop == this ? scope : root;
    }

    @Override
    public RuntimeScope rootScope() {
        return root;
    }

    @Override
    public List<Task<?>> tasks() {
        return List.copyOf(liveTasks());
    }

    private List<RuntimeTask<?>> liveTasks() {
        List<RuntimeTask<?>> live = new ArrayList<>();
        collect(root, live);
        return live;
    }

    private static void collect(RuntimeScope scope, List<RuntimeTask<?>> into) {
        scope.collectLive(into);
        for (RuntimeScope child : scope.openChildren()) {
            collect(child, into);
        }
    }

    // ---- timers -------------------------------------------------------------------------------------------------

    @Override
    public long addTimer(Duration interval, Runnable callback, boolean persistent) {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(callback, "callback");
        if (interval.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException("timer interval must be at least 1ms, was " + interval);
        }
        ensureOpen();
        return timers.add(interval, persistent ? interval : null, callback);
    }

    @Override
    public boolean delTimer(long timerId) {
        return timers.delete(timerId);
    }

    @Override
    public long callSoon(Runnable callback) {
        return callLater(Duration.ZERO, callback);
    }

    @Override
    public long callLater(Duration delay, Runnable callback) {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(callback, "callback");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, was " + delay);
        }
        ensureOpen();
        return timers.add(delay, null, callback);
    }

    private void enterRootScope() {
        Current.swapScope(root);
    }

    /** Remembers when a running task was cancelled, for the stall check. */
    void watchStall(RuntimeTask<?> task) {
        cancelledAt.putIfAbsent(task, System.nanoTime());
    }

    void forgetStall(RuntimeTask<?> task) {
        cancelledAt.remove(task);
    }

    /**
     * On the clock thread: logs, once, each cancelled task still running after the warning delay, so that an
     * uncooperative body is visible; forgets tasks that have ended.
     */
    private void checkStalls() {
        long now = System.nanoTime();
        cancelledAt.forEach((task, since) -> {
            if (task.isDone()) {
                cancelledAt.remove(task);
            } else if (now - since >= Durations.saturatedNanos(cancellationWarningDelay)) {
                cancelledAt.remove(task);
                log.warn(
                        "Task '{}' of loop '{}' is still running {}ms after its cancellation; its body does not reach a"
                                + " cancellation point (call Asyncio.checkCancelled() in CPU loops)",
                        task.name(),
                        name,
                        Duration.ofNanos(now - since).toMillis(),
                        TaskStacks.of(task));
            }
        });
    }

    /** {@return the wall-clock instant of a {@link System#nanoTime()} reading, anchored at the loop's creation} */
    Instant instantOf(long nanos) {
        return epoch.plusNanos(nanos - epochNanos);
    }

    // ---- state --------------------------------------------------------------------------------------------------

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return "virtual-threads";
    }

    @Override
    public LoopStats stats() {
        return counters.snapshot(timers.active());
    }

    @Override
    public TaskTree dump(boolean withStacks) {
        LoopStats stats = stats();
        return new TaskTree(name, Instant.now(), stats, root.describe(withStacks));
    }

    @Override
    public int maxConcurrentTasks() {
        return admission.limit();
    }

    @Override
    public Observable observable() {
        return observers;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("loop '" + name + "' is closed; it accepts no new tasks");
        }
    }

    Admission admission() {
        return admission;
    }

    LoopCounters counters() {
        return counters;
    }

    ObserverRegistry observers() {
        return observers;
    }

    Timers timers() {
        return timers;
    }

    TaskContextPropagator.Restored restore(@Nullable Object propagated) {
        return propagator == null ? NOTHING_RESTORED : propagator.restore(propagated);
    }

    // ---- closing ------------------------------------------------------------------------------------------------

    @Override
    public void close() {
        closeWithin(null);
    }

    @Override
    public boolean close(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
        }
        return closeWithin(timeout);
    }

    /**
     * Closes the loop, waiting for its tasks and timer callbacks until {@code timeout} (null: without bound). A thread
     * already closing this loop that calls it again (an observer or callback its own close runs) returns at once,
     * false: the outer call finishes the job. Timer callbacks that close the loop are not waited for by other
     * closers, since each would wait for the other.
     */
    private boolean closeWithin(@Nullable Duration timeout) {
        RuntimeTask<?> current = Current.task();
        if (current != null && current.loop == this) {
            throw new IllegalStateException(
                    "loop '" + name + "' cannot be closed from its own task '" + current.name() + "'");
        }
        Thread self = Thread.currentThread();
        if (!closers.add(self)) {
            return false;
        }
        try {
            return closeAs(timeout);
        } finally {
            closers.remove(self);
        }
    }

    private boolean closeAs(@Nullable Duration timeout) {
        closed = true;
        root.cancel("loop '" + name + "' is closing");
        boolean interrupted = false;
        Long deadline = timeout == null ? null : System.nanoTime() + Durations.saturatedNanos(timeout);
        for (List<RuntimeTask<?>> left = liveTasks(); !left.isEmpty(); left = liveTasks()) {
            for (RuntimeTask<?> task : left) {
                if (timeout == null) {
                    interrupted |= task.joinUninterruptibly();
                } else if (!joinBefore(task, Objects.requireNonNull(deadline))) {
                    timers.shutdown(deadline, closers);
                    for (RuntimeTask<?> straggler : liveTasks()) {
                        log.warn(
                                "Task '{}' of loop '{}' is still running after close({}ms) gave up",
                                straggler.name(),
                                name,
                                Durations.saturatedMillis(timeout),
                                TaskStacks.of(straggler));
                    }
                    return false;
                }
            }
        }
        if (!timers.shutdown(deadline, closers)) {
            for (Thread callback : timers.runningCallbacks()) {
                log.warn(
                        "Timer callback '{}' of loop '{}' is still running after close({}ms) gave up",
                        callback.getName(),
                        name,
                        Durations.saturatedMillis(Objects.requireNonNull(timeout)),
                        TaskStacks.of(callback));
            }
            return false;
        }
        if (rootExited.compareAndSet(false, true)) {
            interrupted |= Thread.interrupted();
            root.exit(null);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    private static boolean joinBefore(RuntimeTask<?> task, long deadline) {
        try {
            return task.join(deadline - System.nanoTime());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String toString() {
        return "EventLoop[" + name + (closed ? ", closed" : "") + "]";
    }

    /** {@return the scope a new scope opened by the calling thread would nest in, defaulting to this root} */
    static RuntimeScope parentFor(@Nullable CancellationScope current, EventLoop fallback) {
        if (current instanceof RuntimeScope scope) {
            return scope;
        }
        if (fallback.rootScope() instanceof RuntimeScope scope) {
            return scope;
        }
        throw new IllegalStateException("loop " + fallback + " is not a loop of this runtime");
    }
}

package dev.asyncio.core.internal;

import dev.asyncio.context.Context;
import dev.asyncio.core.CancellationScope;
import dev.asyncio.core.Priority;
import dev.asyncio.core.Task;
import dev.asyncio.core.TaskState;
import dev.asyncio.core.TaskStats;
import dev.asyncio.core.TaskTree;
import dev.asyncio.core.observe.TaskEvent;
import dev.asyncio.exception.TaskCancelledException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task of a {@link VirtualThreadEventLoop}: its state machine, its cancellation protocol and its completion.
 *
 * <p>{@code status} is {@code PENDING}, {@code RUNNING}, {@code COMPLETED} or an {@link Ending} (a failure or a
 * cancellation with its exception and end time). A task becomes {@code RUNNING} when it is admitted, on the admitting
 * thread, just before its thread starts; from then on only its runner ends it. Moves that two threads may race for
 * ({@code PENDING → RUNNING | CANCELLED | FAILED}) are compare-and-sets; the runner's own end is one release store.
 * Plain fields written before a move ({@code startedNanos}, {@code endedNanos}, {@code value}) are published by it: a
 * reader that sees the new status sees them. {@code cancellation} holds the first cancel request; the runner seals it
 * when the body has exited, so no request can win after the outcome is decided. A request that wins on a started
 * task interrupts its thread, then sets {@code interruptSent}; a runner that finds a request when sealing waits for
 * that flag before clearing its interrupt status, so no interrupt lands after the body has exited.
 *
 * <p>The task is its thread's {@link Runnable}, which saves an object per task ({@link #run} refuses any other caller),
 * and its uncaught-exception handler, which is how {@link Current} finds it without a thread-local.
 */
public final class RuntimeTask<T extends @Nullable Object> extends DoneSignal
        implements Task<T>, Joinable, Runnable, Thread.UncaughtExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(RuntimeTask.class);

    /** Stored in {@code cancellation} once the body has exited without a request: later requests lose. */
    private static final Object SEALED = new Object();

    private static final VarHandle STATUS;
    private static final VarHandle CANCELLATION;
    private static final VarHandle ANNOUNCER;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATUS = lookup.findVarHandle(RuntimeTask.class, "status", Object.class);
            CANCELLATION = lookup.findVarHandle(RuntimeTask.class, "cancellation", Object.class);
            ANNOUNCER = lookup.findVarHandle(RuntimeTask.class, "announcer", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * An unsuccessful end, FAILED or CANCELLED, published atomically with its exception, when it happened, whether the
     * task had started, and its place in the JVM-wide order of unsuccessful endings (see {@link #endingOrder}).
     */
    record Ending(TaskState state, Throwable exception, long endedNanos, boolean started, long order) {
        Ending(TaskState state, Throwable exception, long endedNanos, boolean started) {
            this(state, exception, endedNanos, started, Ids.nextEnding()); // numbered before anyone can see it
        }
    }

    private final long id;
    private final @Nullable String givenName;
    private @Nullable String name; // the default name, made on first use
    private final Priority priority;
    final VirtualThreadEventLoop loop;
    final RuntimeScope scope;
    private final @Nullable RuntimeTask<?> parent;
    private final Context.Snapshot context;
    private final @Nullable Object propagated;
    private final long createdNanos;

    private @Nullable Callable<T> body;
    /** Written before the move to RUNNING, which publishes it; cleared once the task has ended. */
    private @Nullable Thread thread;

    private volatile Object status = TaskState.PENDING;
    /** The body's result; written by the runner before {@code status} becomes COMPLETED, read only after. */
    private @Nullable Object value;
    /** Null, the reason of the first cancel request (a String), or {@link #SEALED}. */
    private volatile @Nullable Object cancellation;
    /** Set by the winning cancel request once it has interrupted the thread of a started task. */
    private volatile boolean interruptSent;

    /**
     * While CREATED is being delivered to observers: the delivering thread, or a {@link Deferred} if the task ended
     * meanwhile and its ending waits for the delivery to finish; else null.
     */
    private volatile @Nullable Object announcer;

    /** An ending that waits until the thread delivering CREATED has finished. */
    private record Deferred(Thread announcer) {}

    /** When the task was admitted; written before the move to RUNNING, read only after it. */
    private long startedNanos;
    /** When the task COMPLETED; written before that move, read only after it (an {@link Ending} has its own). */
    private long endedNanos;

    private volatile boolean retrieved;
    private volatile @Nullable FailureWatch failureWatch;
    private volatile boolean stallWatched;

    /** Whether the task holds an admission slot; guarded by the admission's lock or confined to the task's thread. */
    boolean holdsSlot;

    /** The innermost scope the body is in; confined to the task's thread, see {@link Current}. */
    @Nullable
    RuntimeScope innerScope;

    /** Whether this task is current on its thread; confined to the task's thread, see {@link Current}. */
    boolean current;

    /** The task's entry in its scope's {@link ScopeTasks}, set when it is registered; see {@link ScopeTasks#remove}. */
    ScopeTasks.@Nullable Node scopeEntry;

    RuntimeTask(
            VirtualThreadEventLoop loop,
            RuntimeScope scope,
            @Nullable String name,
            Priority priority,
            Callable<T> body,
            @Nullable Object propagated) {
        this.id = Ids.nextTask();
        this.givenName = name;
        this.priority = priority;
        this.loop = loop;
        this.scope = scope;
        this.parent = Current.task();
        this.body = body;
        this.context = Context.capture();
        this.propagated = propagated;
        this.createdNanos = loop.taskClock();
    }

    // ---- running ------------------------------------------------------------------------------------------------

    /**
     * Admits the task: moves it to RUNNING and starts its virtual thread; called by admission once the task may run.
     * A task admitted at once has waited no time, so it starts at its creation instant (no clock read); a queued task
     * starts now.
     *
     * @param queued whether the task waited in admission's queue
     */
    void start(boolean queued) {
        Thread t;
        try {
            t = loop.newTaskThread(this);
        } catch (Throwable e) { // OutOfMemoryError: no thread for it
            Ending failed = new Ending(TaskState.FAILED, e, loop.taskClock(), false);
            watchFailure(e);
            if (STATUS.compareAndSet(this, TaskState.PENDING, failed)) {
                loop.counters().ended(TaskState.FAILED, false);
                ended(TaskState.FAILED, e, false);
            }
            loop.admission().release(this);
            return;
        }
        thread = t;
        startedNanos = queued ? loop.taskClock() : createdNanos;
        if (!STATUS.compareAndSet(this, TaskState.PENDING, TaskState.RUNNING)) {
            loop.admission().release(this); // cancelled while pending: its canceller has ended it
            return;
        }
        loop.counters().started();
        loop.observers().task(TaskEvent.Type.STARTED, this, null);
        try {
            t.start();
        } catch (Throwable e) { // OutOfMemoryError, RejectedExecutionException: the body never runs
            CANCELLATION.compareAndExchange(this, null, SEALED);
            watchFailure(e);
            STATUS.setRelease(this, new Ending(TaskState.FAILED, e, loop.taskClock(), true));
            loop.counters().ended(TaskState.FAILED, true);
            loop.admission().release(this);
            ended(TaskState.FAILED, e, false);
        }
    }

    /**
     * The body of the task's thread: runs the task's body, unless a cancellation came first, then ends the task.
     *
     * @throws IllegalStateException if called by any other thread
     */
    @Override
    public void run() {
        Thread self = Thread.currentThread();
        if (self != thread) {
            throw new IllegalStateException("task '" + name() + "' runs only on its own thread");
        }
        loop.nameTaskThread(self, givenName, id);
        Current.enter(this);
        if (!context.isEmpty()) { // a new thread has no context to replace
            Context.install(context);
        }
        @Nullable T result = null;
        Throwable thrown = null;
        Callable<T> b = Objects.requireNonNull(body);
        if (cancellation == null) {
            try (var restored = loop.restore(propagated)) {
                result = b.call();
            } catch (Throwable e) {
                thrown = e;
            }
        }
        finish(result, thrown);
    }

    private void finish(@Nullable T result, @Nullable Throwable thrown) {
        Object request = CANCELLATION.compareAndExchange(this, null, SEALED);
        if (request != null) {
            awaitCancelInterrupt(); // the request that won before the seal has sent its interrupt
        }
        Thread.interrupted(); // the body has exited: no interrupt, sent by the runtime or not, outlives it
        TaskCancelledException cancelled = null;
        if (request instanceof String reason) {
            String message = cancelMessage(reason);
            if (thrown instanceof TaskCancelledException where && message.equals(where.getMessage())) {
                cancelled = where; // the runtime's own exception, thrown where the body was stopped
            } else if (thrown instanceof TaskCancelledException where) {
                cancelled = new TaskCancelledException(message, where);
            } else {
                cancelled = new TaskCancelledException(message);
            }
        } else if (thrown instanceof TaskCancelledException propagated) {
            cancelled = propagated; // the body let a cancellation out, e.g. from awaiting a cancelled task
        }
        TaskState state;
        Throwable exception = null;
        if (cancelled != null && !(thrown instanceof Error)) {
            if (thrown != null && !(thrown instanceof TaskCancelledException)) {
                cancelled.addSuppressed(thrown);
            }
            state = TaskState.CANCELLED;
            exception = cancelled;
        } else if (thrown != null) {
            watchFailure(thrown);
            state = TaskState.FAILED;
            exception = thrown;
        } else {
            state = TaskState.COMPLETED;
        }
        long now = loop.taskClock();
        if (exception == null) {
            value = result;
            endedNanos = now;
            STATUS.setRelease(this, TaskState.COMPLETED); // only the runner moves a task out of RUNNING
        } else {
            STATUS.setRelease(this, new Ending(state, exception, now, true));
        }
        loop.counters().ended(state, true); // before the slot goes: peakActive never exceeds the limit
        loop.admission().release(this);
        Current.leave(this);
        ended(state, exception, true);
    }

    /** Marks CREATED as being delivered to observers by the calling thread, which spawns the task. */
    void announcing() {
        announcer = Thread.currentThread();
    }

    /**
     * Marks CREATED as delivered to every observer; an ending deferred meanwhile (an observer of CREATED cancelled the
     * task) runs now, so that every observer sees CREATED before the terminal event.
     */
    void announced() {
        if (!ANNOUNCER.compareAndSet(this, Thread.currentThread(), null)) {
            announcer = null;
            Ending ending = (Ending) status; // only a cancel of the pending task can end it this early
            ended(ending.state(), ending.exception(), false);
        }
    }

    /** {@return whether {@code thread} is delivering this task's CREATED event now, so the task cannot progress} */
    boolean isAnnouncedBy(Thread thread) {
        Object current = announcer;
        return current == thread || (current instanceof Deferred deferred && deferred.announcer() == thread);
    }

    /**
     * Everything after the terminal move: the terminal event, then awaiters and callbacks. A task ended by another
     * thread (its canceller, or its admitter when its thread could not start) runs its callbacks there with no
     * current task. A task ended while CREATED is still being delivered leaves all of it to {@link #announced}.
     */
    private void ended(TaskState state, @Nullable Throwable exception, boolean onOwnThread) {
        Object delivering = announcer;
        if (delivering instanceof Thread thread && ANNOUNCER.compareAndSet(this, thread, new Deferred(thread))) {
            return;
        }
        if (stallWatched) {
            loop.forgetStall(this);
        }
        loop.observers().task(eventType(state), this, exception);
        if (onOwnThread) {
            release(this);
        } else {
            Current.outside(() -> release(this));
        }
        scope.unregister(this);
        body = null;
        thread = null; // an ended task keeps no thread (and its stack) reachable
    }

    private static TaskEvent.Type eventType(TaskState state) {
        return switch (state) {
            case COMPLETED -> TaskEvent.Type.COMPLETED;
            case FAILED -> TaskEvent.Type.FAILED;
            default -> TaskEvent.Type.CANCELLED;
        };
    }

    /**
     * Logs a throwable that escaped the task's thread. The body's own failures never get here (they end the task);
     * only a failure of the runtime's bookkeeping after the body could. The task is its thread's handler so that
     * {@link Current} can find it, see there.
     */
    @Override
    public void uncaughtException(Thread t, Throwable e) {
        log.error("The thread of {} ended with an uncaught exception", this, e);
    }

    // ---- cancellation -------------------------------------------------------------------------------------------

    @Override
    public boolean cancel() {
        return cancel("cancel() was called");
    }

    @Override
    public boolean cancel(String reason) {
        Objects.requireNonNull(reason, "reason");
        if (isDone() || !CANCELLATION.compareAndSet(this, null, reason)) {
            return false;
        }
        if (status == TaskState.PENDING) {
            TaskCancelledException exception = new TaskCancelledException(cancelMessage(reason));
            Ending ending = new Ending(TaskState.CANCELLED, exception, loop.taskClock(), false);
            if (STATUS.compareAndSet(this, TaskState.PENDING, ending)) {
                loop.admission().withdraw(this);
                loop.counters().ended(TaskState.CANCELLED, false);
                ended(TaskState.CANCELLED, exception, false);
                return true;
            }
        }
        Thread t = thread; // null only if its thread could not be created, and then the task has failed
        try {
            if (t != null) {
                t.interrupt();
            }
        } finally {
            interruptSent = true;
        }
        stallWatched = true;
        loop.watchStall(this);
        return true;
    }

    private String cancelMessage(String reason) {
        return "task '" + name() + "' was cancelled: " + reason;
    }

    /** {@return the message of the pending cancellation request, or null if none (or the body has exited)} */
    @Nullable
    String cancellationMessage() {
        return cancellation instanceof String reason ? cancelMessage(reason) : null;
    }

    /**
     * Waits until the pending cancellation request of this task, if any, has interrupted its thread; called on that
     * thread before it clears its interrupt status for the request.
     */
    void awaitCancelInterrupt() {
        if (cancellation instanceof String) {
            while (!interruptSent) {
                Thread.yield(); // the canceller is between winning and interrupting
            }
        }
    }

    /** {@return whether a cancellation was requested and the body has not exited} */
    boolean isCancelRequested() {
        return cancellation instanceof String;
    }

    // ---- outcome ------------------------------------------------------------------------------------------------

    @Override
    public TaskState state() {
        Object s = status;
        return s instanceof Ending ending ? ending.state() : (TaskState) s;
    }

    @Override
    public boolean isDone() {
        Object s = status;
        return s == TaskState.COMPLETED || s instanceof Ending;
    }

    @Override
    public boolean isCancelled() {
        return status instanceof Ending ending && ending.state() == TaskState.CANCELLED;
    }

    @Override
    @SuppressWarnings({"unchecked", "NullAway"}) // value holds the body's own T, null when T is nullable
    public T result() {
        Object s = status;
        if (s == TaskState.COMPLETED) {
            return (T) value; // only a failure is watched for retrieval: nothing to mark
        }
        if (!(s instanceof Ending ending)) {
            throw new IllegalStateException("task '" + name() + "' is not done: it is " + state());
        }
        markRetrieved();
        Throwable exception = ending.exception();
        if (exception instanceof TaskCancelledException cancelled) {
            throw new TaskCancelledException(String.valueOf(cancelled.getMessage()), cancelled);
        }
        throw Failures.unchecked("task '" + name() + "'", exception);
    }

    @Override
    public @Nullable Throwable exception() {
        Object s = status;
        if (s == TaskState.COMPLETED) {
            return null;
        }
        if (!(s instanceof Ending ending)) {
            return null;
        }
        markRetrieved();
        return ending.exception();
    }

    @Override
    public boolean hasException() {
        return status instanceof Ending;
    }

    /**
     * Orders unsuccessful endings as they happened, for naming the first failure of a gather or a task group. An
     * ending is numbered before it is published, so a failure caused by seeing another one (a task that awaited a
     * failed task and failed in turn) always comes after it, however late the done callbacks of either run.
     *
     * @param task any task
     * @return the place of {@code task}'s FAILED or CANCELLED ending in that order, or {@link Long#MAX_VALUE} for a
     *     task that has not ended unsuccessfully or is not this runtime's
     */
    public static long endingOrder(Task<?> task) {
        return task instanceof RuntimeTask<?> runtimeTask && runtimeTask.status instanceof Ending ending
                ? ending.order()
                : Long.MAX_VALUE;
    }

    @Override
    public void addDoneCallback(Consumer<? super Task<T>> callback) {
        Objects.requireNonNull(callback, "callback");
        if (status != TaskState.COMPLETED) { // a completed task cannot fail any more
            markRetrieved();
        }
        whenDone(callback);
    }

    /**
     * Like {@link #addDoneCallback}, for the runtime's own bookkeeping: registering does not count as retrieving a
     * failure, so one that the registrant never hands on is still logged as unretrieved.
     *
     * @param callback told once the task has ended
     */
    @SuppressWarnings("unchecked") // the signal hands every callback this task
    public void whenDone(Consumer<? super Task<T>> callback) {
        Objects.requireNonNull(callback, "callback");
        if (!whenReleased((Consumer<Object>) (Consumer<?>) callback)) {
            try {
                callback.accept(this);
            } catch (Throwable e) {
                log.error("A done callback of {} threw", this, e);
            }
        }
    }

    @Override
    public CompletableFuture<T> toCompletableFuture() {
        TaskFuture<T> future = new TaskFuture<>(this);
        addDoneCallback(task -> future.completeWith(this));
        return future;
    }

    private void markRetrieved() {
        if (!retrieved) { // most callers find it set already: skip the write to a shared line
            retrieved = true;
        }
        FailureWatch watch = failureWatch;
        if (watch != null) {
            watch.retrieved();
        }
    }

    private void watchFailure(Throwable failure) {
        FailureWatch watch = new FailureWatch(loop.name(), name(), failure);
        failureWatch = watch;
        if (retrieved) {
            watch.retrieved();
        } else {
            watch.watch(this, scope);
        }
    }

    // ---- waiting ------------------------------------------------------------------------------------------------

    @Override
    public void join() throws InterruptedException {
        awaitRelease();
    }

    @Override
    public boolean join(long nanos) throws InterruptedException {
        return awaitRelease(nanos);
    }

    @Override
    public boolean joinUninterruptibly() {
        return awaitReleaseUninterruptibly();
    }

    // ---- description --------------------------------------------------------------------------------------------

    @Override
    public long id() {
        return id;
    }

    @Override
    public String name() {
        if (givenName != null) {
            return givenName;
        }
        String made = name;
        if (made == null) {
            made = "task-" + id;
            name = made; // a benign race: every thread makes the same immutable string
        }
        return made;
    }

    @Override
    public Priority priority() {
        return priority;
    }

    @Override
    public CancellationScope scope() {
        return scope;
    }

    @Override
    public @Nullable Task<?> parent() {
        return parent;
    }

    /** {@return the task's virtual thread, or null if it has not been started} */
    @Nullable
    Thread thread() {
        return thread;
    }

    /**
     * {@return this task as a tree node, with its thread's stack if asked and it has started; null once it has ended}
     * The state is read once, so a task that ends meanwhile is never shown in a terminal state.
     */
    TaskTree.@Nullable TaskNode describe(boolean withStack) {
        Object s = status;
        if (!(s instanceof TaskState state) || state == TaskState.COMPLETED) {
            return null; // an Ending, or COMPLETED
        }
        Thread t = thread;
        List<StackTraceElement> stack = withStack && t != null ? List.of(t.getStackTrace()) : List.of();
        return new TaskTree.TaskNode(
                id,
                name(),
                state,
                priority,
                loop.recordsTaskTimestamps() ? Duration.ofNanos(System.nanoTime() - createdNanos) : null,
                parent == null ? null : parent.id(),
                stack);
    }

    @Override
    public TaskStats stats() {
        Object s = status; // read first: it publishes the times it depends on
        TaskState state = s instanceof Ending ending ? ending.state() : (TaskState) s;
        if (!loop.recordsTaskTimestamps()) {
            return new TaskStats(id, name(), state, null, null, null, null, null, s instanceof Ending);
        }
        boolean started;
        long ended;
        if (s instanceof Ending ending) {
            started = ending.started();
            ended = ending.endedNanos();
        } else {
            started = state != TaskState.PENDING;
            ended = state == TaskState.COMPLETED ? endedNanos : 0;
        }
        boolean isEnded = state.isTerminal();
        long startedAt = started ? startedNanos : 0;
        return new TaskStats(
                id,
                name(),
                state,
                loop.instantOf(createdNanos),
                started ? loop.instantOf(startedAt) : null,
                isEnded ? loop.instantOf(ended) : null,
                started
                        ? Duration.ofNanos(startedAt - createdNanos)
                        : isEnded ? Duration.ofNanos(ended - createdNanos) : null,
                started && isEnded ? Duration.ofNanos(ended - startedAt) : null,
                s instanceof Ending);
    }

    @Override
    public String toString() {
        return "Task[" + id + " '" + name() + "' " + state() + "]";
    }
}

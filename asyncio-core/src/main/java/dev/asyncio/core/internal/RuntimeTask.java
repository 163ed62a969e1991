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
import java.time.Instant;
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
 * cancellation with its exception); every move is one compare-and-set. Only the runner completes a task, and it writes
 * the value before the move to {@code COMPLETED}, so a reader that sees {@code COMPLETED} sees the value; an ending
 * publishes its state and exception together. {@code cancellation} holds the first cancel
 * request; the runner seals it when the body has exited, so no request can win after the outcome is decided. {@code
 * phase} fences the interrupt a cancellation sends, so that it never lands after the body has exited.
 */
public final class RuntimeTask<T extends @Nullable Object> extends DoneSignal implements Task<T>, Joinable {
    private static final Logger log = LoggerFactory.getLogger(RuntimeTask.class);

    private static final int NEW = 0;
    private static final int IN_BODY = 1;
    private static final int INTERRUPTING = 2;
    private static final int EXITED = 3;

    /** Stored in {@code cancellation} once the body has exited without a request: later requests lose. */
    private static final Object SEALED = new Object();

    private static final VarHandle STATUS;
    private static final VarHandle CANCELLATION;
    private static final VarHandle PHASE;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATUS = lookup.findVarHandle(RuntimeTask.class, "status", Object.class);
            CANCELLATION = lookup.findVarHandle(RuntimeTask.class, "cancellation", Object.class);
            PHASE = lookup.findVarHandle(RuntimeTask.class, "phase", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** An unsuccessful end, FAILED or CANCELLED, published atomically with its exception. */
    record Ending(TaskState state, Throwable exception) {}

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
    private @Nullable Thread thread;
    private volatile Object status = TaskState.PENDING;
    /** The body's result; written by the runner before {@code status} becomes COMPLETED, read only after. */
    private @Nullable Object value;
    /** Null, the reason of the first cancel request (a String), or {@link #SEALED}. */
    private volatile @Nullable Object cancellation;

    @SuppressWarnings("UnusedVariable") // accessed through PHASE
    private volatile int phase = NEW;

    private volatile long startedNanos;
    private volatile long endedNanos;
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
    volatile ScopeTasks.@Nullable Node scopeEntry;

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
        this.createdNanos = System.nanoTime();
    }

    // ---- running ------------------------------------------------------------------------------------------------

    /** Starts the task's virtual thread; called by admission once the task may run. */
    void start() {
        try {
            Thread t = loop.newTaskThread(this::run);
            thread = t;
            t.start();
        } catch (Throwable e) { // OutOfMemoryError, RejectedExecutionException: the thread could not start
            Ending failed = new Ending(TaskState.FAILED, e);
            watchFailure(e);
            if (STATUS.compareAndSet(this, TaskState.PENDING, failed)) {
                ended(TaskState.FAILED, e, false);
            }
            loop.admission().release(this);
        }
    }

    private void run() {
        Thread.currentThread().setName(loop.taskThreadName(givenName, id));
        Current.enter(this);
        if (!context.isEmpty()) { // a new thread has no context to replace
            Context.install(context);
        }
        if (!STATUS.compareAndSet(this, TaskState.PENDING, TaskState.RUNNING)) {
            // cancelled while its thread was starting: the canceller has ended it
            loop.admission().release(this);
            Current.leave(this);
            return;
        }
        startedNanos = System.nanoTime();
        loop.counters().started();
        loop.observers().task(TaskEvent.Type.STARTED, this, null);

        @Nullable T result = null;
        Throwable thrown = null;
        PHASE.setVolatile(this, IN_BODY);
        Callable<T> b = Objects.requireNonNull(body);
        if (cancellation == null) {
            try (var restored = loop.restore(propagated)) {
                result = b.call();
            } catch (Throwable e) {
                thrown = e;
            }
        }
        leaveBody();
        finish(result, thrown);
    }

    /** Ends the body phase; waits out an interrupt being delivered, then clears the interrupt status. */
    private void leaveBody() {
        while (!PHASE.compareAndSet(this, IN_BODY, EXITED)) {
            Thread.yield(); // a canceller is between its compare-and-set and its interrupt
        }
        Thread.interrupted();
    }

    private void finish(@Nullable T result, @Nullable Throwable thrown) {
        Object request = CANCELLATION.compareAndExchange(this, null, SEALED);
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
        Object outcome;
        if (cancelled != null && !(thrown instanceof Error)) {
            if (thrown != null && !(thrown instanceof TaskCancelledException)) {
                cancelled.addSuppressed(thrown);
            }
            outcome = new Ending(TaskState.CANCELLED, cancelled);
        } else if (thrown != null) {
            watchFailure(thrown);
            outcome = new Ending(TaskState.FAILED, thrown);
        } else {
            value = result;
            outcome = TaskState.COMPLETED;
        }
        endedNanos = System.nanoTime();
        if (!STATUS.compareAndSet(this, TaskState.RUNNING, outcome)) {
            throw new IllegalStateException("task '" + name() + "' left RUNNING twice");
        }
        TaskState state = outcome instanceof Ending ending ? ending.state() : TaskState.COMPLETED;
        loop.counters().ended(state, true); // before the slot goes: peakActive never exceeds the limit
        loop.admission().release(this);
        Current.leave(this);
        ended(state, outcome instanceof Ending ending ? ending.exception() : null, true);
    }

    /**
     * Everything after the terminal move: the terminal event, then awaiters and callbacks (and the counters of a task
     * that never started). Such a task is ended by another thread, its canceller; callbacks still run with no current
     * task.
     */
    private void ended(TaskState state, @Nullable Throwable exception, boolean started) {
        if (!started) {
            endedNanos = System.nanoTime();
            loop.counters().ended(state, false);
        }
        if (stallWatched) {
            loop.forgetStall(this);
        }
        loop.observers().task(eventType(state), this, exception);
        if (started) {
            release(this);
        } else {
            Current.outside(() -> release(this));
        }
        scope.unregister(this);
        body = null;
    }

    private static TaskEvent.Type eventType(TaskState state) {
        return switch (state) {
            case COMPLETED -> TaskEvent.Type.COMPLETED;
            case FAILED -> TaskEvent.Type.FAILED;
            default -> TaskEvent.Type.CANCELLED;
        };
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
            Ending ending = new Ending(TaskState.CANCELLED, new TaskCancelledException(cancelMessage(reason)));
            if (STATUS.compareAndSet(this, TaskState.PENDING, ending)) {
                loop.admission().withdraw(this);
                ended(TaskState.CANCELLED, ending.exception(), false);
                return true;
            }
        }
        if (PHASE.compareAndSet(this, IN_BODY, INTERRUPTING)) {
            try {
                Objects.requireNonNull(thread).interrupt();
            } finally {
                PHASE.setVolatile(this, IN_BODY);
            }
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
            markRetrieved();
            return (T) value;
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
            markRetrieved();
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

    @Override
    @SuppressWarnings("unchecked") // the signal hands every callback this task
    public void addDoneCallback(Consumer<? super Task<T>> callback) {
        Objects.requireNonNull(callback, "callback");
        markRetrieved();
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

    /** {@return this task as a tree node, with its thread's stack if asked and it has started} */
    TaskTree.TaskNode describe(boolean withStack) {
        Thread t = thread;
        List<StackTraceElement> stack = withStack && t != null ? List.of(t.getStackTrace()) : List.of();
        return new TaskTree.TaskNode(
                id,
                name(),
                state(),
                priority,
                Duration.ofNanos(System.nanoTime() - createdNanos),
                parent == null ? null : parent.id(),
                stack);
    }

    @Override
    public TaskStats stats() {
        Object s = status;
        long started = startedNanos;
        long ended = s == TaskState.COMPLETED || s instanceof Ending ? endedNanos : 0;
        Instant createdAt = loop.instantOf(createdNanos);
        Instant startedAt = started == 0 ? null : loop.instantOf(started);
        Instant completedAt = ended == 0 ? null : loop.instantOf(ended);
        Duration waitTime = started != 0
                ? Duration.ofNanos(started - createdNanos)
                : ended != 0 ? Duration.ofNanos(ended - createdNanos) : null;
        Duration duration = started != 0 && ended != 0 ? Duration.ofNanos(ended - started) : null;
        return new TaskStats(
                id,
                name(),
                s instanceof Ending ending ? ending.state() : (TaskState) s,
                createdAt,
                startedAt,
                completedAt,
                waitTime,
                duration,
                s instanceof Ending);
    }

    @Override
    public String toString() {
        return "Task[" + id + " '" + name() + "' " + state() + "]";
    }
}

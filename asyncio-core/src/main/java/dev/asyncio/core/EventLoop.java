package dev.asyncio.core;

import dev.asyncio.core.internal.DefaultLoop;
import dev.asyncio.core.internal.VirtualThreadEventLoop;
import dev.asyncio.core.observe.Observable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * The runtime that tasks belong to: it starts them on virtual threads, admits them by {@link Priority}, keeps their
 * statistics, fires timers and publishes their lifecycle to observers.
 *
 * <p>Unlike Python's event loop there is no thread to drive: every task is a JDK virtual thread that parks when it
 * blocks. A loop owns a {@linkplain #rootScope() root scope} that lives until {@link #close()}; tasks created through
 * the loop with no current scope of this loop register there, which is how integrations such as the Spring starter
 * start tasks.
 *
 * {@snippet :
 * try (EventLoop loop = EventLoop.builder().name("crawler").maxConcurrentTasks(64).build()) {
 *     int pages = loop.run(() -> crawl(seedUrls));
 * }   // close() cancels whatever is left and waits for it
 * }
 *
 * <p>Loops are thread-safe. Unless otherwise specified, passing null to a method throws {@link
 * NullPointerException}.
 */
public interface EventLoop extends AutoCloseable {

    /**
     * {@return the default loop, used by the {@code Asyncio} facade when no scope is current} It is created on first
     * use (named {@code default}, no concurrency limit) and replaced by a fresh one if it has been closed, unless a
     * loop was installed with {@link #setDefault(EventLoop)}.
     */
    static EventLoop getDefault() {
        return DefaultLoop.get();
    }

    /**
     * Installs {@code loop} as the default loop; the Spring starter installs its bean here.
     *
     * @param loop the new default, or null to go back to a lazily created one
     * @return the previous default, or null if none had been created or installed
     */
    static @Nullable EventLoop setDefault(@Nullable EventLoop loop) {
        return DefaultLoop.set(loop);
    }

    /** {@return a new loop with default settings} */
    static EventLoop create() {
        return builder().build();
    }

    /** {@return a builder for a configured loop} */
    static Builder builder() {
        return new Builder();
    }

    /**
     * {@return the loop's name} A task's thread is named {@code <loop>/<task name>} ({@code <loop>/task-<id>} for a task
     * without a name); the thread sets the name itself as its first step, so an instant before that it is unnamed.
     */
    String name();

    /** {@return the kind of loop: {@code "virtual-threads"}} */
    String type();

    /**
     * Runs {@code main} as a task named {@code main} in a new scope, blocks the caller until it ends, cancels and
     * awaits whatever it left running, and returns its result (Python's {@code asyncio.run}).
     *
     * @param main the program's entry point
     * @param <T> the result type
     * @return what {@code main} returned
     * @throws IllegalStateException if called from a task of this loop, or if the loop is closed
     * @throws dev.asyncio.exception.TaskFailedException wrapping a checked failure of {@code main}; unchecked
     *     failures are rethrown as they are
     */
    <T extends @Nullable Object> T run(Callable<T> main);

    /**
     * Creates a task in the caller's current scope if it belongs to this loop, else in the {@linkplain #rootScope()
     * root scope}.
     *
     * @param body the task's body
     * @param <T> the result type
     * @return the task, started unless admission queues it
     * @throws IllegalStateException if the loop is closed
     */
    <T extends @Nullable Object> Task<T> createTask(Callable<T> body);

    /**
     * Like {@link #createTask(Callable)}, with a name.
     *
     * @param name the task's name
     * @param body the task's body
     * @param <T> the result type
     * @return the task, started unless admission queues it
     * @throws IllegalStateException if the loop is closed
     */
    <T extends @Nullable Object> Task<T> createTask(String name, Callable<T> body);

    /**
     * Like {@link #createTask(String, Callable)}, with an admission priority.
     *
     * @param body the task's body
     * @param priority where the task queues when the loop is at its concurrency limit
     * @param name the task's name
     * @param <T> the result type
     * @return the task, started unless admission queues it
     * @throws IllegalStateException if the loop is closed
     */
    <T extends @Nullable Object> Task<T> schedule(Callable<T> body, Priority priority, String name);

    /** {@return the scope that lives as long as the loop} */
    CancellationScope rootScope();

    /**
     * Schedules {@code callback} after {@code interval}, and every {@code interval} after that if {@code persistent}.
     * Each firing runs on its own virtual thread with the root scope current, so a slow callback never delays another
     * timer; a periodic timer whose previous run has not finished skips that firing. A callback that throws is logged
     * and a periodic timer keeps firing.
     *
     * @param interval the delay, and the period of a persistent timer; at least one millisecond
     * @param callback what to run
     * @param persistent whether the timer repeats until {@link #delTimer(long)} or {@link #close()}
     * @return the timer's id
     * @throws IllegalArgumentException if {@code interval} is shorter than one millisecond
     * @throws IllegalStateException if the loop is closed
     */
    long addTimer(Duration interval, Runnable callback, boolean persistent);

    /**
     * Cancels a timer; a callback already running is not interrupted.
     *
     * @param timerId an id from {@link #addTimer}, {@link #callSoon} or {@link #callLater}
     * @return true if the timer was active
     */
    boolean delTimer(long timerId);

    /**
     * Runs {@code callback} once, as soon as possible, on a virtual thread.
     *
     * @param callback what to run
     * @return the timer's id
     * @throws IllegalStateException if the loop is closed
     */
    long callSoon(Runnable callback);

    /**
     * Runs {@code callback} once after {@code delay}, on a virtual thread.
     *
     * @param delay how long to wait; zero runs it as soon as possible; not negative
     * @param callback what to run
     * @return the timer's id
     * @throws IllegalArgumentException if {@code delay} is negative
     * @throws IllegalStateException if the loop is closed
     */
    long callLater(Duration delay, Runnable callback);

    /** {@return a snapshot of the loop's tasks that have not ended, in every scope} */
    List<Task<?>> tasks();

    /** {@return a consistent snapshot of the loop's counters} */
    LoopStats stats();

    /** {@return the live tree of scopes and tasks, without stacks; cheap enough for a live system} */
    default TaskTree dump() {
        return dump(false);
    }

    /**
     * {@return the live tree of scopes and tasks}
     *
     * @param withStacks whether to include the current stack of each task's virtual thread (costs a stack walk per
     *     task)
     */
    TaskTree dump(boolean withStacks);

    /** {@return the concurrency limit for {@code WORK} and {@code CONTROL} tasks, or 0 when there is none} */
    int maxConcurrentTasks();

    /** {@return where observers of this loop's task, scope and resource lifecycle register} */
    Observable observable();

    /** {@return whether {@link #close()} has been called} */
    boolean isClosed();

    /**
     * Refuses new tasks, cancels the root scope, waits for every task of the loop to terminate, and stops the timers,
     * interrupting running timer callbacks and waiting for them. A second call waits again and is otherwise harmless.
     * Observers and timer callbacks may close the loop: a call made by an observer that the same thread's close is
     * running returns at once (the outer close finishes the job), and timer callbacks that close the loop at the same
     * time do not wait for each other.
     *
     * @throws IllegalStateException if called from one of this loop's tasks
     */
    @Override
    void close();

    /**
     * Like {@link #close()}, but waits at most {@code timeout}, for tasks and timer callbacks together; each one still
     * running then is logged with its stack.
     *
     * @param timeout how long to wait for tasks and timer callbacks to end; not negative
     * @return true if every task and callback ended in time; false too when called again by an observer of this
     *     thread's own close, which returns at once
     * @throws IllegalStateException if called from one of this loop's tasks
     */
    boolean close(Duration timeout);

    /** Configures a new {@link EventLoop}. Not thread-safe: build on one thread. */
    final class Builder {
        private String name = "asyncio";
        private int maxConcurrentTasks;
        private @Nullable TaskContextPropagator propagator;
        private Duration cancellationWarningDelay = Duration.ofSeconds(5);
        private boolean taskTimestamps = true;
        private boolean taskThreadNames = true;

        Builder() {}

        /**
         * Names the loop; the name prefixes its task threads and tags its metrics.
         *
         * @param name not blank
         * @return this builder
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            this.name = name;
            return this;
        }

        /**
         * Limits how many {@code WORK} and {@code CONTROL} tasks run at once; the rest wait {@code PENDING}.
         *
         * @param maxConcurrentTasks at least 1
         * @return this builder
         */
        public Builder maxConcurrentTasks(int maxConcurrentTasks) {
            if (maxConcurrentTasks < 1) {
                throw new IllegalArgumentException("maxConcurrentTasks must be at least 1, was " + maxConcurrentTasks);
            }
            this.maxConcurrentTasks = maxConcurrentTasks;
            return this;
        }

        /**
         * Plugs thread-local propagation into every task of the loop.
         *
         * @param propagator captures on the creating thread, restores around the body
         * @return this builder
         */
        public Builder propagator(TaskContextPropagator propagator) {
            this.propagator = Objects.requireNonNull(propagator, "propagator");
            return this;
        }

        /**
         * Sets how long after its cancellation a task that is still running is logged at WARN with its stack (once),
         * so that an uncooperative body is visible. Default 5 seconds.
         *
         * @param delay positive
         * @return this builder
         */
        public Builder cancellationWarningDelay(Duration delay) {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative() || delay.isZero()) {
                throw new IllegalArgumentException("cancellationWarningDelay must be positive, was " + delay);
            }
            this.cancellationWarningDelay = delay;
            return this;
        }

        /**
         * Whether each task records when it was created, started and ended; default true. Off, a task reads no clock:
         * its {@link TaskStats} has no instants and no durations, and its {@link TaskTree.TaskNode} no age. Two clock
         * reads are a measurable share of what a tiny task costs; turn them off on a loop that runs very many short
         * tasks and never looks at their timings. Observers' events carry their own timestamps either way.
         *
         * @param record false to record no task timestamps
         * @return this builder
         */
        public Builder taskTimestamps(boolean record) {
            this.taskTimestamps = record;
            return this;
        }

        /**
         * Whether the thread of each task created without a name is named after the task, {@code <loop>/task-<id>};
         * default true. Off, those threads are all named {@code <loop>/task}, so no name is built and set per task
         * (thread dumps still tell them apart by thread id); a task created with a name runs on a thread named {@code
         * <loop>/<name>} either way.
         *
         * @param perTask false to give unnamed tasks' threads the one name {@code <loop>/task}
         * @return this builder
         */
        public Builder taskThreadNames(boolean perTask) {
            this.taskThreadNames = perTask;
            return this;
        }

        /** {@return a new, open loop} */
        public EventLoop build() {
            return new VirtualThreadEventLoop(
                    name, maxConcurrentTasks, propagator, cancellationWarningDelay, taskTimestamps, taskThreadNames);
        }
    }
}

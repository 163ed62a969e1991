package dev.asyncio.concurrency.internal;

import dev.asyncio.concurrency.GatherStrategy;
import dev.asyncio.concurrency.Outcome;
import dev.asyncio.core.Suspension;
import dev.asyncio.core.Task;
import dev.asyncio.core.TaskState;
import dev.asyncio.core.internal.RuntimeTask;
import dev.asyncio.exception.GatherException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Waits for a fixed list of tasks and reports them by input index. Each input gets a done callback that counts it,
 * and ranks it if it ended unsuccessfully; the gatherer is woken once, when the last input ends (or, failing fast, when one fails), so
 * gathering {@code n} tasks costs one wake-up, not {@code n}. Cancelling the gatherer does not cancel the inputs.
 */
public final class Gathering<T extends @Nullable Object> {
    private final List<Task<? extends T>> tasks;
    private final boolean failFast;
    /**
     * Per input that ended other than COMPLETED, 1 + the order in which their callbacks ran; 0 for the others and for
     * inputs whose callback has not run. Nonzero marks the unsuccessful inputs counted so far; the order only breaks
     * ties between tasks that are not the runtime's (see {@link #endedBefore}). Made by the first unsuccessful input,
     * so a gather where every input completes allocates none.
     */
    private final AtomicReference<@Nullable AtomicIntegerArray> rank = new AtomicReference<>();

    /**
     * Per input that COMPLETED, its result, stored by its done callback while the task is fresh in the ending (or
     * registering) thread's cache, so collecting {@code n} results reads one array instead of {@code n} tasks.
     */
    private final @Nullable Object[] values;

    private final AtomicInteger unsuccessful = new AtomicInteger();
    /** Inputs not counted yet; the count that reaches zero wakes the gatherer. */
    private final AtomicInteger remaining;

    private final CountDownLatch wake = new CountDownLatch(1);
    /** The inputs a failing-fast gather cancelled itself, by identity: a task passed twice is cancelled once. */
    private final Set<Task<?>> cancelledByUs = Collections.newSetFromMap(new IdentityHashMap<>());

    private Gathering(List<Task<? extends T>> tasks, boolean failFast) {
        this.tasks = tasks;
        this.failFast = failFast;
        this.values = new Object[tasks.size()];
        this.remaining = new AtomicInteger(tasks.size());
        int completedAlready = 0;
        for (int i = 0; i < tasks.size(); i++) {
            int index = i;
            Task<? extends T> task = tasks.get(i);
            if (task.state() == TaskState.COMPLETED) {
                values[index] = task.result(); // already done: no callback to allocate and register
                completedAlready++;
            } else {
                task.addDoneCallback(done -> onDone(index, done));
            }
        }
        // counted at once rather than one atomic decrement each, which would contend with finishing inputs
        if (completedAlready > 0 && remaining.addAndGet(-completedAlready) == 0) {
            wake.countDown();
        }
    }

    /**
     * Gathers with {@code strategy}.
     *
     * @param tasks the inputs
     * @param strategy how to treat failures
     * @param <T> the result type
     * @return the results in input order ({@code RETURN_PARTIAL}: the successful ones)
     * @throws GatherException as the strategy says
     */
    public static <T extends @Nullable Object> List<T> gather(
            Collection<? extends Task<? extends T>> tasks, GatherStrategy strategy) {
        Objects.requireNonNull(strategy, "strategy");
        List<Task<? extends T>> inputs = checked(tasks);
        if (inputs.isEmpty()) {
            return List.of();
        }
        return new Gathering<>(inputs, strategy == GatherStrategy.FAIL_FAST).results(strategy);
    }

    /**
     * Waits for every task and describes each.
     *
     * @param tasks the inputs
     * @param <T> the result type
     * @return one outcome per input, in input order
     */
    public static <T extends @Nullable Object> List<Outcome<T>> outcomes(
            Collection<? extends Task<? extends T>> tasks) {
        List<Task<? extends T>> inputs = checked(tasks);
        if (inputs.isEmpty()) {
            return List.of();
        }
        Gathering<T> gathering = new Gathering<>(inputs, false);
        gathering.awaitWake();
        List<Outcome<T>> outcomes = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            outcomes.add(gathering.outcomeOf(i));
        }
        return Collections.unmodifiableList(outcomes);
    }

    /** {@return a private copy of the inputs, each checked: not null and not the calling task} */
    @SuppressWarnings("unchecked") // the array holds the elements of a collection of tasks
    private static <T extends @Nullable Object> List<Task<? extends T>> checked(
            Collection<? extends Task<? extends T>> tasks) {
        Objects.requireNonNull(tasks, "tasks");
        Object[] copy = tasks.toArray(); // one bulk copy, then a tight loop: this runs once per input
        Task<?> self = Task.current();
        for (int i = 0; i < copy.length; i++) {
            Object task = copy[i];
            if (task == null) {
                throw new NullPointerException("tasks[" + i + "] is null");
            }
            if (task == self) {
                throw new IllegalStateException("task '" + self.name() + "' cannot gather itself: it would never end");
            }
        }
        return (List<Task<? extends T>>) (List<?>) Arrays.asList(copy);
    }

    /**
     * Stores a successful input's result, or ranks an unsuccessful one, before counting it: a woken gatherer sees
     * the result or rank of every input counted. A successful input costs one increment.
     */
    private void onDone(int index, Task<? extends T> task) {
        boolean failed = task.state() != TaskState.COMPLETED;
        if (failed) {
            ranks().set(index, unsuccessful.incrementAndGet());
        } else {
            values[index] = task.result();
        }
        if (remaining.decrementAndGet() == 0 || (failFast && failed)) {
            wake.countDown();
        }
    }

    private void awaitWake() {
        Suspension.suspend(() -> {
            wake.await();
            return null;
        });
    }

    private List<T> results(GatherStrategy strategy) {
        String source = "gather (" + strategy + ")";
        awaitWake();
        if (strategy == GatherStrategy.FAIL_FAST) {
            int failed = firstUnsuccessful();
            if (failed >= 0) {
                cancelOthers(failed, source);
                throw failure(source, true);
            }
        } else if (strategy == GatherStrategy.WAIT_ALL && firstUnsuccessful() >= 0) {
            throw failure(source, false);
        }
        return Collections.unmodifiableList(successes());
    }

    /** {@return the stored results of the inputs that completed, in input order; all inputs have been counted} */
    @SuppressWarnings("unchecked") // values holds only results of the inputs, each a T
    private List<T> successes() {
        if (unsuccessful.get() == 0) {
            return (List<T>) Arrays.asList(values);
        }
        List<T> results = new ArrayList<>(tasks.size());
        for (int i = 0; i < values.length; i++) {
            if (rankOf(i) == Integer.MAX_VALUE) {
                results.add((T) values[i]);
            }
        }
        return results;
    }

    /** {@return how input {@code index} ended, its result taken from the stored values; all inputs have ended} */
    @SuppressWarnings("unchecked") // values holds only results of the inputs, each a T
    private Outcome<T> outcomeOf(int index) {
        Task<? extends T> task = tasks.get(index);
        return switch (task.state()) {
            case COMPLETED -> new Outcome.Success<>((T) values[index]);
            case FAILED -> new Outcome.Failure<>(Objects.requireNonNull(task.exception()));
            default -> new Outcome.Cancelled<>();
        };
    }

    /** {@return the rank array, made by the first caller; callers race only among unsuccessful inputs} */
    private AtomicIntegerArray ranks() {
        AtomicIntegerArray ranked = rank.get();
        if (ranked == null) {
            AtomicIntegerArray made = new AtomicIntegerArray(tasks.size());
            ranked = rank.compareAndExchange(null, made);
            if (ranked == null) {
                ranked = made;
            }
        }
        return ranked;
    }

    /** {@return the ranked input that ended unsuccessfully first, or -1} */
    private int firstUnsuccessful() {
        if (unsuccessful.get() == 0) {
            return -1; // every input counted so far completed: no need to look at each
        }
        int first = -1;
        for (int i = 0; i < tasks.size(); i++) {
            if (rankOf(i) < Integer.MAX_VALUE && (first < 0 || endedBefore(i, first))) {
                first = i;
            }
        }
        return first;
    }

    /** Cancels every unfinished task because {@code failed} failed, and waits until each has terminated. */
    private void cancelOthers(int failed, String source) {
        Task<? extends T> trigger = tasks.get(failed);
        String reason = source + " cancelled it after task '" + trigger.name() + "' "
                + (trigger.isCancelled() ? "was cancelled" : "failed");
        for (Task<? extends T> task : tasks) {
            if (task.cancel(reason)) {
                cancelledByUs.add(task);
            }
        }
        for (Task<? extends T> task : tasks) {
            Suspension.joinUninterruptibly(task);
        }
    }

    private GatherException failure(String source, boolean excludeOwnCancellations) {
        Map<Integer, String> names = new LinkedHashMap<>();
        Map<Integer, Throwable> exceptions = new LinkedHashMap<>();
        Map<Integer, @Nullable Object> results = new LinkedHashMap<>();
        int first = -1;
        for (int i = 0; i < tasks.size(); i++) {
            Task<? extends T> task = tasks.get(i);
            names.put(i, task.name());
            switch (task.state()) {
                case COMPLETED -> results.put(i, task.result());
                case FAILED, CANCELLED -> {
                    if (task.isCancelled() && excludeOwnCancellations && cancelledByUs.contains(task)) {
                        continue;
                    }
                    exceptions.put(i, Objects.requireNonNull(task.exception()));
                    if (first < 0 || endedBefore(i, first)) {
                        first = i;
                    }
                }
                default -> throw new IllegalStateException("task '" + task.name() + "' is not done");
            }
        }
        return new GatherException(source, names, exceptions, results, first < 0 ? null : exceptions.get(first));
    }

    /**
     * Whether unsuccessful input {@code a} ended before {@code b}: by the runtime's order of endings, which no
     * callback's timing can invert, then by the order their callbacks ran (for tasks that are not the runtime's).
     */
    private boolean endedBefore(int a, int b) {
        long orderA = RuntimeTask.endingOrder(tasks.get(a));
        long orderB = RuntimeTask.endingOrder(tasks.get(b));
        return orderA != orderB ? orderA < orderB : rankOf(a) < rankOf(b);
    }

    /** A rank, with inputs whose callback has not run (not possible once all have terminated) ranked last. */
    private int rankOf(int index) {
        AtomicIntegerArray ranked = rank.get();
        int r = ranked == null ? 0 : ranked.get(index);
        return r == 0 ? Integer.MAX_VALUE : r;
    }
}

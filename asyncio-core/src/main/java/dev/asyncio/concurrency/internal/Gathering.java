package dev.asyncio.concurrency.internal;

import dev.asyncio.concurrency.GatherStrategy;
import dev.asyncio.concurrency.Outcome;
import dev.asyncio.core.Suspension;
import dev.asyncio.core.Task;
import dev.asyncio.core.TaskState;
import dev.asyncio.exception.GatherException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import org.jspecify.annotations.Nullable;

/**
 * Waits for a fixed list of tasks and reports them by input index. Each input gets a done callback that records its
 * completion order and wakes the gatherer, so waiting for {@code n} tasks costs {@code n} wake-ups, not a poll.
 * Cancelling the gatherer does not cancel the inputs.
 */
public final class Gathering<T extends @Nullable Object> {
    private final List<Task<? extends T>> tasks;
    private final ConcurrentLinkedQueue<Integer> completed = new ConcurrentLinkedQueue<>();
    private final Semaphore wakeups = new Semaphore(0);
    private final BitSet cancelledByUs = new BitSet();
    /** Per input, the rank of its completion as the gatherer took it, or -1 before; gatherer thread only. */
    private final int[] rank;

    private int taken;

    private Gathering(List<Task<? extends T>> tasks) {
        this.tasks = tasks;
        this.rank = new int[tasks.size()];
        Arrays.fill(rank, -1);
        for (int i = 0; i < tasks.size(); i++) {
            Integer index = i;
            tasks.get(i).addDoneCallback(task -> {
                completed.add(index);
                wakeups.release();
            });
        }
    }

    /** {@return the gatherer of {@code tasks}, after checking them} */
    public static <T extends @Nullable Object> Gathering<T> of(Collection<? extends Task<? extends T>> tasks) {
        Objects.requireNonNull(tasks, "tasks");
        List<Task<? extends T>> list = new ArrayList<>(tasks.size());
        Task<?> self = Task.current();
        for (Task<? extends T> task : tasks) {
            if (task == null) {
                throw new NullPointerException("tasks[" + list.size() + "] is null");
            }
            if (task == self) {
                throw new IllegalStateException("task '" + task.name() + "' cannot gather itself: it would never end");
            }
            list.add(task);
        }
        return new Gathering<>(list);
    }

    /** Gathers with {@code strategy}: results in input order, or a {@link GatherException}. */
    public List<T> gather(GatherStrategy strategy) {
        Objects.requireNonNull(strategy, "strategy");
        String source = "gather (" + strategy + ")";
        if (strategy == GatherStrategy.FAIL_FAST) {
            int failed = awaitAllOrFirstFailure();
            if (failed >= 0) {
                cancelOthers(failed, source);
                throw failure(source, true);
            }
        } else {
            awaitAll();
            if (strategy == GatherStrategy.WAIT_ALL && countUnsuccessful() > 0) {
                throw failure(source, false);
            }
        }
        List<T> results = new ArrayList<>(tasks.size());
        for (Task<? extends T> task : tasks) {
            if (task.state() == TaskState.COMPLETED) {
                results.add(task.result());
            }
        }
        return Collections.unmodifiableList(results);
    }

    /** Waits for every task and describes each. */
    public List<Outcome<T>> outcomes() {
        awaitAll();
        List<Outcome<T>> outcomes = new ArrayList<>(tasks.size());
        for (Task<? extends T> task : tasks) {
            outcomes.add(outcomeOf(task));
        }
        return Collections.unmodifiableList(outcomes);
    }

    private static <T extends @Nullable Object> Outcome<T> outcomeOf(Task<? extends T> task) {
        return switch (task.state()) {
            case COMPLETED -> new Outcome.Success<>(task.result());
            case FAILED -> new Outcome.Failure<>(Objects.requireNonNull(task.exception()));
            default -> new Outcome.Cancelled<>();
        };
    }

    private void awaitAll() {
        while (taken < tasks.size()) {
            takeNext();
        }
    }

    /** {@return the index of the first task to end unsuccessfully, or -1 once all completed} */
    private int awaitAllOrFirstFailure() {
        while (taken < tasks.size()) {
            int index = takeNext();
            if (tasks.get(index).state() != TaskState.COMPLETED) {
                return index;
            }
        }
        return -1;
    }

    /** Waits for the next completion and ranks it. */
    private int takeNext() {
        Suspension.suspend(() -> {
            wakeups.acquire();
            return null;
        });
        return rankNext(Objects.requireNonNull(completed.poll()));
    }

    private int rankNext(int index) {
        rank[index] = taken++;
        return index;
    }

    private int countUnsuccessful() {
        int count = 0;
        for (Task<? extends T> task : tasks) {
            if (task.state() != TaskState.COMPLETED) {
                count++;
            }
        }
        return count;
    }

    /** Cancels every unfinished task because {@code failed} failed, and waits until each has terminated. */
    private void cancelOthers(int failed, String source) {
        String reason = source + " cancelled it after task '"
                + tasks.get(failed).name() + "' " + (tasks.get(failed).isCancelled() ? "was cancelled" : "failed");
        for (int i = 0; i < tasks.size(); i++) {
            if (tasks.get(i).cancel(reason)) {
                cancelledByUs.set(i);
            }
        }
        for (Task<? extends T> task : tasks) {
            Suspension.joinUninterruptibly(task);
        }
        for (Integer index = completed.poll(); index != null; index = completed.poll()) {
            rankNext(index);
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
                    if (task.isCancelled() && excludeOwnCancellations && cancelledByUs.get(i)) {
                        continue;
                    }
                    exceptions.put(i, Objects.requireNonNull(task.exception()));
                    if (first < 0 || rank[i] < rank[first]) {
                        first = i;
                    }
                }
                default -> throw new IllegalStateException("task '" + task.name() + "' is not done");
            }
        }
        return new GatherException(source, names, exceptions, results, first < 0 ? null : exceptions.get(first));
    }
}

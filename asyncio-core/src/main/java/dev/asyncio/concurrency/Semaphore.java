package dev.asyncio.concurrency;

import dev.asyncio.concurrency.internal.FairPermits;
import dev.asyncio.core.Suspension;
import dev.asyncio.core.internal.Durations;
import dev.asyncio.exception.TaskCancelledException;
import dev.asyncio.exception.TaskFailedException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * A bounded, fair counting semaphore for tasks: at most {@link #max()} holders at once, the rest wait in arrival
 * order. Use it to cap how many tasks do something at the same time (calls to a rate-limited service, open
 * connections), independently of the loop's own concurrency limit.
 *
 * {@snippet :
 * Semaphore connections = Asyncio.semaphore(10);
 * List<Task<Page>> fetches = urls.stream()
 *         .map(url -> Asyncio.createTask(() -> connections.withPermit(() -> fetch(url))))
 *         .toList();
 * List<Page> pages = Asyncio.gather(fetches, GatherStrategy.FAIL_FAST);   // at most 10 fetches at once
 * }
 *
 * <h2>Semantics</h2>
 *
 * <ul>
 *   <li><b>FIFO.</b> Waiters get permits in the order they started waiting; no later caller overtakes a queued waiter,
 *       not even {@link #tryAcquire()}, which fails while anyone is queued.
 *   <li><b>Bounded.</b> Like Python's {@code BoundedSemaphore}: {@link #release()} when every permit is already free
 *       throws {@link IllegalStateException} and changes nothing, so a double release shows up at once instead of
 *       silently raising the limit.
 *   <li><b>Cancellable.</b> {@link #acquire()} and {@link #tryAcquire(Duration)} are suspension points of the
 *       runtime: in a cancelled task or scope they throw {@link TaskCancelledException} (also when the cancellation
 *       came before the call), and while they wait the task gives its admission slot back to the loop. A cancelled
 *       waiter never takes a permit and never loses one: if a permit reached it at the moment it was cancelled, the
 *       permit goes on to the next waiter and the caller still gets {@code TaskCancelledException}. So a caller
 *       releases exactly when {@code acquire} returned normally, which {@link #withPermit(Callable)} does for you.
 *   <li>Permits are not owned: any thread may release a permit another acquired.
 * </ul>
 *
 * <p>{@link #tryAcquire()}, {@link #release()} and the queries never block and are not cancellation points.
 *
 * <h2>Memory consistency effects</h2>
 *
 * Actions in a thread before it calls {@link #release()} happen-before actions in another thread after an acquire
 * that succeeds by taking a permit released at or after that point.
 *
 * <p>This class is thread-safe. Unless otherwise specified, passing null throws {@link NullPointerException}.
 */
public final class Semaphore {
    private static final AtomicLong DEFAULT_NAMES = new AtomicLong();

    private final String name;
    private final FairPermits permits;
    private final LongAdder acquired = new LongAdder();
    private final LongAdder released = new LongAdder();
    private final LongAdder timedOut = new LongAdder();
    private final LongAdder cancelledWaits = new LongAdder();

    /**
     * Creates a semaphore named {@code semaphore-<n>}, {@code n} counting semaphores created this way in the JVM.
     *
     * @param permits how many holders at once; at least 1
     * @throws IllegalArgumentException if {@code permits} is less than 1
     */
    public Semaphore(int permits) {
        this("semaphore-" + DEFAULT_NAMES.incrementAndGet(), permits);
    }

    /**
     * Creates a named semaphore; the name appears in messages, {@link #stats()} and metrics.
     *
     * @param name the name
     * @param permits how many holders at once; at least 1
     * @throws IllegalArgumentException if {@code permits} is less than 1
     */
    public Semaphore(String name, int permits) {
        this.name = Objects.requireNonNull(name, "name");
        if (permits < 1) {
            throw new IllegalArgumentException(
                    "permits of semaphore '" + name + "' must be at least 1, was " + permits);
        }
        this.permits = new FairPermits(permits);
    }

    /** {@return the name} */
    public String name() {
        return name;
    }

    /**
     * Takes a permit, waiting in FIFO order until one is free.
     *
     * @throws TaskCancelledException if the caller is cancelled before or while waiting; it then holds no permit
     */
    public void acquire() {
        Suspension.checkCancelled();
        if (permits.tryTakeOne()) {
            acquired.increment();
            return;
        }
        try {
            Suspension.suspend(() -> {
                permits.acquireSharedInterruptibly(1);
                return Boolean.TRUE;
            });
        } catch (TaskCancelledException e) {
            cancelledWaits.increment();
            throw e;
        }
        keepUnlessCancelled();
    }

    /**
     * Takes a permit if one is free now and nobody is waiting for one; never blocks and is not a cancellation point.
     *
     * @return whether a permit was taken
     */
    public boolean tryAcquire() {
        if (permits.tryTakeOne()) {
            acquired.increment();
            return true;
        }
        return false;
    }

    /**
     * Takes a permit, waiting at most {@code timeout} in FIFO order. A zero timeout tries once, like {@link
     * #tryAcquire()}, but is still a cancellation point.
     *
     * @param timeout how long to wait; not negative
     * @return whether a permit was taken; false when the time ran out
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws TaskCancelledException if the caller is cancelled before or while waiting; it then holds no permit
     */
    public boolean tryAcquire(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
        }
        Suspension.checkCancelled();
        if (permits.tryTakeOne()) {
            acquired.increment();
            return true;
        }
        if (timeout.isZero()) {
            timedOut.increment();
            return false;
        }
        long nanos = Durations.saturatedNanos(timeout);
        boolean taken;
        try {
            taken = Suspension.suspend(() -> permits.tryAcquireSharedNanos(1, nanos));
        } catch (TaskCancelledException e) {
            cancelledWaits.increment();
            throw e;
        }
        if (!taken) {
            timedOut.increment();
            return false;
        }
        keepUnlessCancelled();
        return true;
    }

    /**
     * Gives a permit back and lets the longest waiter, if any, take it.
     *
     * @throws IllegalStateException if every permit is already free (more releases than acquires); nothing changes
     */
    public void release() {
        if (!permits.giveBackOne()) {
            throw new IllegalStateException(
                    "semaphore '" + name + "' was released more times than it was acquired: all " + permits.max()
                            + " permits are already free");
        }
        released.increment();
    }

    /**
     * Runs {@code body} holding a permit: acquires, runs, and releases whatever happens.
     *
     * @param body what to run
     * @param <T> the result type
     * @return what {@code body} returned
     * @throws TaskCancelledException if the caller is cancelled while waiting for the permit; {@code body} did not run
     * @throws TaskFailedException if {@code body} threw a checked exception (the cause); unchecked exceptions and
     *     errors pass through as they are
     */
    public <T extends @Nullable Object> T withPermit(Callable<T> body) {
        Objects.requireNonNull(body, "body");
        acquire();
        try {
            return body.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // keep the interrupt visible to the caller's next blocking call
            throw failed(e);
        } catch (Exception e) {
            throw failed(e);
        } finally {
            release();
        }
    }

    /** {@return the number of permits free now} */
    public int available() {
        return permits.available();
    }

    /** {@return an estimate of the number of callers waiting for a permit now} */
    public int waitingCount() {
        return permits.getQueueLength();
    }

    /** {@return the number of permits the semaphore was created with} */
    public int max() {
        return permits.max();
    }

    /** {@return a snapshot of the state and counters} */
    public SemaphoreStats stats() {
        return new SemaphoreStats(
                name,
                permits.max(),
                permits.available(),
                permits.getQueueLength(),
                acquired.sum(),
                released.sum(),
                timedOut.sum(),
                cancelledWaits.sum());
    }

    @Override
    public String toString() {
        return "Semaphore[" + name + ", available " + available() + "/" + max() + ", waiting " + waitingCount() + "]";
    }

    /**
     * After a wait that took a permit: a cancellation that arrived at the same moment wins, and the permit goes on to
     * the next waiter, so a cancelled caller never leaves holding a permit it will not release.
     */
    private void keepUnlessCancelled() {
        try {
            Suspension.checkCancelled();
        } catch (TaskCancelledException e) {
            permits.giveBackOne();
            cancelledWaits.increment();
            throw e;
        }
        acquired.increment();
    }

    private TaskFailedException failed(Exception e) {
        return new TaskFailedException("body run under semaphore '" + name + "' failed: " + e, e);
    }
}

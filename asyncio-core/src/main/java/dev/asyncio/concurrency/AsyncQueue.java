package dev.asyncio.concurrency;

import dev.asyncio.core.Suspension;
import dev.asyncio.exception.QueueShutdownException;
import dev.asyncio.exception.TaskCancelledException;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A FIFO queue between tasks, shaped like Python's {@code asyncio.Queue} (with the {@code shutdown} of Python 3.13):
 * producers {@link #put} items, consumers {@link #get} them, and {@link #taskDone()} with {@link #join()} let a
 * producer wait until everything it queued has been processed.
 *
 * {@snippet :
 * AsyncQueue<String> jobs = new AsyncQueue<>(100);   // producers wait while 100 items are queued
 * Asyncio.run(() -> {
 *     Task<Void> worker = Asyncio.createTask("worker", () -> {
 *         while (true) {
 *             String job = jobs.get();               // waits while empty
 *             try {
 *                 handle(job);
 *             } finally {
 *                 jobs.taskDone();
 *             }
 *         }
 *     });
 *     for (String job : List.of("a", "b", "c")) {
 *         jobs.put(job);
 *     }
 *     jobs.join();                                   // every job handled
 *     worker.cancel();
 *     return null;
 * });
 * }
 *
 * <h2>Semantics</h2>
 *
 * <ul>
 *   <li><b>Capacity.</b> {@code 0} means unbounded; otherwise {@link #put} waits while {@link #size()} equals the
 *       capacity, and {@link #tryPut} returns false.
 *   <li><b>Order.</b> Items come out in the order they went in. Waiting callers are woken one per item or free slot,
 *       with no promise about which waiter goes first.
 *   <li><b>Cancellable.</b> {@link #put}, {@link #get} and {@link #join} are suspension points of the runtime: in a
 *       cancelled task or scope they throw {@link TaskCancelledException} (also when the cancellation came before the
 *       call), and while they wait the task gives its admission slot back to the loop, so producers and consumers
 *       never starve each other under a concurrency limit. A getter cancelled while waiting takes no item, and a
 *       putter cancelled while waiting inserts none; a wake-up meant for a cancelled waiter passes to another one.
 *   <li><b>Unfinished items.</b> Every item put counts as unfinished until a consumer calls {@link #taskDone()} for
 *       it; {@link #join()} waits until none is left. Calling {@code taskDone()} more times than items were put throws
 *       {@link IllegalStateException}.
 *   <li><b>Shutdown.</b> After {@link #shutdown()}, {@link #put} and {@link #tryPut} throw {@link
 *       QueueShutdownException}; {@link #get} still returns the items left, then throws {@code QueueShutdownException}
 *       once the queue is empty ({@link #tryGet()} returns empty). Callers blocked in {@code put} or {@code get} wake
 *       up and throw it. {@code join} is not released by a shutdown: it still waits for {@code taskDone} of every item
 *       (as in Python without {@code immediate=True}). Catch {@code QueueShutdownException} itself, not {@code
 *       IllegalStateException}, which {@code TaskCancelledException} also is.
 *   <li>Null items are refused with {@link NullPointerException}.
 * </ul>
 *
 * <h2>Memory consistency effects</h2>
 *
 * Actions in a thread before it puts an item happen-before actions after that item is returned by {@code get} or
 * {@code tryGet} in another thread; actions before a {@code taskDone()} happen-before {@code join()} returns because
 * of it.
 *
 * <p>This class is thread-safe. Unless otherwise specified, passing null throws {@link NullPointerException}.
 *
 * @param <T> the type of the items
 */
public final class AsyncQueue<T> {
    private final int capacity;
    private final ArrayDeque<T> items = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final Condition allDone = lock.newCondition();
    /** Items put and not yet marked done; guarded by {@link #lock}. */
    private long unfinished;
    /** How many times {@code unfinished} has dropped to zero; a joiner returns once it has moved. Guarded by lock. */
    private long drained;
    /** Written under {@link #lock}; volatile so that {@link #isShutdown()} needs no lock. */
    private volatile boolean shutdown;

    /** Creates an unbounded queue. */
    public AsyncQueue() {
        this(0);
    }

    /**
     * Creates a queue that holds at most {@code capacity} items.
     *
     * @param capacity the most items queued at once; 0 for unbounded
     * @throws IllegalArgumentException if {@code capacity} is negative
     */
    public AsyncQueue(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative (0 means unbounded), was " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Adds {@code item} at the tail, waiting while the queue is full.
     *
     * @param item the item
     * @throws QueueShutdownException if the queue is shut down, before or while waiting
     * @throws TaskCancelledException if the caller is cancelled before or while waiting; the item was not added
     */
    public void put(T item) {
        Objects.requireNonNull(item, "item");
        Suspension.checkCancelled();
        lock.lock();
        try {
            refuseIfShutdown();
            if (!isFull()) {
                insert(item);
                return;
            }
        } finally {
            lock.unlock();
        }
        Suspension.suspend(() -> {
            lock.lockInterruptibly();
            try {
                awaitRoom();
                insert(item);
                return item;
            } finally {
                lock.unlock();
            }
        });
    }

    /**
     * Adds {@code item} at the tail if there is room now; never blocks and is not a cancellation point.
     *
     * @param item the item
     * @return whether it was added; false if the queue is full
     * @throws QueueShutdownException if the queue is shut down
     */
    public boolean tryPut(T item) {
        Objects.requireNonNull(item, "item");
        lock.lock();
        try {
            refuseIfShutdown();
            if (isFull()) {
                return false;
            }
            insert(item);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes and returns the head item, waiting while the queue is empty.
     *
     * @return the item
     * @throws QueueShutdownException if the queue is shut down and empty, before or while waiting
     * @throws TaskCancelledException if the caller is cancelled before or while waiting; no item was taken
     */
    public T get() {
        Suspension.checkCancelled();
        lock.lock();
        try {
            T item = items.pollFirst();
            if (item != null) {
                removed();
                return item;
            }
            if (shutdown) {
                throw drained();
            }
        } finally {
            lock.unlock();
        }
        return Suspension.suspend(() -> {
            lock.lockInterruptibly();
            try {
                return awaitItem();
            } finally {
                lock.unlock();
            }
        });
    }

    /**
     * Removes and returns the head item if there is one; never blocks, never throws for a shut-down queue, and is not
     * a cancellation point.
     *
     * @return the item, or empty if the queue is empty
     */
    public Optional<T> tryGet() {
        lock.lock();
        try {
            T item = items.pollFirst();
            if (item == null) {
                return Optional.empty();
            }
            removed();
            return Optional.of(item);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Marks one item taken from the queue as processed, for {@link #join()}.
     *
     * @throws IllegalStateException if every item put has already been marked done
     */
    public void taskDone() {
        lock.lock();
        try {
            if (unfinished == 0) {
                throw new IllegalStateException("taskDone() was called more times than items were put");
            }
            unfinished--;
            if (unfinished == 0) {
                drained++;
                allDone.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until every item put has been marked done with {@link #taskDone()}; returns at once if none is
     * unfinished. It returns once the count of unfinished items has dropped to zero, even if a put follows before the
     * joiner wakes up (as in Python). A shutdown does not release it.
     *
     * @throws TaskCancelledException if the caller is cancelled before or while waiting
     */
    public void join() {
        Suspension.checkCancelled();
        long round;
        lock.lock();
        try {
            if (unfinished == 0) {
                return;
            }
            round = drained;
        } finally {
            lock.unlock();
        }
        Suspension.suspend(() -> {
            lock.lockInterruptibly();
            try {
                while (unfinished > 0 && drained == round) {
                    allDone.await();
                    Suspension.checkCancelled();
                }
                return Boolean.TRUE;
            } finally {
                lock.unlock();
            }
        });
    }

    /**
     * Shuts the queue down: later puts are refused, gets drain what is left and then fail, and every caller blocked in
     * {@code put} or {@code get} wakes up. Calling it again does nothing.
     */
    public void shutdown() {
        lock.lock();
        try {
            if (shutdown) {
                return;
            }
            shutdown = true;
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** {@return whether {@link #shutdown()} was called} */
    public boolean isShutdown() {
        return shutdown;
    }

    /** {@return the number of items queued now} */
    public int size() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    /** {@return whether no item is queued now} */
    public boolean isEmpty() {
        return size() == 0;
    }

    /** {@return an estimate of the callers blocked in {@link #get()} now, for monitoring and tests} */
    public int waitingGetters() {
        lock.lock();
        try {
            return lock.getWaitQueueLength(notEmpty);
        } finally {
            lock.unlock();
        }
    }

    /** {@return an estimate of the callers blocked in {@link #put} now, for monitoring and tests} */
    public int waitingPutters() {
        lock.lock();
        try {
            return lock.getWaitQueueLength(notFull);
        } finally {
            lock.unlock();
        }
    }

    /** {@return the most items queued at once, or 0 for unbounded} */
    public int capacity() {
        return capacity;
    }

    @Override
    public String toString() {
        return "AsyncQueue[size " + size() + (capacity == 0 ? "" : "/" + capacity) + (shutdown ? ", shut down" : "")
                + "]";
    }

    // ---- under the lock --------------------------------------------------------------------------------------------

    private boolean isFull() {
        return capacity != 0 && items.size() >= capacity;
    }

    private void insert(T item) {
        items.addLast(item);
        unfinished++;
        notEmpty.signal();
    }

    private void removed() {
        if (capacity != 0) {
            notFull.signal();
        }
    }

    private void refuseIfShutdown() {
        if (shutdown) {
            throw new QueueShutdownException("the queue is shut down: no more items are accepted");
        }
    }

    private static QueueShutdownException drained() {
        return new QueueShutdownException("the queue is shut down and empty: no more items will come");
    }

    /** Waits until there is room; a waiter that leaves by cancellation passes on the wake-up it may have consumed. */
    private void awaitRoom() throws InterruptedException {
        try {
            refuseIfShutdown();
            while (isFull()) {
                notFull.await();
                Suspension.checkCancelled();
                refuseIfShutdown();
            }
        } catch (InterruptedException | TaskCancelledException e) {
            if (!isFull()) {
                notFull.signal();
            }
            throw e;
        }
    }

    /** Waits for an item and takes it; a waiter that leaves by cancellation passes on the wake-up it may have had. */
    private T awaitItem() throws InterruptedException {
        try {
            while (true) {
                T item = items.pollFirst();
                if (item != null) {
                    removed();
                    return item;
                }
                if (shutdown) {
                    throw drained();
                }
                notEmpty.await();
                Suspension.checkCancelled();
            }
        } catch (InterruptedException | TaskCancelledException e) {
            if (!items.isEmpty()) {
                notEmpty.signal();
            }
            throw e;
        }
    }
}

package dev.asyncio.concurrency.internal;

import java.util.concurrent.locks.AbstractQueuedSynchronizer;

/**
 * The permit count behind {@code Semaphore}: a fair, bounded, shared-mode synchronizer whose state is the number of
 * permits available.
 *
 * <p>Fair: an acquire, timed or not, succeeds only when no other thread is queued ahead of it, so a queued waiter is
 * never overtaken by a later caller. Bounded: a release that would raise the count above {@link #max()} is refused
 * and changes nothing. A waiter that gives up (interrupt, timeout) leaves the queue without taking a permit, and the
 * synchronizer hands a permit it was signalled for to the next waiter.
 */
public final class FairPermits extends AbstractQueuedSynchronizer {
    private static final long serialVersionUID = 1L;

    private final int max;

    /**
     * Creates the synchronizer with every permit available.
     *
     * @param max the number of permits; at least 1 (checked by the caller)
     */
    public FairPermits(int max) {
        this.max = max;
        setState(max);
    }

    /** {@return the number of permits} */
    public int max() {
        return max;
    }

    /** {@return the number of permits available now} */
    public int available() {
        return getState();
    }

    /** {@return whether one permit was taken now, without waiting and without overtaking a queued waiter} */
    public boolean tryTakeOne() {
        return tryAcquireShared(1) >= 0;
    }

    /** {@return whether one permit was given back; false if that would exceed {@link #max()}} */
    public boolean giveBackOne() {
        return releaseShared(1);
    }

    @Override
    protected int tryAcquireShared(int permits) {
        while (true) {
            if (hasQueuedPredecessors()) {
                return -1;
            }
            int available = getState();
            int remaining = available - permits;
            if (remaining < 0 || compareAndSetState(available, remaining)) {
                return remaining;
            }
        }
    }

    @Override
    protected boolean tryReleaseShared(int permits) {
        while (true) {
            int available = getState();
            if (available > max - permits) {
                return false;
            }
            if (compareAndSetState(available, available + permits)) {
                return true;
            }
        }
    }
}

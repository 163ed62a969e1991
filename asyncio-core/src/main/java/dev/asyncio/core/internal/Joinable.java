package dev.asyncio.core.internal;

/** A task whose end can be waited for; the suspension points wait through it. */
public interface Joinable {
    /** Waits until the task is done and its awaiters are released. */
    void join() throws InterruptedException;

    /** Waits at most {@code nanos}; returns whether the task is done. */
    boolean join(long nanos) throws InterruptedException;

    /** Waits whatever interrupts arrive; returns whether the thread was interrupted meanwhile. */
    boolean joinUninterruptibly();
}

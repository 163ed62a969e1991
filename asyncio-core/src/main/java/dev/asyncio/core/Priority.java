package dev.asyncio.core;

/**
 * Admission priority of a task, used when the loop limits how many tasks run at once (the seed's three-level
 * scheduler).
 *
 * <p>With {@code maxConcurrentTasks(n)}, at most {@code n} {@link #CONTROL} and {@link #WORK} tasks run at once; the
 * rest wait {@link TaskState#PENDING} in FIFO order, {@code CONTROL} ahead of {@code WORK}. {@link #SYSTEM} tasks are
 * never queued and take no slot. Without a limit every task starts at once whatever its priority.
 *
 * <p>Enum constants are immutable and safe to share between threads.
 */
public enum Priority {
    /** Runtime housekeeping: starts at once, never counts against the limit. */
    SYSTEM,
    /** Coordination work that must not starve behind bulk work: admitted ahead of {@link #WORK}. */
    CONTROL,
    /** Ordinary tasks; the default. */
    WORK
}

package dev.asyncio.concurrency;

/**
 * How {@code Asyncio.gather} treats failures. Results always come back in input order, never completion order.
 *
 * <p>A failure is a task that ended {@code FAILED}, or one that ended {@code CANCELLED} by anyone other than the
 * gather itself. "First" means first to end: the runtime numbers every unsuccessful ending as it happens, so inputs
 * that had already ended when the gather began rank by when they ended too, and a failure caused by another (a task
 * that awaited a failed input and failed in turn) always ranks after it, however late either's done callbacks run.
 *
 * <p>Enum constants are immutable and safe to share between threads.
 */
public enum GatherStrategy {
    /**
     * On the first failure, cancel the other tasks, wait until they have terminated, and throw a {@code
     * GatherException}. Siblings the gather cancelled are not reported as failures.
     */
    FAIL_FAST,
    /** Wait for every task; if any failed (a cancelled task counts as failed), throw a {@code GatherException}. */
    WAIT_ALL,
    /** Wait for every task and return the successful results in input order, leaving failed and cancelled ones out. */
    RETURN_PARTIAL
}

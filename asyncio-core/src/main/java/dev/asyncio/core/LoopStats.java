package dev.asyncio.core;

/**
 * A consistent snapshot of an {@link EventLoop}'s counters.
 *
 * <p>Every snapshot balances exactly, even while tasks come and go: {@code created == completed + failed + cancelled
 * + active + pending}, and no count is negative.
 *
 * <p>Records are immutable, so a snapshot is safe to share between threads; it does not change as the loop goes on.
 *
 * @param created tasks created since the loop started
 * @param started tasks admitted to run, that is moved to {@code RUNNING} (see {@link TaskState#RUNNING}: a carrier
 *     thread may not have picked the body up yet)
 * @param completed tasks that ended {@code COMPLETED}
 * @param failed tasks that ended {@code FAILED}
 * @param cancelled tasks that ended {@code CANCELLED}
 * @param active tasks {@code RUNNING} now, including those waiting in the runtime (which hand their admission slot
 *     back meanwhile), so under a concurrency limit it may exceed the limit while tasks await other tasks
 * @param pending tasks {@code PENDING} now, waiting for admission under the loop's concurrency limit
 * @param peakActive the highest {@code active} seen
 * @param activeTimers timers scheduled and not yet fired (one-shot) or deleted (periodic)
 * @param activeScopes cancellation scopes open now, the root scope included
 */
public record LoopStats(
        long created,
        long started,
        long completed,
        long failed,
        long cancelled,
        long active,
        long pending,
        long peakActive,
        long activeTimers,
        long activeScopes) {

    /** {@return tasks not yet terminal: {@code active + pending}} */
    public long live() {
        return active + pending;
    }
}

package dev.asyncio.concurrency;

import java.util.Objects;

/**
 * A snapshot of a {@link Semaphore}'s state and counters, for logs, dashboards and metrics.
 *
 * <p>Each field is read separately, so while the semaphore is in use the fields need not agree with each other; once
 * it is idle, {@code available == max - (acquired - released)}. Instances are immutable and may be shared between
 * threads freely.
 *
 * @param name the semaphore's name
 * @param max the number of permits it was created with
 * @param available permits free now
 * @param waiting callers blocked waiting for a permit now
 * @param acquired permits handed out since creation, by any form of acquire
 * @param released permits given back since creation (refused over-releases not counted)
 * @param timedOut timed {@code tryAcquire} calls that gave up because their time ran out
 * @param cancelledWaits acquires that ended in {@link dev.asyncio.exception.TaskCancelledException} because their
 *     caller was cancelled while it waited
 */
public record SemaphoreStats(
        String name,
        int max,
        int available,
        int waiting,
        long acquired,
        long released,
        long timedOut,
        long cancelledWaits) {

    /** Checks the name. */
    public SemaphoreStats {
        Objects.requireNonNull(name, "name");
    }

    /** {@return permits held now: {@code max - available}} */
    public int inUse() {
        return max - available;
    }
}

package dev.asyncio.core.internal;

import dev.asyncio.core.LoopStats;
import dev.asyncio.core.TaskState;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A loop's task counters, without a global lock. Each task adds to {@code created}, then either to {@code started}
 * and one "ended after start" counter, or to one "ended before start" counter. A snapshot reads the ending counters
 * first, then {@code started}, then {@code created}: anything counted as ended was counted as started and created
 * before, so the derived {@code active} and {@code pending} are never negative and the snapshot balances exactly.
 */
final class LoopCounters {
    private final LongAdder created = new LongAdder();
    private final LongAdder started = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final LongAdder failedAfterStart = new LongAdder();
    private final LongAdder failedBeforeStart = new LongAdder();
    private final LongAdder cancelledAfterStart = new LongAdder();
    private final LongAdder cancelledBeforeStart = new LongAdder();
    private final AtomicLong running = new AtomicLong();
    private final AtomicLong peakRunning = new AtomicLong();
    private final LongAdder scopes = new LongAdder();

    void created() {
        created.increment();
    }

    void started() {
        started.increment();
        long now = running.incrementAndGet();
        if (now > peakRunning.get()) {
            peakRunning.accumulateAndGet(now, Math::max);
        }
    }

    void ended(TaskState state, boolean afterStart) {
        if (afterStart) {
            running.decrementAndGet();
        }
        switch (state) {
            case COMPLETED -> completed.increment();
            case FAILED -> (afterStart ? failedAfterStart : failedBeforeStart).increment();
            case CANCELLED -> (afterStart ? cancelledAfterStart : cancelledBeforeStart).increment();
            default -> throw new IllegalArgumentException("not terminal: " + state);
        }
    }

    void scopeOpened() {
        scopes.increment();
    }

    void scopeClosed() {
        scopes.decrement();
    }

    LoopStats snapshot(long activeTimers) {
        long done = completed.sum();
        long failedRunning = failedAfterStart.sum();
        long failedPending = failedBeforeStart.sum();
        long cancelledRunning = cancelledAfterStart.sum();
        long cancelledPending = cancelledBeforeStart.sum();
        long startedCount = started.sum();
        long createdCount = created.sum();
        long active = startedCount - done - failedRunning - cancelledRunning;
        long pending = createdCount - startedCount - failedPending - cancelledPending;
        return new LoopStats(
                createdCount,
                startedCount,
                done,
                failedRunning + failedPending,
                cancelledRunning + cancelledPending,
                active,
                pending,
                Math.max(peakRunning.get(), active),
                activeTimers,
                Math.max(0, scopes.sum()));
    }
}

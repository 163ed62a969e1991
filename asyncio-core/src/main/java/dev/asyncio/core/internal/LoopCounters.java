package dev.asyncio.core.internal;

import dev.asyncio.core.LoopStats;
import dev.asyncio.core.TaskState;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A loop's task counters, without a global lock. Each task adds to {@code created}, then either to {@code started}
 * and one "ended after start" counter, or to one "ended before start" counter. A snapshot reads the ending counters
 * first, then {@code started}, then {@code created}: anything counted as ended was counted as started and created
 * before, so the derived {@code active} and {@code pending} are never negative and the snapshot balances exactly.
 *
 * <p>The counters are striped by thread, one stripe per cache-line pair, like a {@link LongAdder} holding all seven
 * counters: a task counts its start and end in its own thread's stripe, so tasks finishing on different cores never
 * update the same line, and the creating thread never shares a line with them (separate adders, allocated side by
 * side, did). Only the count of running tasks, needed exactly for {@code peakActive}, is one shared atomic.
 */
final class LoopCounters {
    private static final int CREATED = 0;
    private static final int STARTED = 1;
    private static final int COMPLETED = 2;
    private static final int FAILED_AFTER_START = 3;
    private static final int FAILED_BEFORE_START = 4;
    private static final int CANCELLED_AFTER_START = 5;
    private static final int CANCELLED_BEFORE_START = 6;

    /** Longs per stripe: 128 bytes, so no two stripes share a cache line or an adjacent-line prefetch pair. */
    private static final int STRIPE = 16;

    private static final int STRIPES = stripesFor(Runtime.getRuntime().availableProcessors());

    /** Stripe {@code s} holds its counters from index {@code (s + 1) * STRIPE}; the first stripe is left as padding. */
    private final AtomicLongArray cells = new AtomicLongArray((STRIPES + 2) * STRIPE);

    private final AtomicLong running = new AtomicLong();
    private final AtomicLong peakRunning = new AtomicLong();
    private final LongAdder scopes = new LongAdder();

    /** {@return a power of two of at least four stripes per processor, so few running threads share one} */
    static int stripesFor(int processors) {
        int wanted = Math.min(Math.max(processors, 1) * 4, 1 << 10);
        return Integer.highestOneBit(wanted - 1) << 1;
    }

    void created() {
        add(CREATED);
    }

    void started() {
        add(STARTED);
        long now = running.incrementAndGet();
        if (now > peakRunning.get()) {
            peakRunning.accumulateAndGet(now, Math::max);
        }
    }

    void ended(TaskState state, boolean afterStart) {
        if (afterStart) {
            running.decrementAndGet();
        }
        add(
                switch (state) {
                    case COMPLETED -> COMPLETED;
                    case FAILED -> afterStart ? FAILED_AFTER_START : FAILED_BEFORE_START;
                    case CANCELLED -> afterStart ? CANCELLED_AFTER_START : CANCELLED_BEFORE_START;
                    default -> throw new IllegalArgumentException("not terminal: " + state);
                });
    }

    void scopeOpened() {
        scopes.increment();
    }

    void scopeClosed() {
        scopes.decrement();
    }

    LoopStats snapshot(long activeTimers) {
        long done = sum(COMPLETED);
        long failedRunning = sum(FAILED_AFTER_START);
        long failedPending = sum(FAILED_BEFORE_START);
        long cancelledRunning = sum(CANCELLED_AFTER_START);
        long cancelledPending = sum(CANCELLED_BEFORE_START);
        long startedCount = sum(STARTED);
        long createdCount = sum(CREATED);
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

    private void add(int counter) {
        long mixed = Thread.currentThread().threadId() * 0x9E3779B97F4A7C15L; // spreads consecutive thread ids
        int stripe = (int) (mixed >>> 40) & (STRIPES - 1);
        cells.getAndIncrement((stripe + 1) * STRIPE + counter);
    }

    private long sum(int counter) {
        long total = 0;
        for (int stripe = 1; stripe <= STRIPES; stripe++) {
            total += cells.get(stripe * STRIPE + counter);
        }
        return total;
    }
}

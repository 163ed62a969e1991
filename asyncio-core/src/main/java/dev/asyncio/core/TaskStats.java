package dev.asyncio.core;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one task's timing.
 *
 * <p>Records are immutable, so a snapshot is safe to share between threads; it does not change as the task goes on.
 *
 * <p>The instants and durations are null on a loop built with {@link EventLoop.Builder#taskTimestamps
 * taskTimestamps(false)}, which records none.
 *
 * @param id the task's id
 * @param name the task's name
 * @param state the state when the snapshot was taken
 * @param createdAt when the task was created; null if the loop records no task timestamps
 * @param startedAt when it was admitted and its thread started (its creation instant if it was admitted at once), or
 *     null if it has not been (yet)
 * @param completedAt when it became terminal, or null if it has not (yet)
 * @param waitTime the time it spent {@code PENDING}, waiting for admission, before it started or was cancelled;
 *     zero for a task admitted at once; null until known
 * @param duration the time from start to end, null unless the task started and ended
 * @param hasException whether the task ended with an exception (failed or cancelled)
 */
public record TaskStats(
        long id,
        String name,
        TaskState state,
        @Nullable Instant createdAt,
        @Nullable Instant startedAt,
        @Nullable Instant completedAt,
        @Nullable Duration waitTime,
        @Nullable Duration duration,
        boolean hasException) {}

package dev.asyncio.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asyncio.core.LoopStats;

/** Assertions on a loop's counters shared by tests that check many loops. */
public final class LoopAssertions {
    private LoopAssertions() {}

    /** Asserts that {@code stats} balance and that no task is left running or pending; {@code where} names the run. */
    public static void assertSettled(LoopStats stats, String where) {
        assertThat(stats.created())
                .as("unbalanced " + stats + " " + where)
                .isEqualTo(stats.completed() + stats.failed() + stats.cancelled() + stats.active() + stats.pending());
        assertThat(stats.active()).as("active " + stats + " " + where).isZero();
        assertThat(stats.pending()).as("pending " + stats + " " + where).isZero();
    }
}

package dev.asyncio.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.asyncio.Asyncio;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Counters that come back down: scopes that closed, and tasks cancelled before they ever ran. */
class LoopStatsBalanceTest {
    private final EventLoop loop =
            EventLoop.builder().name("stats-balance").maxConcurrentTasks(1).build();

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    @Test
    void aScopeCountsAsActiveOnlyWhileItIsOpen() throws Exception {
        long rootOnly = loop.stats().activeScopes();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch leave = new CountDownLatch(1);
        Task<Integer> task = loop.createTask(() -> CancellationScope.run(() -> {
            inside.countDown();
            leave.await();
            return 0;
        }));
        inside.await();
        assertThat(loop.stats().activeScopes()).isEqualTo(rootOnly + 1);

        leave.countDown();
        Asyncio.await(task);
        assertThat(loop.stats().activeScopes()).isEqualTo(rootOnly);
    }

    @Test
    void tasksCancelledWhilePendingLeaveThePendingCountAndCountAsCancelled() {
        CountDownLatch release = new CountDownLatch(1);
        Task<Integer> blocker = loop.createTask(() -> {
            release.await();
            return 0;
        });
        await().until(() -> blocker.state() == TaskState.RUNNING);
        Task<Integer> first = loop.createTask(() -> 1);
        Task<Integer> second = loop.createTask(() -> 2);
        assertThat(loop.stats().pending()).isEqualTo(2);
        assertThat(loop.stats().live()).isEqualTo(3);

        first.cancel();
        second.cancel();
        LoopStats stats = loop.stats();
        assertThat(stats.pending()).isZero();
        assertThat(stats.cancelled()).isEqualTo(2);
        assertThat(stats.active()).isEqualTo(1);
        assertThat(stats.live()).isEqualTo(1);
        assertThat(stats.created())
                .isEqualTo(stats.completed() + stats.failed() + stats.cancelled() + stats.active() + stats.pending());
        release.countDown();
    }
}

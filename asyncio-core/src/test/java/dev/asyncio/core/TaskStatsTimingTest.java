package dev.asyncio.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.asyncio.Asyncio;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The times in {@link TaskStats} agree with each other and with the clock around them: no threshold on how long
 * anything takes, only that each span lies inside what the test measured.
 */
class TaskStatsTimingTest {
    private final EventLoop loop =
            EventLoop.builder().name("stats-timing").maxConcurrentTasks(1).build();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void closeLoop() {
        release.countDown();
        loop.close();
    }

    @Test
    void aFinishedTaskWaitedThenRanBetweenItsCreationAndItsEnd() {
        long before = System.nanoTime();
        occupyTheOnlySlot();
        Task<Integer> measured = loop.createTask(() -> 42);
        release.countDown();
        Asyncio.await(measured);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - before);

        TaskStats stats = measured.stats();
        assertThat(stats.state()).isEqualTo(TaskState.COMPLETED);
        assertThat(stats.hasException()).isFalse();
        assertThat(stats.startedAt()).isNotNull().isAfterOrEqualTo(stats.createdAt());
        assertThat(stats.completedAt()).isNotNull().isAfterOrEqualTo(stats.startedAt());
        assertThat(stats.waitTime()).isEqualTo(Duration.between(stats.createdAt(), stats.startedAt()));
        assertThat(stats.duration()).isEqualTo(Duration.between(stats.startedAt(), stats.completedAt()));
        assertThat(stats.waitTime()).isBetween(Duration.ZERO, elapsed);
        assertThat(stats.duration()).isBetween(Duration.ZERO, elapsed);
    }

    @Test
    void aTaskAdmittedAtOnceIsRunningWhenCreateTaskReturnsAndWaitedNoTime() {
        try (EventLoop unlimited = EventLoop.builder().name("stats-unlimited").build()) {
            CountDownLatch hold = new CountDownLatch(1);
            Task<Integer> task = unlimited.createTask(() -> {
                hold.await();
                return 1;
            });
            assertThat(task.state()).isEqualTo(TaskState.RUNNING);
            TaskStats running = task.stats();
            assertThat(running.startedAt()).isEqualTo(running.createdAt());
            assertThat(running.waitTime()).isEqualTo(Duration.ZERO);
            hold.countDown();
            Asyncio.await(task);
            TaskStats done = task.stats();
            assertThat(done.waitTime()).isEqualTo(Duration.ZERO);
            assertThat(done.duration()).isEqualTo(Duration.between(done.startedAt(), done.completedAt()));
        }
    }

    @Test
    void aTaskCancelledWhilePendingWaitedUntilItsEndAndNeverRan() {
        long before = System.nanoTime();
        occupyTheOnlySlot();
        Task<Integer> queued = loop.createTask(() -> 42);
        assertThat(queued.state()).isEqualTo(TaskState.PENDING);
        queued.cancel();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - before);

        TaskStats stats = queued.stats();
        assertThat(stats.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(stats.hasException()).isTrue();
        assertThat(stats.startedAt()).isNull();
        assertThat(stats.duration()).isNull();
        assertThat(stats.completedAt()).isNotNull().isAfterOrEqualTo(stats.createdAt());
        assertThat(stats.waitTime()).isEqualTo(Duration.between(stats.createdAt(), stats.completedAt()));
        assertThat(stats.waitTime()).isBetween(Duration.ZERO, elapsed);
    }

    @Test
    void aFailedTaskHasAnExceptionAndARunningOneHasNoEndYet() {
        Task<Integer> running = occupyTheOnlySlot();
        TaskStats stillRunning = running.stats();
        assertThat(stillRunning.state()).isEqualTo(TaskState.RUNNING);
        assertThat(stillRunning.startedAt()).isNotNull();
        assertThat(stillRunning.completedAt()).isNull();
        assertThat(stillRunning.duration()).isNull();
        assertThat(stillRunning.hasException()).isFalse();
        release.countDown();

        Task<Integer> failing = loop.createTask(() -> {
            throw new IllegalStateException("boom");
        });
        await().until(failing::isDone);
        assertThat(failing.stats().state()).isEqualTo(TaskState.FAILED);
        assertThat(failing.stats().hasException()).isTrue();
    }

    /** Starts a task that holds the loop's only slot until {@link #release} opens; returns once it runs. */
    private Task<Integer> occupyTheOnlySlot() {
        Task<Integer> blocker = loop.createTask(() -> {
            release.await();
            return 0;
        });
        await().until(() -> blocker.state() == TaskState.RUNNING);
        return blocker;
    }
}

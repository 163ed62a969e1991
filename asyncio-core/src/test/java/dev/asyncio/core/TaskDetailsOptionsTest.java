package dev.asyncio.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio.Asyncio;
import dev.asyncio.concurrency.GatherStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The builder's {@code taskTimestamps(false)} and {@code taskThreadNames(false)}: what they leave out, and that a loop
 * without them runs, counts and describes its tasks like any other.
 */
class TaskDetailsOptionsTest {

    @Test
    void withoutTimestampsATaskHasNoInstantsOrDurationsInAnyState() throws Exception {
        try (EventLoop loop = EventLoop.builder()
                .name("untimed")
                .maxConcurrentTasks(1)
                .taskTimestamps(false)
                .build()) {
            CountDownLatch release = new CountDownLatch(1);
            Task<Integer> running = loop.createTask(() -> {
                release.await();
                return 1;
            });
            Task<Integer> pending = loop.createTask(() -> 2);
            assertThat(pending.state()).isEqualTo(TaskState.PENDING);
            assertUntimed(running.stats(), TaskState.RUNNING, false);
            assertUntimed(pending.stats(), TaskState.PENDING, false);

            release.countDown();
            assertThat(Asyncio.await(pending)).isEqualTo(2);
            assertUntimed(running.stats(), TaskState.COMPLETED, false);
            assertUntimed(pending.stats(), TaskState.COMPLETED, false);

            Task<Integer> failed = loop.createTask(() -> {
                throw new IllegalStateException("boom");
            });
            assertThatThrownBy(() -> Asyncio.await(failed)).hasMessage("boom");
            assertUntimed(failed.stats(), TaskState.FAILED, true);
        }
    }

    @Test
    void withoutTimestampsADumpShowsEveryLiveTaskWithoutAnAge() throws Exception {
        try (EventLoop loop =
                EventLoop.builder().name("untimed-dump").taskTimestamps(false).build()) {
            CountDownLatch release = new CountDownLatch(1);
            Task<Void> held = loop.createTask("held", () -> {
                release.await();
                return null;
            });
            TaskTree tree = loop.dump();
            TaskTree.TaskNode node = tree.root().tasks().stream()
                    .filter(t -> t.id() == held.id())
                    .findFirst()
                    .orElseThrow();
            assertThat(node.age()).isNull();
            assertThat(node.state()).isEqualTo(TaskState.RUNNING);
            assertThat(tree.render()).contains("task #" + held.id() + " 'held' running work\n");
            release.countDown();
            Asyncio.await(held);
        }
    }

    @Test
    void aDefaultLoopDumpsEachTaskWithItsAge() throws Exception {
        try (EventLoop loop = EventLoop.builder().name("timed-dump").build()) {
            CountDownLatch release = new CountDownLatch(1);
            Task<Void> held = loop.createTask("held", () -> {
                release.await();
                return null;
            });
            TaskTree tree = loop.dump();
            assertThat(tree.root().tasks())
                    .singleElement()
                    .satisfies(node -> assertThat(node.age()).isNotNull().isGreaterThanOrEqualTo(Duration.ZERO));
            assertThat(tree.render()).containsPattern("task #" + held.id() + " 'held' running work \\d+ms\n");
            release.countDown();
            Asyncio.await(held);
        }
    }

    @Test
    void withoutPerTaskThreadNamesUnnamedTasksShareTheLoopsTaskThreadNameAndNamedOnesKeepTheirs() {
        try (EventLoop loop =
                EventLoop.builder().name("plain").taskThreadNames(false).build()) {
            List<String> names = loop.run(() -> {
                Task<String> anonymous =
                        Asyncio.createTask(() -> Thread.currentThread().getName());
                Task<String> named = Asyncio.createTask(
                        "fetch-user", () -> Thread.currentThread().getName());
                return Asyncio.gather(anonymous, named);
            });
            assertThat(names).containsExactly("plain/task", "plain/fetch-user");
        }
    }

    @Test
    void aLoopWithoutTaskDetailsGathersAndCountsEveryTaskExactly() {
        int count = 10_000;
        try (EventLoop loop = EventLoop.builder()
                .name("lean")
                .taskTimestamps(false)
                .taskThreadNames(false)
                .build()) {
            long sum = loop.run(() -> {
                List<Task<Long>> tasks = new ArrayList<>(count);
                for (long i = 0; i < count; i++) {
                    long value = i;
                    tasks.add(Asyncio.createTask(() -> value));
                }
                return Asyncio.gather(tasks, GatherStrategy.FAIL_FAST).stream()
                        .mapToLong(Long::longValue)
                        .sum();
            });
            assertThat(sum).isEqualTo(LongStream.range(0, count).sum());
            LoopStats stats = loop.stats();
            assertThat(stats.created()).isEqualTo(count + 1); // and the main task
            assertThat(stats.completed()).isEqualTo(count + 1);
            assertThat(stats.active()).isZero();
            assertThat(stats.pending()).isZero();
        }
    }

    private static void assertUntimed(TaskStats stats, TaskState state, boolean hasException) {
        assertThat(stats.state()).isEqualTo(state);
        assertThat(stats.hasException()).isEqualTo(hasException);
        assertThat(stats.createdAt()).isNull();
        assertThat(stats.startedAt()).isNull();
        assertThat(stats.completedAt()).isNull();
        assertThat(stats.waitTime()).isNull();
        assertThat(stats.duration()).isNull();
    }
}

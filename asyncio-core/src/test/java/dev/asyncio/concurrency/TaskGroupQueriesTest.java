package dev.asyncio.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.asyncio.Asyncio;
import dev.asyncio.core.EventLoop;
import dev.asyncio.core.Task;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The group's queries tell the truth, and no call leaves the group locked against its tasks or other threads. */
class TaskGroupQueriesTest {
    private final EventLoop loop = EventLoop.builder().name("group-queries").build();

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    @Test
    void taskCountCountsTheTasksThatHaveNotEndedYet() {
        loop.run(() -> {
            CountDownLatch first = new CountDownLatch(1);
            CountDownLatch rest = new CountDownLatch(1);
            TaskGroup group = TaskGroup.open();
            Task<Integer> quick = group.spawn(() -> {
                first.await();
                return 1;
            });
            group.spawn(() -> {
                rest.await();
                return 2;
            });
            group.spawn(() -> {
                rest.await();
                return 3;
            });
            assertThat(group.taskCount()).isEqualTo(3);

            first.countDown();
            Asyncio.await(quick);
            assertThat(group.taskCount()).isEqualTo(2);

            rest.countDown();
            group.waitAll();
            assertThat(group.taskCount()).isZero();
            assertThat(group.tasks()).hasSize(3);
            return null;
        });
    }

    @Test
    void aGroupIsOpenUntilWaitAll() {
        loop.run(() -> {
            TaskGroup group = TaskGroup.open();
            assertThat(group.isClosed()).isFalse();
            group.spawn(() -> 1);
            assertThat(group.isClosed()).isFalse();
            group.waitAll();
            assertThat(group.isClosed()).isTrue();
            return null;
        });
    }

    @Test
    void queriesFromTheOwnerLeaveTheGroupUsableByOtherThreads() {
        loop.run(() -> {
            TaskGroup group = TaskGroup.open();
            assertThat(group.isClosed()).isFalse();
            assertThat(group.isCancelled()).isFalse();
            assertThat(group.tasks()).isEmpty();
            assertThat(group.taskCount()).isZero();
            // spawning takes the group's lock, here on another thread than the owner's
            Task<Integer> spawned = fromAnotherThread(() -> group.spawn(() -> 7));
            group.waitAll();
            group.close();

            assertThat(spawned.result()).isEqualTo(7);
            assertThat(fromAnotherThread(() -> List.of(group.isClosed(), group.isCancelled(), group.tasks())))
                    .containsExactly(true, false, List.of(spawned));
            return null;
        });
    }

    @Test
    void cancelAndCloseLeaveTheGroupUsableByOtherThreads() {
        loop.run(() -> {
            TaskGroup cancelled = TaskGroup.open();
            cancelled.spawn(() -> {
                Asyncio.sleep(60_000);
                return 0;
            });
            cancelled.cancel();
            assertThat(fromAnotherThread(cancelled::isCancelled)).isTrue();
            await().until(() -> cancelled.taskCount() == 0);
            cancelled.waitAll();

            TaskGroup abandoned = TaskGroup.open();
            abandoned.spawn(() -> {
                Asyncio.sleep(60_000);
                return 0;
            });
            assertThatThrownBy(abandoned::close).isInstanceOf(IllegalStateException.class);
            assertThat(fromAnotherThread(abandoned::isClosed)).isTrue();
            return null;
        });
    }

    /** Runs {@code query} in another task and returns its answer: it hangs if the group's lock was left held. */
    private static <T> T fromAnotherThread(java.util.concurrent.Callable<T> query) {
        return Asyncio.await(Asyncio.createTask(query));
    }
}

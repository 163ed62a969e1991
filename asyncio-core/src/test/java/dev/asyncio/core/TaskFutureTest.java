package dev.asyncio.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.asyncio.Asyncio;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The {@code CompletableFuture} view of a task: cancelling it cancels the task, and only while there is one to. */
class TaskFutureTest {
    private final EventLoop loop = EventLoop.builder().name("task-future").build();

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    @Test
    void cancellingTheFutureOfARunningTaskCancelsTheTask() {
        Task<Integer> sleeper = loop.createTask(() -> {
            Asyncio.sleep(Duration.ofMinutes(10));
            return 1;
        });
        CompletableFuture<Integer> future = sleeper.toCompletableFuture();

        assertThat(future.cancel(true)).isTrue();
        assertThat(future).isCancelled();
        await().until(sleeper::isDone);
        assertThat(sleeper.state()).isEqualTo(TaskState.CANCELLED);
    }

    @Test
    void cancellingTheFutureOfAFinishedTaskChangesNothing() {
        Task<Integer> finished = loop.createTask(() -> 1);
        Asyncio.await(finished);
        CompletableFuture<Integer> future = finished.toCompletableFuture();

        assertThat(future.cancel(true)).isFalse();
        assertThat(future).isCompletedWithValue(1);
        assertThat(finished.state()).isEqualTo(TaskState.COMPLETED);
    }
}

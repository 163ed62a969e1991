package dev.asyncio.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asyncio.Asyncio;
import dev.asyncio.core.EventLoop;
import dev.asyncio.core.Suspension;
import dev.asyncio.core.Task;
import dev.asyncio.core.TaskState;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** The order of unsuccessful endings that gather and task groups use to name the first failure. */
class EndingOrderTest {
    private final EventLoop loop = EventLoop.builder().name("ending-order").build();

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    @RepeatedTest(20) // the cancel races the cancelled task's start
    void unsuccessfulEndingsAreNumberedInTheOrderTheyHappen() {
        loop.run(() -> {
            Task<Object> failedFirst = Asyncio.createTask(() -> {
                throw new IllegalStateException("first");
            });
            Asyncio.gatherOutcomes(List.of(failedFirst));
            CountDownLatch never = new CountDownLatch(1);
            Task<Object> cancelled = Asyncio.createTask(() -> {
                never.await();
                return null;
            });
            cancelled.cancel(); // ends it CANCELLED before it starts, or stops its wait: it cannot complete first
            Asyncio.gatherOutcomes(List.of(cancelled));
            Task<Object> failedAfterSeeingTheFirst = Asyncio.createTask(() -> Asyncio.await(failedFirst));
            Asyncio.gatherOutcomes(List.of(failedAfterSeeingTheFirst));

            assertThat(failedAfterSeeingTheFirst.state()).isEqualTo(TaskState.FAILED);
            long first = RuntimeTask.endingOrder(failedFirst);
            long second = RuntimeTask.endingOrder(cancelled);
            long third = RuntimeTask.endingOrder(failedAfterSeeingTheFirst);
            assertThat(first).isLessThan(second);
            assertThat(second).isLessThan(third);
            assertThat(third).isLessThan(Long.MAX_VALUE);
            return null;
        });
    }

    @Test
    void tasksThatDidNotEndUnsuccessfullyComeLast() {
        CountDownLatch release = new CountDownLatch(1);
        Task<Integer> running = loop.createTask(() -> {
            release.await();
            return 1;
        });
        assertThat(RuntimeTask.endingOrder(running)).isEqualTo(Long.MAX_VALUE);
        release.countDown();
        Suspension.join(running);
        assertThat(RuntimeTask.endingOrder(running)).isEqualTo(Long.MAX_VALUE); // completed
        assertThat(RuntimeTask.endingOrder(new CompletedTask<>(2))).isEqualTo(Long.MAX_VALUE);
    }
}

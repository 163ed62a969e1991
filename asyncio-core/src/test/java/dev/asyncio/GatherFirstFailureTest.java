package dev.asyncio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.asyncio.concurrency.GatherStrategy;
import dev.asyncio.core.EventLoop;
import dev.asyncio.core.Task;
import dev.asyncio.exception.GatherException;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * A gather's first failure is the one that ended first, whatever its index, whether it ended while the gather waited or
 * before the gather began.
 */
class GatherFirstFailureTest {
    private final EventLoop loop =
            EventLoop.builder().name("gather-first-failure").build();
    private final CountDownLatch go = new CountDownLatch(1);

    @AfterEach
    void closeLoop() {
        go.countDown();
        loop.close();
    }

    @Test
    void theLowerIndexFailingFirstIsTheFirstFailure() {
        IllegalStateException early = new IllegalStateException("early");
        IllegalStateException late = new IllegalStateException("late");
        Task<Integer> first = loop.createTask("first", () -> {
            go.await();
            throw early;
        });
        Task<Integer> second = loop.createTask("second", () -> failAfter(first, late));

        GatherException e = gatherOnceBlocked(first, second);

        assertThat(e.firstException()).isSameAs(early);
        assertThat(e.exception(1)).isSameAs(late);
    }

    @RepeatedTest(20) // the later failure's task awaited the earlier one: it wakes only after gather ranked that
    void theHigherIndexFailingFirstIsTheFirstFailure() {
        IllegalStateException early = new IllegalStateException("early");
        IllegalStateException late = new IllegalStateException("late");
        Task<Integer> second = loop.createTask("second", () -> {
            go.await();
            throw early;
        });
        Task<Integer> first = loop.createTask("first", () -> failAfter(second, late));

        GatherException e = gatherOnceBlocked(first, second);

        assertThat(e.firstException()).isSameAs(early);
        assertThat(e.exception(0)).isSameAs(late);
    }

    @Test
    void inputsThatEndedBeforeTheGatherRankByWhenTheyEndedNotByIndex() {
        IllegalStateException early = new IllegalStateException("early");
        IllegalStateException late = new IllegalStateException("late");
        Task<Integer> second = loop.createTask("second", () -> {
            throw early;
        });
        await().until(second::isDone);
        Task<Integer> first = loop.createTask("first", () -> {
            throw late;
        });
        await().until(first::isDone);

        GatherException e = catchThrowableOfType(
                GatherException.class, () -> Asyncio.gather(GatherStrategy.WAIT_ALL, first, second));

        assertThat(e.firstException()).isSameAs(early);
        assertThat(e.exception(0)).isSameAs(late);
    }

    @Test
    void failFastNamesTheInputThatEndedFirstWhenSeveralHadFailedInIndexOrderBeforeTheGather() {
        IllegalStateException early = new IllegalStateException("early");
        Task<Integer> first = failed("first", early);
        Task<Integer> second = failed("second", new IllegalStateException("middle"));
        Task<Integer> third = failed("third", new IllegalStateException("late"));
        Task<Integer> blocked = loop.createTask("blocked", () -> {
            go.await();
            return 0;
        });

        GatherException e = catchThrowableOfType(
                GatherException.class, () -> Asyncio.gather(GatherStrategy.FAIL_FAST, first, second, third, blocked));

        assertThat(e.firstException()).isSameAs(early);
        assertThat(blocked.isCancelled()).isTrue();
        assertThat(blocked.exception()).hasMessageContaining("after task 'first' failed");
    }

    /** {@return a task that has failed with {@code failure}; tasks made one after another end in that order} */
    private Task<Integer> failed(String name, RuntimeException failure) {
        Task<Integer> task = loop.createTask(name, () -> {
            throw failure;
        });
        await().until(task::isDone);
        return task;
    }

    /** Gathers on this thread; the failures start only once this thread is blocked in the gather. */
    private GatherException gatherOnceBlocked(Task<Integer> first, Task<Integer> second) {
        Thread gatherer = Thread.currentThread();
        loop.createTask("trigger", () -> {
            await().until(() -> gatherer.getState() == Thread.State.WAITING);
            go.countDown();
            return 0;
        });
        return catchThrowableOfType(
                GatherException.class, () -> Asyncio.gather(GatherStrategy.WAIT_ALL, first, second));
    }

    /** Waits until {@code other} has failed, then fails with {@code failure}. */
    private static Integer failAfter(Task<Integer> other, RuntimeException failure) {
        try {
            Asyncio.await(other);
        } catch (IllegalStateException expected) {
            // other failed first, as intended
        }
        throw failure;
    }
}

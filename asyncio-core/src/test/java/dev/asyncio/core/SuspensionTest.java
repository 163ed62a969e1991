package dev.asyncio.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.asyncio.Asyncio;
import dev.asyncio.exception.TaskCancelledException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** The suspension points as primitives use them: checked before they block, and joins that report what they saw. */
class SuspensionTest {
    private final EventLoop loop = EventLoop.builder().name("suspension").build();

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    @Test
    void aCancelledTaskThatSwallowedTheInterruptIsStoppedBeforeItsNextWaitRuns() throws Exception {
        CountDownLatch sleeping = new CountDownLatch(1);
        AtomicBoolean waitRan = new AtomicBoolean();
        AtomicBoolean stopped = new AtomicBoolean();
        Task<Integer> task = loop.createTask(() -> {
            try {
                sleeping.countDown();
                Asyncio.sleep(Duration.ofMinutes(10));
            } catch (TaskCancelledException swallowed) {
                // the request stays, the interrupt status is cleared
            }
            try {
                return Suspension.suspend(() -> {
                    waitRan.set(true);
                    return 1;
                });
            } catch (TaskCancelledException expected) {
                stopped.set(true);
                throw expected;
            }
        });
        sleeping.await();
        task.cancel();

        await().until(task::isDone);
        assertThat(stopped).isTrue();
        assertThat(waitRan).isFalse();
        assertThat(task.state()).isEqualTo(TaskState.CANCELLED);
    }

    @Test
    void aTimedJoinSaysWhetherTheTaskEndedInTime() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Task<Integer> blocked = loop.createTask(() -> {
            release.await();
            return 1;
        });
        Task<Integer> finished = loop.createTask(() -> 2);
        Asyncio.await(finished);

        assertThat(Suspension.join(finished, Duration.ofSeconds(10))).isTrue();
        assertThat(Suspension.join(blocked, Duration.ZERO)).isFalse();
        assertThat(Suspension.join(blocked, Duration.ofMillis(20))).isFalse(); // it cannot end: it waits for release
        release.countDown();
        assertThat(Suspension.join(blocked, Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void anUninterruptibleJoinOfAnEndedTaskInventsNoInterrupt() {
        Task<Integer> finished = loop.createTask(() -> 2);
        Asyncio.await(finished);

        Suspension.joinUninterruptibly(finished);

        assertThat(Thread.interrupted()).isFalse();
    }

    @Test
    void anUninterruptibleJoinWaitsThroughAnInterruptAndHandsItBackToAPlainThread() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Task<Integer> blocked = loop.createTask(() -> {
            release.await();
            return 1;
        });
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        AtomicBoolean doneWhenReturned = new AtomicBoolean();
        Thread joiner = Thread.ofPlatform().start(() -> {
            Suspension.joinUninterruptibly(blocked);
            doneWhenReturned.set(blocked.isDone());
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        });
        await().until(() -> joiner.getState() == Thread.State.WAITING);
        joiner.interrupt();
        release.countDown();
        joiner.join();

        assertThat(doneWhenReturned)
                .as("the interrupt did not end the wait early")
                .isTrue();
        assertThat(interruptedAfter)
                .as("the interrupt is kept for the code after the join")
                .isTrue();
    }

    @RepeatedTest(10)
    void aTaskCancelledDuringAnUninterruptibleJoinKeepsItsInterruptForItsNextJdkCall() throws Exception {
        CountDownLatch otherStarted = new CountDownLatch(1);
        CountDownLatch releaseOther = new CountDownLatch(1);
        CountDownLatch joining = new CountDownLatch(1);
        CountDownLatch afterTheJoin = new CountDownLatch(1);
        Task<Integer> other = loop.createTask(() -> {
            otherStarted.countDown();
            releaseOther.await();
            return 1;
        });
        Task<Integer> task = loop.createTask(() -> {
            joining.countDown();
            Suspension.joinUninterruptibly(other); // absorbs the interrupt of the cancel below while it waits
            afterTheJoin.await(); // a plain JDK call: the pending cancellation must still interrupt it
            return 1;
        });
        try {
            otherStarted.await();
            joining.await();
            task.cancel();
            releaseOther.countDown();
            await().atMost(Duration.ofSeconds(30)).until(task::isDone);
            assertThat(task.state()).isEqualTo(TaskState.CANCELLED);
        } finally {
            afterTheJoin.countDown(); // if the interrupt was lost, let the task end so the loop can close
        }
    }
}

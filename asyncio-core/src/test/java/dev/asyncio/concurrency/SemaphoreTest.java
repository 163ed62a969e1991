package dev.asyncio.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.asyncio.core.EventLoop;
import dev.asyncio.core.Suspension;
import dev.asyncio.core.Task;
import dev.asyncio.core.TaskState;
import dev.asyncio.exception.TaskCancelledException;
import dev.asyncio.exception.TaskFailedException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The semaphore's rules, one at a time: counting, FIFO, bounded release, timeouts, cancellation, admission. */
class SemaphoreTest {
    private final EventLoop loop = EventLoop.builder().name("semaphore-test").build();

    @AfterEach
    void closeTheLoop() {
        loop.close();
    }

    private static ConditionFactory soon() {
        return await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, -5})
    void permitsBelowOneAreRefusedNamingTheValue(int permits) {
        assertThatThrownBy(() -> new Semaphore(permits))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was " + permits);
        assertThatThrownBy(() -> new Semaphore("db", permits))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'db'");
    }

    @Test
    void aSemaphoreWithoutANameGetsAUniqueDefaultOne() {
        Semaphore first = new Semaphore(1);
        Semaphore second = new Semaphore(1);

        assertThat(first.name()).startsWith("semaphore-");
        assertThat(second.name()).startsWith("semaphore-").isNotEqualTo(first.name());
        assertThat(new Semaphore("db-connections", 3).name()).isEqualTo("db-connections");
    }

    @Test
    void acquireAndReleaseMoveTheCountBetweenZeroAndMax() {
        Semaphore semaphore = new Semaphore(3);

        semaphore.acquire();
        semaphore.acquire();
        assertThat(semaphore.available()).isEqualTo(1);
        semaphore.acquire();
        assertThat(semaphore.available()).isZero();
        assertThat(semaphore.tryAcquire()).isFalse();
        semaphore.release();
        semaphore.release();
        assertThat(semaphore.available()).isEqualTo(2);
        assertThat(semaphore.max()).isEqualTo(3);
    }

    @Test
    void releasingMoreThanWasAcquiredThrowsAndChangesNothing() {
        Semaphore semaphore = new Semaphore("pool", 2);

        assertThatThrownBy(semaphore::release)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'pool'")
                .hasMessageContaining("released more times than it was acquired");
        semaphore.acquire();
        semaphore.release();
        assertThatThrownBy(semaphore::release).isInstanceOf(IllegalStateException.class);

        assertThat(semaphore.available()).isEqualTo(2);
        assertThat(semaphore.stats().released()).isEqualTo(1);
        assertThat(semaphore.tryAcquire()).isTrue();
        assertThat(semaphore.tryAcquire()).isTrue();
        assertThat(semaphore.tryAcquire()).isFalse(); // the refused releases did not raise the limit
    }

    @Test
    void waitersAreServedInTheOrderTheyStartedWaiting() {
        Semaphore semaphore = new Semaphore(1);
        semaphore.acquire();
        ConcurrentLinkedQueue<Integer> order = new ConcurrentLinkedQueue<>();
        List<Task<Object>> waiters = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int index = i;
            waiters.add(loop.createTask("waiter-" + i, () -> {
                semaphore.acquire();
                order.add(index);
                semaphore.release();
                return index;
            }));
            int queued = i + 1;
            soon().until(() -> semaphore.waitingCount() == queued);
        }

        semaphore.release();
        soon().until(() -> waiters.stream().allMatch(Task::isDone));

        assertThat(order)
                .containsExactlyElementsOf(IntStream.range(0, 20).boxed().toList());
        assertThat(semaphore.available()).isEqualTo(1);
    }

    // A permit released while someone is queued belongs to the queue, whatever the releaser does next. The waiter
    // holds the permit until the test has tried to barge, so every attempt must fail.
    @RepeatedTest(50)
    void tryAcquireNeverOvertakesAQueuedWaiter() {
        Semaphore semaphore = new Semaphore(1);
        semaphore.acquire();
        CountDownLatch tried = new CountDownLatch(1);
        Task<Boolean> waiter = loop.createTask(() -> {
            semaphore.acquire();
            Suspension.suspend(() -> {
                tried.await();
                return true;
            });
            semaphore.release();
            return true;
        });
        soon().until(() -> semaphore.waitingCount() == 1);

        semaphore.release();
        boolean barged = semaphore.tryAcquire();
        boolean bargedWithZeroTimeout = semaphore.tryAcquire(Duration.ZERO);
        tried.countDown();

        assertThat(barged).isFalse();
        assertThat(bargedWithZeroTimeout).isFalse();
        soon().until(waiter::isDone);
        assertThat(waiter.result()).isTrue();
        assertThat(semaphore.available()).isEqualTo(1);
    }

    @Test
    void aCancelledWaiterNeverTakesAPermit() {
        Semaphore semaphore = new Semaphore(1);
        semaphore.acquire();
        AtomicBoolean acquired = new AtomicBoolean();
        Task<Object> waiter = loop.createTask(() -> {
            semaphore.acquire();
            acquired.set(true);
            return "unreachable";
        });
        soon().until(() -> semaphore.waitingCount() == 1);

        waiter.cancel();
        soon().until(waiter::isDone);

        assertThat(waiter.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(acquired).isFalse();
        assertThat(semaphore.waitingCount()).isZero();
        assertThat(semaphore.available()).isZero(); // still held by this thread, nothing taken, nothing added
        semaphore.release();
        assertThat(semaphore.available()).isEqualTo(1);
        assertThat(semaphore.stats().cancelledWaits()).isEqualTo(1);
    }

    @Test
    void aCancelledWaiterLetsTheNextWaiterHaveThePermit() {
        Semaphore semaphore = new Semaphore(1);
        semaphore.acquire();
        Task<Object> first = loop.createTask(() -> {
            semaphore.acquire();
            return "first";
        });
        soon().until(() -> semaphore.waitingCount() == 1);
        Task<String> second = loop.createTask(() -> {
            semaphore.acquire();
            semaphore.release();
            return "second";
        });
        soon().until(() -> semaphore.waitingCount() == 2);

        first.cancel();
        soon().until(first::isDone);
        semaphore.release();
        soon().until(second::isDone);

        assertThat(second.result()).isEqualTo("second");
        assertThat(semaphore.available()).isEqualTo(1);
    }

    @Test
    void acquireInACancelledTaskThrowsEvenWhenAPermitIsFree() {
        Semaphore semaphore = new Semaphore(2);
        AtomicBoolean bodyRan = new AtomicBoolean();
        Task<Object> task = loop.createTask(() -> {
            Objects.requireNonNull(Task.current()).cancel();
            try {
                semaphore.acquire();
            } catch (TaskCancelledException expected) {
                semaphore.withPermit(() -> bodyRan.getAndSet(true));
            }
            return "unreachable";
        });
        soon().until(task::isDone);

        assertThat(task.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(bodyRan).isFalse();
        assertThat(semaphore.available()).isEqualTo(2);
    }

    @Test
    void aPlainThreadBlockedInAcquireIsWokenByARelease() throws InterruptedException {
        Semaphore semaphore = new Semaphore(1);
        semaphore.acquire();
        AtomicBoolean acquired = new AtomicBoolean();
        Thread thread = Thread.ofPlatform().start(() -> {
            semaphore.acquire();
            acquired.set(true);
        });
        soon().until(() -> semaphore.waitingCount() == 1);

        semaphore.release();
        thread.join();

        assertThat(acquired).isTrue();
        assertThat(semaphore.available()).isZero();
    }

    @Test
    void tryAcquireWithATimeoutGivesUpWhenTheTimeRunsOut() {
        Semaphore semaphore = new Semaphore(1);
        semaphore.acquire();

        boolean taken = semaphore.tryAcquire(Duration.ofMillis(20));

        assertThat(taken).isFalse();
        assertThat(semaphore.available()).isZero();
        assertThat(semaphore.waitingCount()).isZero();
        assertThat(semaphore.stats().timedOut()).isEqualTo(1);
    }

    @Test
    void tryAcquireWithATimeoutTakesAPermitReleasedMeanwhile() {
        Semaphore semaphore = new Semaphore(1);
        semaphore.acquire();
        Task<Boolean> waiter = loop.createTask(() -> semaphore.tryAcquire(Duration.ofMinutes(1)));
        soon().until(() -> semaphore.waitingCount() == 1);

        semaphore.release();
        soon().until(waiter::isDone);

        assertThat(waiter.result()).isTrue();
        assertThat(semaphore.available()).isZero();
        assertThat(semaphore.stats().timedOut()).isZero();
    }

    @Test
    void aCancelledTimedWaiterThrowsAndTakesNothing() {
        Semaphore semaphore = new Semaphore(1);
        semaphore.acquire();
        Task<Boolean> waiter = loop.createTask(() -> semaphore.tryAcquire(Duration.ofMinutes(1)));
        soon().until(() -> semaphore.waitingCount() == 1);

        waiter.cancel();
        soon().until(waiter::isDone);

        assertThat(waiter.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(waiter.exception()).isInstanceOf(TaskCancelledException.class);
        assertThat(semaphore.waitingCount()).isZero();
        semaphore.release();
        assertThat(semaphore.available()).isEqualTo(1);
    }

    @Test
    @SuppressWarnings("NullAway") // passes null on purpose
    void aZeroTimeoutTriesOnceAndANegativeOneIsRefused() {
        Semaphore semaphore = new Semaphore(1);

        assertThat(semaphore.tryAcquire(Duration.ZERO)).isTrue();
        assertThat(semaphore.tryAcquire(Duration.ZERO)).isFalse();
        assertThatThrownBy(() -> semaphore.tryAcquire(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT-0.001S");
        assertThatThrownBy(() -> semaphore.tryAcquire(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("timeout");
    }

    @Test
    void aHugeTimeoutIsAcceptedAndWaitsLikeAcquire() {
        Semaphore semaphore = new Semaphore(1);
        semaphore.acquire();
        Task<Boolean> waiter = loop.createTask(() -> semaphore.tryAcquire(Duration.ofSeconds(Long.MAX_VALUE)));
        soon().until(() -> semaphore.waitingCount() == 1);

        semaphore.release();
        soon().until(waiter::isDone);

        assertThat(waiter.result()).isTrue();
    }

    @Test
    void withPermitReturnsTheBodysValueAndHoldsAPermitMeanwhile() {
        Semaphore semaphore = new Semaphore(3);

        int seen = semaphore.withPermit(semaphore::available);

        assertThat(seen).isEqualTo(2);
        assertThat(semaphore.available()).isEqualTo(3);
    }

    @Test
    void withPermitReleasesWhenTheBodyThrowsAndRethrowsUncheckedExceptionsAsTheyAre() {
        Semaphore semaphore = new Semaphore(1);
        IllegalArgumentException failure = new IllegalArgumentException("boom");

        assertThatThrownBy(() -> semaphore.withPermit(() -> {
                    throw failure;
                }))
                .isSameAs(failure);
        assertThat(semaphore.available()).isEqualTo(1);
    }

    @Test
    void withPermitWrapsCheckedExceptionsInTaskFailedException() {
        Semaphore semaphore = new Semaphore("files", 1);
        IOException failure = new IOException("disk");

        assertThatThrownBy(() -> semaphore.withPermit(() -> {
                    throw failure;
                }))
                .isInstanceOf(TaskFailedException.class)
                .hasCause(failure)
                .hasMessageContaining("'files'");
        assertThat(semaphore.available()).isEqualTo(1);
    }

    @Test
    void withPermitKeepsTheInterruptOfABodyThatThrewInterruptedException() {
        Semaphore semaphore = new Semaphore(1);

        assertThatThrownBy(() -> semaphore.withPermit(() -> {
                    throw new InterruptedException("stop");
                }))
                .isInstanceOf(TaskFailedException.class)
                .hasCauseInstanceOf(InterruptedException.class);

        assertThat(Thread.interrupted()).isTrue(); // also clears it for the next test
        assertThat(semaphore.available()).isEqualTo(1);
    }

    @Test
    void statsCountWhatHappened() {
        Semaphore semaphore = new Semaphore("stats", 2);
        semaphore.acquire();
        semaphore.acquire();
        semaphore.tryAcquire(Duration.ZERO);
        semaphore.release();

        SemaphoreStats stats = semaphore.stats();

        assertThat(stats).isEqualTo(new SemaphoreStats("stats", 2, 1, 0, 2, 1, 1, 0));
        assertThat(stats.inUse()).isEqualTo(1);
        assertThat(semaphore.toString()).contains("stats", "1/2");
    }

    // With a loop limit of 2, the main task and one other could run; every waiter must give its slot back to the
    // next one, or fewer than five would ever be queued at once.
    @Test
    void waitingForAPermitGivesTheLoopsAdmissionSlotBack() {
        Semaphore semaphore = new Semaphore(1);
        try (EventLoop limited =
                EventLoop.builder().name("limited").maxConcurrentTasks(2).build()) {
            int done = limited.run(() -> {
                semaphore.acquire();
                AtomicInteger finished = new AtomicInteger();
                List<Task<Integer>> waiters = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    waiters.add(limited.createTask(() -> semaphore.withPermit(finished::incrementAndGet)));
                }
                soon().until(() -> semaphore.waitingCount() == 5);
                semaphore.release();
                waiters.forEach(Suspension::join);
                return finished.get();
            });

            assertThat(done).isEqualTo(5);
        }
        assertThat(semaphore.available()).isEqualTo(1);
    }
}

package dev.asyncio.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.asyncio.core.EventLoop;
import dev.asyncio.core.Task;
import dev.asyncio.core.TaskState;
import dev.asyncio.exception.TaskCancelledException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * {@link Semaphore} and {@link AsyncQueue} at their edges: the interrupt status after a cancelled or interrupted wait,
 * join() once the unfinished count has dropped to zero, FIFO after a cancelled waiter, timeouts racing releases, and
 * shutdown with a blocked putter.
 */
class QueueAndSemaphoreEdgeCasesTest {
    private final EventLoop loop = EventLoop.builder().name("queue-edges").build();

    @AfterEach
    void closeTheLoop() {
        loop.close();
    }

    private static ConditionFactory soon() {
        return await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1));
    }

    /** What a task's body saw when a blocking call of the runtime threw {@link TaskCancelledException}. */
    private static final class Seen {
        final AtomicReference<@Nullable Thread> thread = new AtomicReference<>();
        final AtomicReference<@Nullable Throwable> thrown = new AtomicReference<>();
        final AtomicReference<@Nullable Boolean> interruptedAfterThrow = new AtomicReference<>();
        final AtomicReference<@Nullable Boolean> cleanupSleepInterrupted = new AtomicReference<>();

        /** Runs {@code blocking} in the body and records what the body sees when it throws. */
        Callable<Object> body(Callable<?> blocking) {
            return () -> {
                thread.set(Thread.currentThread());
                try {
                    return blocking.call();
                } catch (TaskCancelledException e) {
                    thrown.set(e);
                    interruptedAfterThrow.set(Thread.currentThread().isInterrupted());
                    try {
                        Thread.sleep(1); // a plain JDK call in cleanup: must work after a TaskCancelledException
                        cleanupSleepInterrupted.set(false);
                    } catch (InterruptedException interrupted) {
                        cleanupSleepInterrupted.set(true);
                    }
                    throw e;
                }
            };
        }
    }

    // ---- a foreign interrupt of a waiting task ---------------------------------------------------------------------

    // An interrupt the runtime did not send acts as cancel() of the current task, and the TaskCancelledException it
    // becomes clears the interrupt status, so plain JDK calls in cleanup work.
    @Test
    void aForeignInterruptOfATaskWaitingForAPermitThrowsWithTheInterruptStatusCleared() {
        Semaphore semaphore = new Semaphore("held", 1);
        semaphore.acquire(); // the test thread holds the only permit
        Seen seen = new Seen();
        Task<Object> task = loop.createTask(seen.body(() -> {
            semaphore.acquire();
            semaphore.release();
            return "acquired";
        }));
        try {
            soon().until(() -> semaphore.waitingCount() == 1);
            Thread thread = seen.thread.get();
            assertThat(thread).isNotNull();
            thread.interrupt(); // not sent by the runtime: acts as cancel()
            soon().until(task::isDone);

            assertThat(task.state()).isEqualTo(TaskState.CANCELLED);
            assertThat(seen.thrown.get()).isInstanceOf(TaskCancelledException.class);
            assertThat(seen.interruptedAfterThrow.get())
                    .as("interrupt status right after acquire() threw TaskCancelledException")
                    .isFalse();
            assertThat(seen.cleanupSleepInterrupted.get())
                    .as("a plain Thread.sleep in cleanup after the TaskCancelledException was interrupted")
                    .isFalse();
        } finally {
            semaphore.release();
        }
        assertThat(semaphore.available()).isEqualTo(1);
    }

    @Test
    void aForeignInterruptOfATaskWaitingForAnItemThrowsWithTheInterruptStatusCleared() {
        AsyncQueue<String> queue = new AsyncQueue<>();
        Seen seen = new Seen();
        Task<Object> task = loop.createTask(seen.body(queue::get));
        try {
            soon().until(() -> queue.waitingGetters() == 1);
            Thread thread = seen.thread.get();
            assertThat(thread).isNotNull();
            thread.interrupt();
            soon().until(task::isDone);

            assertThat(task.state()).isEqualTo(TaskState.CANCELLED);
            assertThat(seen.thrown.get()).isInstanceOf(TaskCancelledException.class);
            assertThat(seen.interruptedAfterThrow.get())
                    .as("interrupt status right after get() threw TaskCancelledException")
                    .isFalse();
            assertThat(seen.cleanupSleepInterrupted.get())
                    .as("a plain Thread.sleep in cleanup after the TaskCancelledException was interrupted")
                    .isFalse();
        } finally {
            queue.shutdown();
        }
        assertThat(queue.tryGet()).isEmpty();
    }

    // ---- join() and the moment the unfinished count drops to zero ---------------------------------------------------

    // As in Python's asyncio.Queue: when the count of unfinished items drops to zero, join() unblocks, even if a put
    // comes before the woken joiner gets the queue's lock (under steady traffic it would otherwise never return). To
    // make the interleaving deterministic, every carrier thread of the virtual-thread scheduler is kept busy while the
    // (platform) test thread does taskDone() and the next put, so the woken joiner cannot run in between.
    @RepeatedTest(3)
    void joinReturnsOnceTheUnfinishedCountHasDroppedToZeroEvenIfAnotherPutFollowsAtOnce() {
        AsyncQueue<String> queue = new AsyncQueue<>();
        queue.put("first");
        AtomicReference<@Nullable Thread> joiner = new AtomicReference<>();
        Task<Object> join = loop.createTask(() -> {
            joiner.set(Thread.currentThread());
            queue.join();
            return "joined";
        });
        int carriers = Integer.getInteger(
                "jdk.virtualThreadScheduler.parallelism", Runtime.getRuntime().availableProcessors());
        AtomicInteger spinning = new AtomicInteger();
        AtomicBoolean stopSpinning = new AtomicBoolean();
        try {
            soon().until(() -> {
                Thread thread = joiner.get();
                return thread != null && thread.getState() == Thread.State.WAITING;
            });
            for (int i = 0; i < carriers; i++) {
                Thread.ofVirtual().start(() -> {
                    spinning.incrementAndGet();
                    while (!stopSpinning.get()) {
                        Thread.onSpinWait();
                    }
                });
            }
            soon().until(() -> spinning.get() == carriers); // every carrier is busy: the joiner cannot run now

            assertThat(queue.get()).isEqualTo("first");
            queue.taskDone(); // the count drops to zero: join() must unblock
            assertThat(queue.tryPut("second")).isTrue(); // a producer goes on at once
            stopSpinning.set(true);

            soon().atMost(Duration.ofSeconds(2)).until(join::isDone);
            assertThat(join.state()).isEqualTo(TaskState.COMPLETED);
        } finally {
            stopSpinning.set(true);
            queue.tryGet().ifPresent(item -> queue.taskDone()); // lets a stuck join() return so the loop closes
        }
    }

    // ---- scenarios that hold (kept as regression tests) ------------------------------------------------------------

    // The rule for plain threads: TaskCancelledException and the interrupt status set again.
    @Test
    void anInterruptedPlainThreadWaitingForAPermitGetsACancellationAndKeepsItsInterruptStatus() throws Exception {
        Semaphore semaphore = new Semaphore(1);
        semaphore.acquire();
        AtomicReference<@Nullable Throwable> thrown = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread plain = Thread.ofPlatform().start(() -> {
            try {
                semaphore.acquire();
            } catch (Throwable e) {
                thrown.set(e);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        try {
            soon().until(() -> semaphore.waitingCount() == 1);
            plain.interrupt();
            plain.join(5_000);
            assertThat(plain.isAlive()).isFalse();
            assertThat(thrown.get()).isInstanceOf(TaskCancelledException.class);
            assertThat(stillInterrupted).isTrue();
        } finally {
            semaphore.release();
        }
        assertThat(semaphore.available()).isEqualTo(1);
    }

    // A runtime cancel of a waiting getter: TaskCancelledException with the interrupt cleared.
    @Test
    void aCancelledGetterThrowsWithTheInterruptStatusCleared() {
        AsyncQueue<String> queue = new AsyncQueue<>();
        Seen seen = new Seen();
        Task<Object> task = loop.createTask(seen.body(queue::get));
        soon().until(() -> queue.waitingGetters() == 1);
        task.cancel();
        soon().until(task::isDone);
        assertThat(seen.interruptedAfterThrow.get()).isFalse();
        assertThat(seen.cleanupSleepInterrupted.get()).isFalse();
    }

    // FIFO after a cancelled waiter, and under a loop limit of 1 the permit holder gets its slot back.
    @Test
    void fifoHoldsAfterACancelledWaiterUnderALoopLimit() {
        Semaphore semaphore = new Semaphore(1);
        StringBuffer order = new StringBuffer();
        try (EventLoop limited =
                EventLoop.builder().name("limited").maxConcurrentTasks(1).build()) {
            semaphore.acquire();
            Task<Object> a = limited.createTask(() -> semaphore.withPermit(() -> order.append('a')));
            soon().until(() -> semaphore.waitingCount() == 1);
            Task<Object> b = limited.createTask(() -> semaphore.withPermit(() -> order.append('b')));
            soon().until(() -> semaphore.waitingCount() == 2);
            Task<Object> c = limited.createTask(() -> semaphore.withPermit(() -> order.append('c')));
            soon().until(() -> semaphore.waitingCount() == 3);
            b.cancel();
            soon().until(b::isDone);
            semaphore.release();
            soon().until(() -> a.isDone() && c.isDone());
            assertThat(order.toString()).isEqualTo("ac");
            assertThat(b.state()).isEqualTo(TaskState.CANCELLED);
        }
        assertThat(semaphore.available()).isEqualTo(1);
    }

    // A timed waiter whose time runs out while the permit is released: the permit is never lost.
    @RepeatedTest(100)
    void aTimeoutRacingAReleaseNeverLosesThePermit() throws Exception {
        Semaphore semaphore = new Semaphore(1);
        semaphore.acquire();
        CountDownLatch waiting = new CountDownLatch(1);
        Task<Boolean> timed = loop.createTask(() -> {
            waiting.countDown();
            boolean taken = semaphore.tryAcquire(Duration.ofNanos(300_000));
            if (taken) {
                semaphore.release();
            }
            return taken;
        });
        waiting.await();
        semaphore.release();
        soon().until(timed::isDone);
        assertThat(timed.state()).isEqualTo(TaskState.COMPLETED);
        assertThat(semaphore.available()).isEqualTo(1);
        assertThat(semaphore.waitingCount()).isZero();
        SemaphoreStats stats = semaphore.stats();
        assertThat(stats.acquired()).isEqualTo(stats.released());
    }

    // join() under a limit of 1 gives its slot back so the consumer can run.
    @Test
    void joinGivesTheAdmissionSlotBackUnderALimitOfOne() {
        AsyncQueue<String> queue = new AsyncQueue<>(1);
        try (EventLoop limited =
                EventLoop.builder().name("limited").maxConcurrentTasks(1).build()) {
            String result = limited.run(() -> {
                queue.put("x");
                limited.createTask(() -> {
                    String item = queue.get();
                    queue.taskDone();
                    return item;
                });
                queue.join();
                return "joined";
            });
            assertThat(result).isEqualTo("joined");
        }
    }

    // Shutdown racing a blocked putter and a blocked getter: both throw QueueShutdownException, nothing inserted.
    @RepeatedTest(20)
    void shutdownWakesBlockedPutterWithoutInsertingItsItem() {
        AsyncQueue<String> queue = new AsyncQueue<>(1);
        queue.put("full");
        Task<Object> putter = loop.createTask(() -> {
            queue.put("late");
            return "put";
        });
        soon().until(() -> queue.waitingPutters() == 1);
        queue.shutdown();
        soon().until(putter::isDone);
        assertThat(putter.exception()).isInstanceOf(dev.asyncio.exception.QueueShutdownException.class);
        assertThat(queue.tryGet()).contains("full");
        assertThat(queue.tryGet()).isEmpty();
    }
}

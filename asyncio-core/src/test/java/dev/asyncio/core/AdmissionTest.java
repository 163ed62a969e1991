package dev.asyncio.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.asyncio.Asyncio;
import dev.asyncio.concurrency.GatherStrategy;
import dev.asyncio.concurrency.Semaphore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Priority admission: the limit holds, queues are FIFO with CONTROL first, and waiting gives the slot back. */
class AdmissionTest {
    private final EventLoop loop =
            EventLoop.builder().name("admission-test").maxConcurrentTasks(3).build();

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    @RepeatedTest(3)
    void neverMoreThanTheLimitRunAtOnce() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger highWater = new AtomicInteger();
        List<Task<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            tasks.add(loop.createTask(() -> {
                int now = running.incrementAndGet();
                highWater.accumulateAndGet(now, Math::max);
                Thread.yield();
                running.decrementAndGet();
                return 1;
            }));
        }
        assertThat(Asyncio.gather(tasks, GatherStrategy.FAIL_FAST)).hasSize(2_000);
        assertThat(highWater.get()).isLessThanOrEqualTo(3);
        assertThat(loop.stats().peakActive()).isLessThanOrEqualTo(3);
        assertThat(loop.maxConcurrentTasks()).isEqualTo(3);
    }

    @Test
    void tasksBeyondTheLimitWaitPendingUntilASlotFrees() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < 3; i++) {
            loop.createTask(() -> {
                release.await();
                return 0;
            });
        }
        await().until(() -> loop.stats().active() == 3);
        List<Task<Integer>> queued = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            queued.add(loop.schedule(() -> 1, i % 2 == 0 ? Priority.WORK : Priority.CONTROL, "q" + i));
        }
        assertThat(queued).allMatch(t -> t.state() == TaskState.PENDING);
        assertThat(loop.stats().pending()).isEqualTo(5);
        release.countDown();
        assertThat(Asyncio.gather(queued, GatherStrategy.WAIT_ALL)).containsExactly(1, 1, 1, 1, 1);
        assertThat(loop.stats().pending()).isZero();
    }

    @Test
    void withALimitOfOneTheStartOrderIsExactlyControlFifoThenWorkFifo() throws Exception {
        try (EventLoop single = EventLoop.builder().maxConcurrentTasks(1).build()) {
            CountDownLatch release = new CountDownLatch(1);
            Task<Integer> holder = single.createTask(() -> {
                release.await();
                return 0;
            });
            List<String> order = new CopyOnWriteArrayList<>();
            List<Task<Boolean>> queued = new ArrayList<>();
            queued.add(single.schedule(() -> order.add("w1"), Priority.WORK, "w1"));
            queued.add(single.schedule(() -> order.add("c1"), Priority.CONTROL, "c1"));
            queued.add(single.schedule(() -> order.add("w2"), Priority.WORK, "w2"));
            queued.add(single.schedule(() -> order.add("c2"), Priority.CONTROL, "c2"));
            release.countDown();
            Asyncio.await(holder);
            Asyncio.gather(queued, GatherStrategy.WAIT_ALL);
            assertThat(order).containsExactly("c1", "c2", "w1", "w2");
        }
    }

    @Test
    void systemTasksAreNeverQueued() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < 3; i++) {
            loop.createTask(() -> {
                release.await();
                return 0;
            });
        }
        Task<String> system = loop.schedule(() -> "ran", Priority.SYSTEM, "housekeeping");
        assertThat(Asyncio.await(system)).isEqualTo("ran");
        release.countDown();
    }

    @Test
    void parentsAwaitingChildrenNeverDeadlockUnderTheLimit() {
        // 3 slots, 10 parents each awaiting 5 children: only works if waiting gives the slot back
        int total = loop.run(() -> {
            List<Task<Integer>> parents = new ArrayList<>();
            for (int p = 0; p < 10; p++) {
                parents.add(Asyncio.createTask(() -> {
                    List<Task<Integer>> children = new ArrayList<>();
                    for (int c = 0; c < 5; c++) {
                        children.add(Asyncio.createTask(() -> {
                            Asyncio.sleep(1);
                            return 1;
                        }));
                    }
                    int sum = 0;
                    for (int v : Asyncio.gather(children, GatherStrategy.FAIL_FAST)) {
                        sum += v;
                    }
                    return sum;
                }));
            }
            int sum = 0;
            for (int v : Asyncio.gather(parents, GatherStrategy.FAIL_FAST)) {
                sum += v;
            }
            return sum;
        });
        assertThat(total).isEqualTo(50);
    }

    @Test
    void cancellingAPendingTaskRemovesItFromTheQueue() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < 3; i++) {
            loop.createTask(() -> {
                release.await();
                return 0;
            });
        }
        await().until(() -> loop.stats().active() == 3); // the holders hold their slots before we count the queue
        AtomicInteger ran = new AtomicInteger();
        List<Task<Integer>> queued = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            queued.add(loop.createTask(() -> ran.incrementAndGet()));
        }
        for (int i = 0; i < 100; i += 2) {
            queued.get(i).cancel();
        }
        assertThat(loop.stats().pending()).isEqualTo(50);
        release.countDown();
        Asyncio.gatherOutcomes(queued);
        assertThat(ran).hasValue(50);
    }

    @Test
    void waitTimeMeasuresTheTimeSpentPending() throws Exception {
        try (EventLoop single = EventLoop.builder().maxConcurrentTasks(1).build()) {
            CountDownLatch release = new CountDownLatch(1);
            single.createTask(() -> {
                release.await();
                return 0;
            });
            Task<Integer> queued = single.createTask(() -> 1);
            Thread.sleep(20); // the duration being measured, not synchronisation
            release.countDown();
            Asyncio.await(queued);
            assertThat(queued.stats().waitTime()).isGreaterThanOrEqualTo(Duration.ofMillis(20));
        }
    }

    @Test
    void aCancelledTaskResumingFromAWaitTakesItsSlotBackAtOnceToUnwind() throws Exception {
        try (EventLoop single = EventLoop.builder().maxConcurrentTasks(1).build()) {
            CountDownLatch waiting = new CountDownLatch(1);
            CountDownLatch never = new CountDownLatch(1);
            Task<Integer> waiter = single.createTask(() -> {
                waiting.countDown();
                return Asyncio.await(single.createTask(() -> {
                    never.await(); // holds the only slot
                    return 1;
                }));
            });
            waiting.await();
            await().until(() -> single.stats().active() == 2); // the waiter gave its slot to the child
            waiter.cancel();
            Suspension.joinUninterruptibly(waiter); // it could unwind although the slot is taken
            assertThat(waiter.isCancelled()).isTrue();
            never.countDown();
        }
    }

    /**
     * Limit 1: a task waiting to take its slot back (another task holds it) is cancelled there; queued tasks and
     * cancellations must not leak or double-count a slot: afterwards, exactly one task runs at a time again and new
     * tasks still start.
     */
    @Test
    void aTaskCancelledWhileTakingItsSlotBackLeaksNoSlot() throws Exception {
        try (EventLoop loop = EventLoop.builder()
                .name("admission-reacquire")
                .maxConcurrentTasks(1)
                .build()) {
            Semaphore gate = new Semaphore(1);
            gate.tryAcquire();
            CountDownLatch holderRunning = new CountDownLatch(1);
            CountDownLatch releaseHolder = new CountDownLatch(1);
            AtomicReference<Task<String>> holder = new AtomicReference<>();
            Task<String> waiter = loop.createTask("waiter", () -> {
                holder.set(loop.createTask("holder", () -> {
                    holderRunning.countDown();
                    while (true) {
                        try {
                            releaseHolder.await(); // ignores its interrupts: it keeps the slot until released
                            break;
                        } catch (InterruptedException ignored) {
                            // keep waiting
                        }
                    }
                    return "held";
                }));
                gate.acquire(); // gives the slot back: the holder starts and keeps it
                return "resumed";
            });
            assertThat(holderRunning.await(5, TimeUnit.SECONDS)).isTrue();
            Task<String> queued = loop.createTask("queued", () -> "ran");
            gate.release(); // the waiter now waits to take a slot back, behind nobody, but the holder has it
            await().until(() -> waiter.state() == TaskState.RUNNING);
            assertThat(waiter.cancel()).isTrue();
            await().until(waiter::isDone);
            assertThat(queued.isDone()).isFalse();
            releaseHolder.countDown();
            assertThat(queued.toCompletableFuture())
                    .succeedsWithin(Duration.ofSeconds(10))
                    .isEqualTo("ran");
            AtomicInteger running = new AtomicInteger();
            AtomicInteger highWater = new AtomicInteger();
            List<Task<Integer>> batch = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                batch.add(loop.createTask(() -> {
                    highWater.accumulateAndGet(running.incrementAndGet(), Math::max);
                    Thread.sleep(1);
                    running.decrementAndGet();
                    return 1;
                }));
            }
            for (Task<Integer> task : batch) {
                assertThat(task.toCompletableFuture()).succeedsWithin(Duration.ofSeconds(10));
            }
            assertThat(highWater.get()).isEqualTo(1);
        }
    }

    /** Cancelling queued tasks keeps the start order: CONTROL before WORK, FIFO within each. */
    @Test
    void cancellingQueuedTasksKeepsPriorityAndFifoOrder() throws Exception {
        try (EventLoop loop = EventLoop.builder()
                .name("admission-order")
                .maxConcurrentTasks(1)
                .build()) {
            CountDownLatch release = new CountDownLatch(1);
            loop.createTask("blocker", () -> {
                release.await();
                return 0;
            });
            await().until(() -> loop.stats().active() == 1);
            List<String> order = new CopyOnWriteArrayList<>();
            List<Task<String>> queued = new ArrayList<>();
            String[] names = {"w1", "c1", "w2", "c2", "w3", "c3", "w4"};
            for (String name : names) {
                Priority priority = name.startsWith("c") ? Priority.CONTROL : Priority.WORK;
                queued.add(loop.schedule(
                        () -> {
                            order.add(name);
                            return name;
                        },
                        priority,
                        name));
            }
            queued.get(1).cancel(); // c1
            queued.get(2).cancel(); // w2
            release.countDown();
            for (Task<String> task : queued) {
                await().until(task::isDone);
            }
            assertThat(order).containsExactly("c2", "c3", "w1", "w3", "w4");
        }
    }
}

package dev.asyncio.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.asyncio.Asyncio;
import dev.asyncio.core.EventLoop;
import dev.asyncio.core.Task;
import dev.asyncio.core.TaskState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Thousands of tasks and racing cancellations: the permit count always comes back whole and is never exceeded. */
class SemaphoreStressTest {
    private static final int TASKS = 5_000;
    private static final int ROUNDS = 4;
    private static final int PERMITS = 8;

    private final List<EventLoop> loops = new ArrayList<>();

    @AfterEach
    void closeTheLoops() {
        loops.forEach(EventLoop::close);
    }

    /** A loop of its own; {@code maxConcurrentTasks} 0 means no limit. */
    private EventLoop loop(int maxConcurrentTasks) {
        EventLoop.Builder builder = EventLoop.builder().name("semaphore-stress");
        if (maxConcurrentTasks > 0) {
            builder.maxConcurrentTasks(maxConcurrentTasks);
        }
        EventLoop loop = builder.build();
        loops.add(loop);
        return loop;
    }

    private static ConditionFactory soon() {
        return await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1));
    }

    // A random third of the tasks is cancelled while they wait, hold or time out; a quarter use timed tries. Run with
    // no loop limit and with one, so that waiting also hands admission slots around.
    @ParameterizedTest(name = "maxConcurrentTasks = {0}")
    @SuppressWarnings("ThreadPriorityCheck") // yield only varies how far a victim gets before its cancellation
    @ValueSource(ints = {0, 16})
    void thousandsOfTasksWithRandomCancellationsLeaveEveryPermitFreeAndNeverExceedTheLimit(int maxConcurrentTasks) {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Semaphore semaphore = new Semaphore("stress", PERMITS);
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger highWater = new AtomicInteger();
        AtomicInteger rounds = new AtomicInteger();
        EventLoop loop = loop(maxConcurrentTasks);

        List<Task<Object>> tasks = loop.run(() -> {
            List<Task<Object>> created = new ArrayList<>(TASKS);
            for (int i = 0; i < TASKS; i++) {
                boolean timed = i % 4 == 0;
                created.add(Asyncio.createTask(() -> {
                    for (int r = 0; r < ROUNDS; r++) {
                        if (timed) {
                            if (!semaphore.tryAcquire(Duration.ofNanos(200_000))) {
                                continue;
                            }
                        } else {
                            semaphore.acquire();
                        }
                        try {
                            highWater.accumulateAndGet(holders.incrementAndGet(), Math::max);
                            Asyncio.sleep(Duration.ZERO); // a cancellation point while holding
                            rounds.incrementAndGet();
                        } finally {
                            holders.decrementAndGet();
                            semaphore.release();
                        }
                    }
                    return null;
                }));
            }
            List<Task<Object>> victims = new ArrayList<>(created);
            Collections.shuffle(victims, random);
            for (Task<Object> victim : victims.subList(0, TASKS / 3)) {
                victim.cancel();
                if (random.nextInt(8) == 0) {
                    Thread.yield(); // let some victims get further before they are cancelled
                }
            }
            Asyncio.gatherOutcomes(created);
            return created;
        });

        String context = "seed " + seed;
        assertThat(tasks).as(context).allMatch(task -> task.state() != TaskState.FAILED);
        assertThat(tasks).as(context).anyMatch(Task::isCancelled);
        assertThat(highWater.get()).as(context).isBetween(1, PERMITS);
        assertThat(holders.get()).as(context).isZero();
        assertThat(semaphore.available()).as(context).isEqualTo(semaphore.max());
        assertThat(semaphore.waitingCount()).as(context).isZero();
        SemaphoreStats stats = semaphore.stats();
        assertThat(stats.acquired()).as(context).isEqualTo(stats.released()).isGreaterThanOrEqualTo(rounds.get());
    }

    // Release and cancel race for the first waiter; a second waiter proves the permit is passed on, never stranded.
    @RepeatedTest(300)
    void aReleaseRacingTheCancellationOfTheWaiterNeitherLosesNorLeaksAPermit() throws InterruptedException {
        Semaphore semaphore = new Semaphore(1);
        EventLoop loop = loop(0);
        semaphore.acquire();
        Task<Object> first = loop.createTask(() -> {
            semaphore.acquire();
            semaphore.release();
            return "first";
        });
        soon().until(() -> semaphore.waitingCount() == 1);
        Task<Object> second = loop.createTask(() -> {
            semaphore.acquire();
            semaphore.release();
            return "second";
        });
        soon().until(() -> semaphore.waitingCount() == 2);

        CountDownLatch go = new CountDownLatch(1);
        Thread releaser = Thread.ofPlatform().start(() -> {
            awaitQuietly(go);
            semaphore.release();
        });
        Thread canceller = Thread.ofPlatform().start(() -> {
            awaitQuietly(go);
            first.cancel();
        });
        go.countDown();
        releaser.join();
        canceller.join();
        soon().until(() -> first.isDone() && second.isDone());

        assertThat(second.state()).isEqualTo(TaskState.COMPLETED);
        assertThat(first.state()).isIn(TaskState.COMPLETED, TaskState.CANCELLED);
        assertThat(semaphore.available()).isEqualTo(1);
        assertThat(semaphore.waitingCount()).isZero();
        SemaphoreStats stats = semaphore.stats();
        assertThat(stats.acquired()).isEqualTo(stats.released());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.asyncio.stress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asyncio.Asyncio;
import dev.asyncio.concurrency.AsyncQueue;
import dev.asyncio.concurrency.Semaphore;
import dev.asyncio.concurrency.TaskGroup;
import dev.asyncio.core.CancellationScope;
import dev.asyncio.core.EventLoop;
import dev.asyncio.core.LoopStats;
import dev.asyncio.core.Task;
import dev.asyncio.exception.GatherException;
import dev.asyncio.exception.TaskTimeoutException;
import dev.asyncio.testing.TrivialTasks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Long runs, outside the default build: {@code ./mvnw verify -Pstress}. */
@Tag("stress")
class SoakTest {

    @Test
    void aMillionTasksGatheredGiveTheExactSum() {
        int n = 1_000_000;
        try (EventLoop loop = EventLoop.builder().name("million").build()) {
            assertThat(TrivialTasks.spawnAndSum(loop, n)).isEqualTo((long) n * (n + 1) / 2);
            LoopStats stats = loop.stats();
            assertThat(stats.completed()).isEqualTo(n + 1L); // and main
            assertThat(stats.live()).isZero();
        }
    }

    @Test
    void aMinuteOfMixedWorkLeavesBalancedCountersAndNothingRunning() {
        Duration length = Duration.ofSeconds(Long.getLong("soak.seconds", 60));
        AtomicLong rounds = new AtomicLong();
        try (EventLoop loop =
                EventLoop.builder().name("soak").maxConcurrentTasks(64).build()) {
            Semaphore semaphore = new Semaphore("soak", 8);
            AsyncQueue<Integer> queue = new AsyncQueue<>(32);
            long end = System.nanoTime() + length.toNanos();
            while (System.nanoTime() < end) {
                loop.run(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    List<Task<Integer>> tasks = new ArrayList<>();
                    for (int i = 0; i < 200; i++) {
                        int kind = random.nextInt(6);
                        tasks.add(Asyncio.createTask(() -> work(kind, semaphore, queue)));
                    }
                    for (int i = 0; i < 20; i++) {
                        tasks.get(random.nextInt(tasks.size())).cancel();
                    }
                    Asyncio.gatherOutcomes(tasks);
                    rounds.incrementAndGet();
                    return null;
                });
                LoopStats stats = loop.stats();
                assertThat(stats.completed() + stats.failed() + stats.cancelled() + stats.live())
                        .isEqualTo(stats.created());
            }
            assertThat(loop.stats().live()).isZero();
            assertThat(semaphore.available()).isEqualTo(8);
        }
        assertThat(rounds.get()).isPositive();
    }

    private static int work(int kind, Semaphore semaphore, AsyncQueue<Integer> queue) {
        switch (kind) {
            case 0 -> {
                return semaphore.withPermit(() -> {
                    Asyncio.sleep(1);
                    return 1;
                });
            }
            case 1 -> {
                if (queue.tryPut(1)) {
                    return queue.tryGet().orElse(0);
                }
                return 0;
            }
            case 2 -> {
                try {
                    return CancellationScope.withTimeout(Duration.ofMillis(2), () -> {
                        Asyncio.sleep(5);
                        return 1;
                    });
                } catch (TaskTimeoutException expected) {
                    return 0;
                }
            }
            case 3 -> {
                try {
                    return TaskGroup.run(group -> {
                        group.spawn(() -> 1);
                        group.spawn(() -> {
                            throw new IllegalStateException("planned");
                        });
                        return 0;
                    });
                } catch (GatherException expected) {
                    return 0;
                }
            }
            case 4 -> throw new IllegalStateException("planned failure");
            default -> {
                Asyncio.sleep(ThreadLocalRandom.current().nextInt(3));
                return 1;
            }
        }
    }
}

package dev.asyncio.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.asyncio.Asyncio;
import dev.asyncio.core.EventLoop;
import dev.asyncio.core.Task;
import dev.asyncio.core.TaskState;
import dev.asyncio.exception.QueueShutdownException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Many producers and consumers, with and without cancellations and a loop limit: every item arrives exactly once. */
class AsyncQueueStressTest {
    private static final int PRODUCERS = 8;
    private static final int CONSUMERS = 8;
    private static final int ITEMS_PER_PRODUCER = 5_000;
    private static final int CAPACITY = 64;

    private final List<EventLoop> loops = new ArrayList<>();

    @AfterEach
    void closeTheLoops() {
        loops.forEach(EventLoop::close);
    }

    private EventLoop loop(String name) {
        EventLoop loop = EventLoop.builder().name(name).build();
        loops.add(loop);
        return loop;
    }

    // Items are numbered producer * ITEMS_PER_PRODUCER + i; each consumer also checks it sees each producer's items
    // in increasing order, which FIFO implies for any one consumer.
    @Test
    void eightProducersAndEightConsumersDeliverEveryItemExactlyOnceInOrderAndWithinCapacity() {
        AsyncQueue<Integer> queue = new AsyncQueue<>(CAPACITY);
        int total = PRODUCERS * ITEMS_PER_PRODUCER;
        AtomicIntegerArray deliveries = new AtomicIntegerArray(total);
        AtomicInteger overCapacity = new AtomicInteger();
        AtomicInteger outOfOrder = new AtomicInteger();

        loop("queue-stress").run(() -> {
            List<Task<Object>> producers = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                int first = p * ITEMS_PER_PRODUCER;
                producers.add(Asyncio.createTask("producer-" + p, () -> {
                    for (int i = 0; i < ITEMS_PER_PRODUCER; i++) {
                        queue.put(first + i);
                        if (queue.size() > CAPACITY) {
                            overCapacity.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            List<Task<Object>> consumers = new ArrayList<>();
            for (int c = 0; c < CONSUMERS; c++) {
                consumers.add(Asyncio.createTask("consumer-" + c, () -> {
                    int[] lastSeen = new int[PRODUCERS];
                    Arrays.fill(lastSeen, -1);
                    while (true) {
                        int item;
                        try {
                            item = queue.get();
                        } catch (QueueShutdownException drained) {
                            return null;
                        }
                        deliveries.incrementAndGet(item);
                        int producer = item / ITEMS_PER_PRODUCER;
                        if (item <= lastSeen[producer]) {
                            outOfOrder.incrementAndGet();
                        }
                        lastSeen[producer] = item;
                        queue.taskDone();
                    }
                }));
            }
            Asyncio.gather(producers, GatherStrategy.FAIL_FAST);
            queue.join();
            queue.shutdown();
            Asyncio.gather(consumers, GatherStrategy.FAIL_FAST);
            return null;
        });

        assertThat(overCapacity).hasValue(0);
        assertThat(outOfOrder).hasValue(0);
        for (int item = 0; item < total; item++) {
            assertThat(deliveries.get(item)).as("deliveries of item %d", item).isEqualTo(1);
        }
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.waitingGetters()).isZero();
        assertThat(queue.waitingPutters()).isZero();
    }

    // A small queue keeps producers and consumers blocked most of the time, so cancellations mostly hit waiters.
    // Whatever is cancelled, items that went in either came out of a get or are still queued: none lost, none twice.
    @RepeatedTest(5)
    @SuppressWarnings("ThreadPriorityCheck") // yield only spreads the cancellations over the run
    void cancellingBlockedGettersAndPuttersLosesNoItem() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        AsyncQueue<Integer> queue = new AsyncQueue<>(4);
        int producers = 16;
        int consumers = 16;
        int itemsPerProducer = 500;
        int total = producers * itemsPerProducer;
        AtomicIntegerArray putCount = new AtomicIntegerArray(total);
        AtomicIntegerArray getCount = new AtomicIntegerArray(total);

        List<Task<Object>> tasks = loop("queue-cancel-stress").run(() -> {
            List<Task<Object>> all = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int first = p * itemsPerProducer;
                all.add(Asyncio.createTask(() -> {
                    for (int i = 0; i < itemsPerProducer; i++) {
                        queue.put(first + i);
                        putCount.incrementAndGet(first + i);
                    }
                    return null;
                }));
            }
            for (int c = 0; c < consumers; c++) {
                all.add(Asyncio.createTask(() -> {
                    while (true) {
                        getCount.incrementAndGet(queue.get());
                    }
                }));
            }
            List<Task<Object>> victims = new ArrayList<>(all);
            Collections.shuffle(victims, random);
            for (Task<Object> victim : victims.subList(0, all.size() / 3)) {
                victim.cancel();
                Thread.yield();
            }
            // Consumers left alone never end by themselves: stop them once the surviving producers are done.
            Asyncio.gatherOutcomes(all.subList(0, producers));
            all.subList(producers, all.size()).forEach(Task::cancel);
            Asyncio.gatherOutcomes(all);
            return all;
        });

        List<Integer> leftOver = new ArrayList<>();
        for (Optional<Integer> item = queue.tryGet(); item.isPresent(); item = queue.tryGet()) {
            leftOver.add(item.get());
        }
        String context = "seed " + seed;
        assertThat(tasks).as(context).allMatch(task -> task.state() != TaskState.FAILED);
        int delivered = 0;
        for (int item = 0; item < total; item++) {
            int out = getCount.get(item) + (leftOver.contains(item) ? 1 : 0);
            assertThat(out)
                    .as("%s: item %d put %d times, out %d times", context, item, putCount.get(item), out)
                    .isEqualTo(putCount.get(item))
                    .isLessThanOrEqualTo(1);
            delivered += getCount.get(item);
        }
        assertThat(delivered).as(context).isPositive();
        assertThat(queue.waitingGetters()).isZero();
        assertThat(queue.waitingPutters()).isZero();
    }

    // Main plus one task may run at a time, yet eight producers and consumers share a two-item queue: only tasks that
    // give their slot back while they wait can all make progress. A deadlock would end in the timeout below.
    @Test
    void producersAndConsumersOutnumberingTheLoopLimitStillFinish() throws Exception {
        AsyncQueue<Integer> queue = new AsyncQueue<>(2);
        AtomicInteger received = new AtomicInteger();
        EventLoop limited =
                EventLoop.builder().name("queue-limited").maxConcurrentTasks(2).build();
        loops.add(limited);

        CompletableFuture<Object> run = CompletableFuture.supplyAsync(() -> limited.run(() -> {
            List<Task<Object>> tasks = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                tasks.add(Asyncio.createTask(() -> {
                    for (int i = 0; i < 500; i++) {
                        queue.get();
                        received.incrementAndGet();
                        queue.taskDone();
                    }
                    return null;
                }));
            }
            for (int p = 0; p < 4; p++) {
                tasks.add(Asyncio.createTask(() -> {
                    for (int i = 0; i < 500; i++) {
                        queue.put(i);
                    }
                    return null;
                }));
            }
            queue.join();
            Asyncio.gather(tasks, GatherStrategy.FAIL_FAST);
            return "done";
        }));

        assertThatCode(() -> run.get(30, TimeUnit.SECONDS)).doesNotThrowAnyException();
        assertThat(received).hasValue(2_000);
        assertThat(queue.isEmpty()).isTrue();
    }
}

package dev.asyncio.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.asyncio.core.EventLoop;
import dev.asyncio.core.Task;
import dev.asyncio.core.TaskState;
import dev.asyncio.exception.QueueShutdownException;
import dev.asyncio.exception.TaskCancelledException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.awaitility.core.ConditionFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** The queue's rules, one at a time: capacity, order, waiting, cancellation, shutdown, taskDone and join. */
class AsyncQueueTest {
    private final EventLoop loop = EventLoop.builder().name("queue-test").build();

    @AfterEach
    void closeTheLoop() {
        loop.close();
    }

    private static ConditionFactory soon() {
        return await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1));
    }

    @Test
    void aNegativeCapacityIsRefusedAndZeroMeansUnbounded() {
        assertThatThrownBy(() -> new AsyncQueue<String>(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was -1");

        AsyncQueue<Integer> unbounded = new AsyncQueue<>();
        for (int i = 0; i < 10_000; i++) {
            assertThat(unbounded.tryPut(i)).isTrue();
        }
        assertThat(unbounded.size()).isEqualTo(10_000);
        assertThat(unbounded.capacity()).isZero();
        assertThat(new AsyncQueue<String>(0).capacity()).isZero();
    }

    @Test
    @SuppressWarnings("NullAway") // passes null on purpose
    void nullItemsAreRefused() {
        AsyncQueue<String> queue = new AsyncQueue<>();

        assertThatThrownBy(() -> queue.put(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("item");
        assertThatThrownBy(() -> queue.tryPut(null)).isInstanceOf(NullPointerException.class);
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void itemsComeOutInTheOrderTheyWentIn() {
        AsyncQueue<Integer> queue = new AsyncQueue<>(100);
        for (int i = 0; i < 100; i++) {
            queue.put(i);
        }

        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            out.add(queue.get());
        }
        queue.tryGet().ifPresent(out::add);
        while (!queue.isEmpty()) {
            out.add(queue.get());
        }

        assertThat(out)
                .containsExactlyElementsOf(IntStream.range(0, 100).boxed().toList());
    }

    @Test
    void tryPutFailsWhenFullAndTryGetIsEmptyWhenEmpty() {
        AsyncQueue<String> queue = new AsyncQueue<>(2);

        assertThat(queue.tryGet()).isEmpty();
        assertThat(queue.tryPut("a")).isTrue();
        assertThat(queue.tryPut("b")).isTrue();
        assertThat(queue.tryPut("c")).isFalse();
        assertThat(queue.size()).isEqualTo(2);
        assertThat(queue.tryGet()).contains("a");
        assertThat(queue.tryPut("c")).isTrue();
        assertThat(queue.toString()).contains("2/2");
    }

    @Test
    void aGetterWaitsUntilAnItemIsPut() {
        AsyncQueue<String> queue = new AsyncQueue<>();
        Task<String> getter = loop.createTask(queue::get);
        soon().until(() -> queue.waitingGetters() == 1);

        queue.put("x");
        soon().until(getter::isDone);

        assertThat(getter.result()).isEqualTo("x");
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void aPutterWaitsWhileTheQueueIsFullAndGoesOnWhenAnItemIsTaken() {
        AsyncQueue<String> queue = new AsyncQueue<>(1);
        queue.put("first");
        Task<Object> putter = loop.createTask(() -> {
            queue.put("second");
            return null;
        });
        soon().until(() -> queue.waitingPutters() == 1);
        assertThat(queue.size()).isEqualTo(1);

        assertThat(queue.get()).isEqualTo("first");
        soon().until(putter::isDone);

        assertThat(putter.state()).isEqualTo(TaskState.COMPLETED);
        assertThat(queue.get()).isEqualTo("second");
    }

    @Test
    void aCancelledGetterTakesNoItem() {
        AsyncQueue<String> queue = new AsyncQueue<>();
        Task<String> getter = loop.createTask(queue::get);
        soon().until(() -> queue.waitingGetters() == 1);

        getter.cancel();
        soon().until(getter::isDone);
        queue.put("kept");

        assertThat(getter.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(queue.waitingGetters()).isZero();
        assertThat(queue.tryGet()).contains("kept");
    }

    @Test
    void aCancelledPutterInsertsNothing() {
        AsyncQueue<String> queue = new AsyncQueue<>(1);
        queue.put("first");
        Task<Object> putter = loop.createTask(() -> {
            queue.put("never");
            return null;
        });
        soon().until(() -> queue.waitingPutters() == 1);

        putter.cancel();
        soon().until(putter::isDone);

        assertThat(putter.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(queue.get()).isEqualTo("first");
        assertThat(queue.tryGet()).isEmpty();
        assertThat(queue.waitingPutters()).isZero();
    }

    @Test
    void putAndGetInACancelledTaskThrowWithoutTouchingTheQueue() {
        AsyncQueue<String> queue = new AsyncQueue<>();
        queue.put("waiting");
        AtomicInteger cancellations = new AtomicInteger();
        Task<Object> task = loop.createTask(() -> {
            Objects.requireNonNull(Task.current()).cancel();
            for (Runnable call : List.<Runnable>of(queue::get, () -> queue.put("new"), queue::join)) {
                try {
                    call.run();
                } catch (TaskCancelledException expected) {
                    cancellations.incrementAndGet();
                }
            }
            return null;
        });
        soon().until(task::isDone);

        assertThat(cancellations).hasValue(3);
        assertThat(queue.tryGet()).contains("waiting");
        assertThat(queue.tryGet()).isEmpty();
    }

    // The put and the cancellation race for the first getter; whoever wins, the item must reach one getter's body.
    @RepeatedTest(100)
    void aWakeUpMeantForACancelledGetterReachesAnotherGetter() throws InterruptedException {
        AsyncQueue<String> queue = new AsyncQueue<>();
        AtomicInteger received = new AtomicInteger();
        Callable<String> getter = () -> {
            String item = queue.get();
            received.incrementAndGet();
            return item;
        };
        Task<String> first = loop.createTask(getter);
        soon().until(() -> queue.waitingGetters() == 1);
        Task<String> second = loop.createTask(getter);
        soon().until(() -> queue.waitingGetters() == 2);

        CountDownLatch go = new CountDownLatch(1);
        Thread putter = Thread.ofPlatform().start(() -> {
            awaitQuietly(go);
            queue.put("item");
        });
        go.countDown();
        first.cancel();
        putter.join();

        soon().until(() -> received.get() == 1);
        first.cancel();
        second.cancel();
        soon().until(() -> first.isDone() && second.isDone());
        assertThat(received).hasValue(1);
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.waitingGetters()).isZero();
    }

    @Test
    void afterShutdownGetDrainsWhatIsLeftThenThrows() {
        AsyncQueue<String> queue = new AsyncQueue<>();
        queue.put("a");
        queue.put("b");

        queue.shutdown();

        assertThat(queue.isShutdown()).isTrue();
        assertThat(queue.get()).isEqualTo("a");
        assertThat(queue.tryGet()).contains("b");
        assertThat(queue.tryGet()).isEmpty();
        assertThatThrownBy(queue::get)
                .isInstanceOf(QueueShutdownException.class)
                .hasMessageContaining("shut down and empty");
    }

    @Test
    void afterShutdownPutAndTryPutThrowAndASecondShutdownIsHarmless() {
        AsyncQueue<String> queue = new AsyncQueue<>(5);
        queue.shutdown();
        queue.shutdown();

        assertThatThrownBy(() -> queue.put("late")).isInstanceOf(QueueShutdownException.class);
        assertThatThrownBy(() -> queue.tryPut("late")).isInstanceOf(QueueShutdownException.class);
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.toString()).contains("shut down");
    }

    @Test
    void blockedGettersAndPuttersWakeUpOnShutdownAndThrow() {
        AsyncQueue<String> empty = new AsyncQueue<>();
        AsyncQueue<String> full = new AsyncQueue<>(1);
        full.put("only");
        List<Task<?>> waiters = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiters.add(loop.createTask(empty::get));
            waiters.add(loop.createTask(() -> {
                full.put("more");
                return null;
            }));
        }
        soon().until(() -> empty.waitingGetters() == 3 && full.waitingPutters() == 3);

        empty.shutdown();
        full.shutdown();
        soon().until(() -> waiters.stream().allMatch(Task::isDone));

        assertThat(waiters).allSatisfy(task -> {
            assertThat(task.state()).isEqualTo(TaskState.FAILED);
            assertThat(task.exception()).isInstanceOf(QueueShutdownException.class);
        });
        assertThat(full.get()).isEqualTo("only");
    }

    @Test
    void joinReturnsOnceEveryItemPutHasBeenMarkedDone() {
        AsyncQueue<String> queue = new AsyncQueue<>();
        queue.join(); // nothing put: returns at once
        queue.put("a");
        queue.put("b");
        Task<Object> joiner = loop.createTask(() -> {
            queue.join();
            return null;
        });

        queue.get();
        queue.get();
        queue.taskDone();
        assertThat(joiner.isDone()).isFalse(); // one item is still unfinished
        queue.taskDone();
        soon().until(joiner::isDone);

        assertThat(joiner.state()).isEqualTo(TaskState.COMPLETED);
    }

    @Test
    void taskDoneMoreTimesThanItemsWerePutThrows() {
        AsyncQueue<String> queue = new AsyncQueue<>();
        queue.put("a");
        queue.taskDone();

        assertThatThrownBy(queue::taskDone)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("more times than items were put");
    }

    @Test
    void aWaitingJoinIsCancellable() {
        AsyncQueue<String> queue = new AsyncQueue<>();
        queue.put("never done");
        AtomicReference<@Nullable Thread> joinerThread = new AtomicReference<>();
        Task<Object> joiner = loop.createTask(() -> {
            joinerThread.set(Thread.currentThread());
            queue.join();
            return null;
        });
        soon().until(() -> isParked(joinerThread.get()));

        joiner.cancel();
        soon().until(joiner::isDone);

        assertThat(joiner.state()).isEqualTo(TaskState.CANCELLED);
    }

    @Test
    void shutdownDoesNotReleaseJoinButProcessingTheRestDoes() {
        AsyncQueue<String> queue = new AsyncQueue<>();
        queue.put("a");
        AtomicReference<@Nullable Thread> joinerThread = new AtomicReference<>();
        Task<Object> joiner = loop.createTask(() -> {
            joinerThread.set(Thread.currentThread());
            queue.join();
            return null;
        });
        soon().until(() -> isParked(joinerThread.get()));

        queue.shutdown();
        assertThat(joiner.isDone()).isFalse();
        Optional<String> item = queue.tryGet();
        queue.taskDone();
        soon().until(joiner::isDone);

        assertThat(item).contains("a");
        assertThat(joiner.state()).isEqualTo(TaskState.COMPLETED);
    }

    /** The only place the thread can park in these tests is the queue's wait. */
    private static boolean isParked(@Nullable Thread thread) {
        return thread != null && thread.getState() == Thread.State.WAITING;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

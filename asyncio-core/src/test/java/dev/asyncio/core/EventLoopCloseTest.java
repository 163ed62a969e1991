package dev.asyncio.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.asyncio.core.observe.TaskEvent;
import dev.asyncio.resource.AsyncResource;
import dev.asyncio.resource.AsyncResourceManager;
import dev.asyncio.testing.LogCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Closing a loop: what a bounded close leaves behind, closes from observers and timer callbacks (each bounded here, so
 * that a hang fails the test instead of the build), tasks created while the loop closes, and the ids timers get.
 */
class EventLoopCloseTest {
    private static final Duration BOUND = Duration.ofSeconds(3);

    /** Waits for {@code latch} and ignores every interrupt, like a JDBC call or a CPU-bound step. */
    private static void awaitIgnoringInterrupts(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException ignored) {
                // keep waiting
            }
        }
    }

    private static Thread daemon(Runnable action) {
        return Thread.ofPlatform().daemon().name("closer").start(action);
    }

    @Test
    void aCloseThatGivesUpStillStopsEveryTimer() throws Exception {
        EventLoop loop = EventLoop.builder().name("stubborn").build();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Task<Integer> stubborn = loop.createTask("stubborn", () -> {
            started.countDown();
            while (true) {
                try {
                    release.await(); // swallows every interrupt: cancellation cannot stop it
                    return 0;
                } catch (InterruptedException ignored) {
                    // keep waiting
                }
            }
        });
        started.await();
        AtomicInteger ticks = new AtomicInteger();
        loop.addTimer(Duration.ofMinutes(1), ticks::incrementAndGet, true);
        loop.callLater(Duration.ofMinutes(1), ticks::incrementAndGet);
        assertThat(loop.stats().activeTimers()).isEqualTo(2);

        try (LogCapture log = LogCapture.capture()) {
            assertThat(loop.close(Duration.ofMillis(50))).isFalse();
            assertThat(loop.stats().activeTimers()).isZero();
            assertThat(log.containing("stubborn")).isNotEmpty();
        } finally {
            release.countDown();
        }
        await().until(stubborn::isDone);
        assertThat(ticks).hasValue(0);
    }

    @Test
    void everyTimerGetsItsOwnIdWhichDelTimerAccepts() {
        try (EventLoop loop = EventLoop.builder().name("timer-ids").build()) {
            long soon = loop.callSoon(() -> {});
            long sooner = loop.callSoon(() -> {});
            long later = loop.callLater(Duration.ofMinutes(1), () -> {});
            long periodic = loop.addTimer(Duration.ofMinutes(1), () -> {}, true);

            assertThat(java.util.Set.of(soon, sooner, later, periodic)).hasSize(4);
            assertThat(loop.delTimer(later)).isTrue();
            assertThat(loop.delTimer(periodic)).isTrue();
            assertThat(loop.delTimer(later)).isFalse();
        }
    }

    /** close(Duration) waits at most that long for timer callbacks too, and says it gave up. */
    @Test
    void closeWithATimeoutReturnsWithinItEvenWhileATimerCallbackIgnoresItsInterrupt() throws Exception {
        EventLoop loop = EventLoop.builder().name("close-bounded-close").build();
        CountDownLatch inCallback = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        loop.callSoon(() -> {
            inCallback.countDown();
            awaitIgnoringInterrupts(release);
        });
        assertThat(inCallback.await(5, TimeUnit.SECONDS)).isTrue();
        AtomicReference<Boolean> result = new AtomicReference<>();
        Thread closer = daemon(() -> result.set(loop.close(Duration.ofMillis(100))));
        try {
            await("close(100ms) to return").atMost(BOUND).until(() -> result.get() != null);
            assertThat(result.get()).as("a callback was still running").isFalse();
        } finally {
            release.countDown();
            closer.join(5_000);
            loop.close();
        }
    }

    /**
     * An observer of a root task's terminal event runs on the task's thread before the task releases its awaiters;
     * closing the loop there must not wait for that task, which has ended.
     */
    @Test
    void anObserverMayCloseTheLoopWhenARootTaskEnds() {
        EventLoop loop = EventLoop.builder().name("close-observer-close").build();
        AtomicBoolean closeReturned = new AtomicBoolean();
        AtomicReference<Throwable> closeThrew = new AtomicReference<>();
        loop.observable().register(event -> {
            if (event.type() == TaskEvent.Type.COMPLETED && event.task().name().equals("last")) {
                try {
                    loop.close();
                    closeReturned.set(true);
                } catch (Throwable e) {
                    closeThrew.set(e);
                }
            }
        });
        Task<String> last = loop.createTask("last", () -> "done");

        await("close() inside the observer to return or throw")
                .atMost(BOUND)
                .until(() -> closeReturned.get() || closeThrew.get() != null);
        assertThat(closeThrew.get()).isNull();
        assertThat(loop.isClosed()).isTrue();
        assertThat(last.toCompletableFuture()).succeedsWithin(BOUND).isEqualTo("done");
    }

    /**
     * close() runs the observers of each PENDING task it cancels on the closing thread; a close() from such an observer
     * returns at once and leaves the job to the outer close, which still cancels the running task.
     */
    @Test
    void aCloseFromAnObserverOfACancellationDuringCloseDoesNotHang() throws Exception {
        EventLoop loop = EventLoop.builder()
                .name("close-reentrant-close")
                .maxConcurrentTasks(1)
                .build();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Task<String> holder = loop.createTask("holder", () -> {
            running.countDown();
            release.await(); // cancellable: an interrupt ends it
            return "released";
        });
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        Task<String> pending = loop.createTask("pending", () -> "never runs");
        assertThat(pending.state()).isEqualTo(TaskState.PENDING);
        AtomicBoolean innerReturned = new AtomicBoolean();
        loop.observable().register(event -> {
            if (event.type() == TaskEvent.Type.CANCELLED && event.task() == pending) {
                loop.close();
                innerReturned.set(true);
            }
        });
        AtomicBoolean outerReturned = new AtomicBoolean();
        Thread closer = daemon(() -> {
            loop.close();
            outerReturned.set(true);
        });
        try {
            await("both closes to return").atMost(BOUND).until(() -> outerReturned.get() && innerReturned.get());
            assertThat(holder.isCancelled())
                    .as("the running task is cancelled, not left to finish")
                    .isTrue();
        } finally {
            release.countDown();
            closer.join(5_000);
        }
    }

    /** Two timer callbacks that close the loop at the same time do not wait for each other. */
    @Test
    void twoTimerCallbacksClosingTheLoopAtOnceDoNotDeadlock() {
        EventLoop loop = EventLoop.builder().name("close-two-closers").build();
        CyclicBarrier bothRunning = new CyclicBarrier(2);
        AtomicInteger returned = new AtomicInteger();
        Runnable closeTheLoop = () -> {
            try {
                bothRunning.await(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // close anyway
            }
            loop.close();
            returned.incrementAndGet();
        };
        loop.callSoon(closeTheLoop);
        loop.callSoon(closeTheLoop);

        await("both callbacks' close() to return").atMost(BOUND).until(() -> returned.get() == 2);
        assertThat(loop.isClosed()).isTrue();
    }

    /** Tasks created from several threads while close() runs: each is refused with a clear error or ends. */
    @RepeatedTest(10)
    void tasksCreatedWhileTheLoopClosesAreRefusedOrEndAndTheStatsBalance() throws Exception {
        EventLoop loop = EventLoop.builder()
                .name("close-create-vs-close")
                .maxConcurrentTasks(2)
                .build();
        List<Task<?>> accepted = new CopyOnWriteArrayList<>();
        List<Throwable> refusals = new CopyOnWriteArrayList<>();
        CountDownLatch creating = new CountDownLatch(3);
        List<Thread> creators = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            creators.add(daemon(() -> {
                creating.countDown();
                try {
                    while (true) {
                        accepted.add(loop.createTask(() -> {
                            Thread.sleep(1);
                            return 1;
                        }));
                    }
                } catch (Throwable e) {
                    refusals.add(e);
                }
            }));
        }
        assertThat(creating.await(5, TimeUnit.SECONDS)).isTrue();
        await().atMost(BOUND).until(() -> accepted.size() > 20);
        loop.close();
        for (Thread creator : creators) {
            creator.join(5_000);
        }
        assertThat(refusals)
                .hasSize(3)
                .allSatisfy(e ->
                        assertThat(e).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed"));
        assertThat(accepted).allSatisfy(task -> assertThat(task.isDone()).isTrue());
        LoopStats stats = loop.stats();
        assertThat(stats.created()).isEqualTo(accepted.size());
        assertThat(stats.completed() + stats.failed() + stats.cancelled()).isEqualTo(stats.created());
        assertThat(stats.active()).isZero();
        assertThat(stats.pending()).isZero();
        assertThat(stats.activeTimers()).isZero();
    }

    /** Resources bound to the root scope are told of the cancellation and closed, in reverse order, by close(). */
    @Test
    void closeClosesTheRootScopesResourcesOnceInReverseOrderAndRefusesLaterOnes() {
        EventLoop loop = EventLoop.builder().name("close-root-resources").build();
        List<String> journal = new CopyOnWriteArrayList<>();
        AsyncResourceManager.register(loop.rootScope(), new JournalResource("a", journal));
        AsyncResourceManager.register(loop.rootScope(), new JournalResource("b", journal));
        loop.close();
        loop.close();
        assertThat(journal).containsExactly("cancel b", "close b", "cancel a", "close a");
        assertThat(AsyncResourceManager.resourceCount(loop.rootScope())).isZero();
        assertThatThrownBy(() -> AsyncResourceManager.register(loop.rootScope(), new JournalResource("late", journal)))
                .isInstanceOf(IllegalStateException.class);
        assertThat(journal).hasSize(4);
    }

    private static final class JournalResource implements AsyncResource {
        private final String name;
        private final List<String> journal;
        private volatile boolean closed;

        JournalResource(String name, List<String> journal) {
            this.name = name;
            this.journal = journal;
        }

        @Override
        public void close() {
            closed = true;
            journal.add("close " + name);
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public void onCancellation() {
            journal.add("cancel " + name);
        }
    }
}

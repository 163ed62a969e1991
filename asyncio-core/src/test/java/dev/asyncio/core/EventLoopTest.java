package dev.asyncio.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.asyncio.Asyncio;
import dev.asyncio.testing.LogCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The loop: building, closing, the default loop, live tasks and counters. */
class EventLoopTest {
    private final EventLoop loop = EventLoop.builder().name("loop-test").build();

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    @Test
    void theBuilderRejectsBadSettings() {
        assertThatThrownBy(() -> EventLoop.builder().maxConcurrentTasks(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxConcurrentTasks must be at least 1, was 0");
        assertThatThrownBy(() -> EventLoop.builder().name(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name");
        assertThatThrownBy(() -> EventLoop.builder().name(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> EventLoop.builder().cancellationWarningDelay(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EventLoop.builder().propagator(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void describesItself() {
        assertThat(loop.name()).isEqualTo("loop-test");
        assertThat(loop.type()).isEqualTo("virtual-threads");
        assertThat(loop.maxConcurrentTasks()).isZero();
        assertThat(loop.isClosed()).isFalse();
        assertThat(loop.rootScope().parent()).isNull();
        assertThat(loop.rootScope().loop()).isSameAs(loop);
        assertThat(loop.toString()).contains("loop-test");
    }

    @Test
    void tasksCreatedThroughTheLoopOutsideAnyScopeRegisterInTheRootScope() {
        Task<Integer> task = loop.createTask(() -> 1);
        assertThat(task.scope()).isSameAs(loop.rootScope());
        assertThat(Asyncio.await(task)).isEqualTo(1);
    }

    @Test
    void closeCancelsEveryTaskAndWaitsForItThenRefusesNewTasks() throws Exception {
        CountDownLatch started = new CountDownLatch(50);
        List<Task<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            tasks.add(loop.createTask(() -> {
                started.countDown();
                Asyncio.sleep(600_000);
                return 1;
            }));
        }
        CancellationScope.run(() -> null); // an unrelated scope on the default loop: untouched
        started.await();
        loop.close();
        assertThat(tasks).allMatch(t -> t.state() == TaskState.CANCELLED);
        assertThat(loop.isClosed()).isTrue();
        assertThat(loop.tasks()).isEmpty();
        assertThatThrownBy(() -> loop.createTask(() -> 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("loop 'loop-test' is closed");
        assertThatThrownBy(() -> loop.run(() -> 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> loop.callSoon(() -> {})).isInstanceOf(IllegalStateException.class);
        loop.close(); // a second close is harmless
    }

    @Test
    void closeFromOneOfTheLoopsOwnTasksIsRefused() {
        Task<Object> task = loop.createTask(() -> {
            loop.close();
            return null;
        });
        assertThatThrownBy(() -> Asyncio.await(task))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot be closed from its own task");
        assertThat(loop.isClosed()).isFalse();
    }

    @Test
    void closeWithATimeoutGivesUpOnUncooperativeTasksAndLogsThem() {
        try (LogCapture log = LogCapture.capture()) {
            EventLoop stubbornLoop = EventLoop.builder().name("stubborn-loop").build();
            CountDownLatch letGo = new CountDownLatch(1);
            CountDownLatch started = new CountDownLatch(1);
            stubbornLoop.createTask("mule", () -> {
                started.countDown();
                while (true) {
                    try {
                        if (letGo.await(5, TimeUnit.MILLISECONDS)) {
                            return 1;
                        }
                    } catch (InterruptedException ignored) {
                        // ignores cancellation
                    }
                }
            });
            started.await();
            assertThat(stubbornLoop.close(Duration.ofMillis(50))).isFalse();
            assertThat(log.containing("'mule'")).hasSize(1);
            letGo.countDown();
            assertThat(stubbornLoop.close(Duration.ofSeconds(30))).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theDefaultLoopIsCreatedLazilyAndReplacedOnceClosed() {
        EventLoop first = EventLoop.getDefault();
        assertThat(EventLoop.getDefault()).isSameAs(first);
        EventLoop mine = EventLoop.builder().name("installed").build();
        try {
            EventLoop previous = EventLoop.setDefault(mine);
            assertThat(previous).isSameAs(first);
            assertThat(EventLoop.getDefault()).isSameAs(mine);
            assertThat(Asyncio.run(() -> Asyncio.getEventLoop().name())).isEqualTo("installed");
            EventLoop.setDefault(previous);
            assertThat(EventLoop.getDefault()).isSameAs(first);
        } finally {
            mine.close();
        }
        EventLoop lazy = EventLoop.create();
        EventLoop previous = EventLoop.setDefault(null);
        try {
            EventLoop created = EventLoop.getDefault();
            created.close();
            EventLoop replacement = EventLoop.getDefault();
            assertThat(replacement).isNotSameAs(created);
            assertThat(replacement.isClosed()).isFalse();
        } finally {
            EventLoop.setDefault(previous);
            lazy.close();
        }
    }

    @Test
    void tasksListsTheLiveTasksOfEveryScope() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch inner = new CountDownLatch(1);
        Task<Integer> outer = loop.createTask(
                "outer",
                () -> CancellationScope.run(() -> {
                    Task<Integer> nested = Asyncio.createTask("nested", () -> {
                        inner.countDown();
                        release.await();
                        return 1;
                    });
                    return Asyncio.await(nested);
                }));
        inner.await();
        assertThat(loop.tasks()).extracting(Task::name).containsExactlyInAnyOrder("outer", "nested");
        release.countDown();
        Asyncio.await(outer);
        await().until(() -> loop.tasks().isEmpty());
    }

    @Test
    void statsCountWhatHappened() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Task<Integer> running = loop.createTask(() -> {
            release.await();
            return 1;
        });
        Task<Integer> failed = loop.createTask(() -> {
            throw new IllegalStateException();
        });
        Task<Integer> cancelled = loop.createTask(() -> {
            Asyncio.sleep(600_000);
            return 1;
        });
        cancelled.cancel();
        Suspension.joinUninterruptibly(failed);
        Suspension.joinUninterruptibly(cancelled);
        failed.exception(); // retrieved: no warning later
        await().until(() -> running.state() == TaskState.RUNNING);
        LoopStats stats = loop.stats();
        assertThat(stats.created()).isEqualTo(3);
        assertThat(stats.failed()).isEqualTo(1);
        assertThat(stats.cancelled()).isEqualTo(1);
        assertThat(stats.active()).isEqualTo(1);
        assertThat(stats.live()).isEqualTo(1);
        assertThat(stats.peakActive()).isGreaterThanOrEqualTo(1);
        assertThat(stats.activeScopes()).isEqualTo(1); // the root
        release.countDown();
        Asyncio.await(running);
        assertThat(loop.stats().completed()).isEqualTo(1);
    }

    @Test
    void statsBalanceAtEveryMomentWhileTasksComeAndGo() throws Exception {
        AtomicReference<String> broken = new AtomicReference<>();
        AtomicInteger samples = new AtomicInteger();
        Thread sampler = Thread.ofPlatform().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                LoopStats s = loop.stats();
                samples.incrementAndGet();
                long sum = s.completed() + s.failed() + s.cancelled() + s.active() + s.pending();
                if (sum != s.created() || s.active() < 0 || s.pending() < 0) {
                    broken.compareAndSet(null, s.toString());
                }
            }
        });
        try {
            List<Task<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                int n = i;
                tasks.add(loop.createTask(() -> {
                    if (n % 7 == 0) {
                        throw new IllegalStateException("planned");
                    }
                    Asyncio.sleep(n % 3);
                    return n;
                }));
                if (n % 11 == 0) {
                    tasks.get(n).cancel();
                }
            }
            Asyncio.gatherOutcomes(tasks);
            await().until(() -> samples.get() > 100);
        } finally {
            sampler.interrupt(); // never leave a spinning sampler behind, even when the test fails
            sampler.join();
        }
        assertThat(broken.get()).isNull();
        LoopStats end = loop.stats();
        assertThat(end.created()).isEqualTo(20_000);
        assertThat(end.completed() + end.failed() + end.cancelled()).isEqualTo(20_000);
    }

    private static final ThreadLocal<String> MDC_LIKE = new ThreadLocal<>();
    private static final InheritableThreadLocal<String> INHERITABLE = new InheritableThreadLocal<>();

    @Test
    void aPropagatorCarriesThreadLocalsIntoEveryTaskAndRestoresThemAfterwards() {
        List<String> restoredAndClosed = new java.util.concurrent.CopyOnWriteArrayList<>();
        TaskContextPropagator propagator = new TaskContextPropagator() {
            @Override
            public Object capture() {
                return MDC_LIKE.get();
            }

            @Override
            public Restored restore(Object captured) {
                MDC_LIKE.set((String) captured);
                restoredAndClosed.add("restored " + captured);
                return () -> {
                    MDC_LIKE.remove();
                    restoredAndClosed.add("closed " + captured);
                };
            }
        };
        try (EventLoop propagating = EventLoop.builder().propagator(propagator).build()) {
            MDC_LIKE.set("request-7");
            try {
                Task<String> task = propagating.createTask(MDC_LIKE::get);
                // tasks made through the facade inside the loop get it too
                Task<String> nested = propagating.createTask(() -> Asyncio.await(Asyncio.createTask(MDC_LIKE::get)));
                assertThat(Asyncio.await(task)).isEqualTo("request-7");
                assertThat(Asyncio.await(nested)).isEqualTo("request-7");
            } finally {
                MDC_LIKE.remove();
            }
            assertThat(restoredAndClosed).contains("restored request-7", "closed request-7");
        }
    }

    @Test
    void taskThreadsDoNotInheritInheritableThreadLocals() {
        INHERITABLE.set("leaks?");
        try {
            assertThat(Asyncio.await(loop.createTask(INHERITABLE::get))).isNull();
        } finally {
            INHERITABLE.remove();
        }
    }

    @Test
    void aRootScopeTaskCanCreateTasksThroughTheFacade() {
        Task<Integer> parent = loop.createTask(() -> Asyncio.await(Asyncio.createTask(() -> 2)) + 1);
        assertThat(Asyncio.await(parent)).isEqualTo(3);
    }
}

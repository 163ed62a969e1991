package dev.asyncio.core.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio.Asyncio;
import dev.asyncio.concurrency.Outcome;
import dev.asyncio.core.CancellationScope;
import dev.asyncio.core.EventLoop;
import dev.asyncio.core.LoopStats;
import dev.asyncio.core.Suspension;
import dev.asyncio.core.Task;
import dev.asyncio.core.TaskState;
import dev.asyncio.testing.LogCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The lifecycle as observers see it: order, exactly-once, timing guarantees, and isolation of faulty observers. */
class ObservabilityTest {
    private final EventLoop loop = EventLoop.builder().name("observe-test").build();

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    /** Records, per task, the event types in the order this observer saw them. */
    private static final class Recorder implements Observer {
        final Map<Task<?>, List<TaskEvent.Type>> perTask = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<ScopeEvent> scopes = new ConcurrentLinkedQueue<>();

        @Override
        public void onTaskEvent(TaskEvent event) {
            perTask.computeIfAbsent(event.task(), t -> new CopyOnWriteArrayList<>())
                    .add(event.type());
        }

        @Override
        public void onScopeEvent(ScopeEvent event) {
            scopes.add(event);
        }
    }

    @Test
    void aHundredThousandTasksEachEmitCreatedStartedAndOneTerminalEventInOrderExactlyOnce() {
        Recorder recorder = new Recorder();
        loop.observable().register(recorder);
        Random random = new Random(42);
        int n = 100_000;
        List<Task<Integer>> tasks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int kind = random.nextInt(10);
            tasks.add(loop.createTask(() -> {
                if (kind == 0) {
                    throw new IllegalStateException("planned failure");
                }
                if (kind == 1) {
                    Asyncio.sleep(Duration.ofMinutes(10)); // to be cancelled while running
                }
                return kind;
            }));
            if (kind == 1 || kind == 2) {
                tasks.get(i).cancel(); // kind 2 races the start: cancelled pending, or while running
            }
        }
        List<Outcome<Integer>> outcomes = Asyncio.gatherOutcomes(tasks);

        Map<TaskState, Long> byOutcome = new EnumMap<>(TaskState.class);
        for (Task<Integer> task : tasks) {
            byOutcome.merge(task.state(), 1L, Long::sum);
            List<TaskEvent.Type> seen = recorder.perTask.get(task);
            TaskEvent.Type terminal = switch (task.state()) {
                case COMPLETED -> TaskEvent.Type.COMPLETED;
                case FAILED -> TaskEvent.Type.FAILED;
                default -> TaskEvent.Type.CANCELLED;
            };
            if (task.stats().startedAt() == null) {
                assertThat(seen).as(task.toString()).containsExactly(TaskEvent.Type.CREATED, terminal);
            } else {
                assertThat(seen)
                        .as(task.toString())
                        .containsExactly(TaskEvent.Type.CREATED, TaskEvent.Type.STARTED, terminal);
            }
        }
        assertThat(outcomes).hasSize(n);
        LoopStats stats = loop.stats();
        assertThat(stats.completed()).isEqualTo(byOutcome.getOrDefault(TaskState.COMPLETED, 0L));
        assertThat(stats.failed()).isEqualTo(byOutcome.getOrDefault(TaskState.FAILED, 0L));
        assertThat(stats.cancelled()).isEqualTo(byOutcome.getOrDefault(TaskState.CANCELLED, 0L));
        assertThat(byOutcome.get(TaskState.FAILED)).isPositive();
        assertThat(byOutcome.get(TaskState.CANCELLED)).isPositive();
    }

    @Test
    void aTaskCancelledWhilePendingEmitsCreatedThenCancelled() throws Exception {
        try (EventLoop limited = EventLoop.builder().maxConcurrentTasks(1).build()) {
            Recorder recorder = new Recorder();
            limited.observable().register(recorder);
            CountDownLatch release = new CountDownLatch(1);
            Task<Integer> holder = limited.createTask(() -> {
                release.await();
                return 0;
            });
            Task<Integer> queued = limited.createTask(() -> 1);
            queued.cancel();
            release.countDown();
            Asyncio.await(holder);
            assertThat(recorder.perTask.get(queued)).containsExactly(TaskEvent.Type.CREATED, TaskEvent.Type.CANCELLED);
        }
    }

    @Test
    void createdIsDeliveredBeforeCreateTaskReturnsAndTheTerminalEventBeforeAwaitReturns() {
        List<String> seen = new CopyOnWriteArrayList<>();
        loop.observable().register(event -> {
            if (event.type() == TaskEvent.Type.COMPLETED) {
                seen.add("completed with " + event.task().result()); // result() already works in the observer
            } else {
                seen.add(event.type().name().toLowerCase());
            }
        });
        Task<Integer> task = loop.createTask(() -> 5);
        assertThat(seen).first().isEqualTo("created");
        Asyncio.await(task);
        assertThat(seen).containsExactly("created", "started", "completed with 5");
    }

    @Test
    void eventsCarryTheFailureOrTheCancellation() {
        AtomicReference<TaskEvent> failed = new AtomicReference<>();
        AtomicReference<TaskEvent> cancelled = new AtomicReference<>();
        loop.observable().register(event -> {
            if (event.type() == TaskEvent.Type.FAILED) {
                failed.set(event);
            } else if (event.type() == TaskEvent.Type.CANCELLED) {
                cancelled.set(event);
            }
        });
        IllegalStateException boom = new IllegalStateException("boom");
        Task<Integer> bad = loop.createTask(() -> {
            throw boom;
        });
        Task<Integer> stopped = loop.createTask(() -> {
            Asyncio.sleep(600_000);
            return 1;
        });
        stopped.cancel();
        Suspension.joinUninterruptibly(bad);
        Suspension.joinUninterruptibly(stopped);
        bad.exception();
        assertThat(failed.get().exception()).isSameAs(boom);
        assertThat(failed.get().timestamp()).isNotNull();
        assertThat(cancelled.get().exception()).isSameAs(stopped.exception());
    }

    @Test
    void aThrowingObserverIsLoggedAndAffectsNeitherTheTaskNorOtherObservers() {
        try (LogCapture log = LogCapture.capture()) {
            Recorder healthy = new Recorder();
            loop.observable().register(event -> {
                throw new IllegalStateException("observer bug");
            });
            loop.observable().register(healthy);
            Task<Integer> task = loop.createTask(() -> 3);
            assertThat(Asyncio.await(task)).isEqualTo(3);
            assertThat(healthy.perTask.get(task))
                    .containsExactly(TaskEvent.Type.CREATED, TaskEvent.Type.STARTED, TaskEvent.Type.COMPLETED);
            assertThat(log.containing("threw on")).hasSize(3);
        }
    }

    @Test
    void registrationIsIdempotentAndUnregisterAndClearStopDelivery() {
        Recorder recorder = new Recorder();
        Observable observable = loop.observable();
        assertThat(observable.isEnabled()).isFalse();
        observable.register(recorder);
        observable.register(recorder);
        assertThat(observable.isEnabled()).isTrue();
        Task<Integer> seenOnce = loop.createTask(() -> 1);
        Asyncio.await(seenOnce);
        assertThat(recorder.perTask.get(seenOnce)).hasSize(3);
        assertThat(observable.unregister(recorder)).isTrue();
        assertThat(observable.unregister(recorder)).isFalse();
        assertThat(observable.isEnabled()).isFalse();
        Task<Integer> unseen = loop.createTask(() -> 2);
        Asyncio.await(unseen);
        assertThat(recorder.perTask).doesNotContainKey(unseen);
        observable.register(recorder);
        observable.clear();
        assertThat(observable.isEnabled()).isFalse();
        assertThatThrownBy(() -> observable.register(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void scopesEmitCreatedThenCompletedOrCancelledOnceTheirTasksAreDone() {
        Recorder recorder = new Recorder();
        loop.observable().register(recorder);
        IllegalStateException bodyFailure = new IllegalStateException("body");
        loop.run(() -> {
            CancellationScope.run(() -> null);
            try {
                CancellationScope.run(scope -> {
                    scope.cancel();
                    Asyncio.sleep(1);
                    return null;
                });
            } catch (RuntimeException expected) {
                // cancelled
            }
            try {
                CancellationScope.run(() -> {
                    throw bodyFailure;
                });
            } catch (IllegalStateException expected) {
                // the body's failure rides on COMPLETED
            }
            return null;
        });
        List<ScopeEvent.Type> types =
                recorder.scopes.stream().map(ScopeEvent::type).toList();
        // run's own scope, then the three inner ones, each CREATED before its exit event
        assertThat(types).filteredOn(t -> t == ScopeEvent.Type.CREATED).hasSize(4);
        assertThat(types).filteredOn(t -> t == ScopeEvent.Type.CANCELLED).hasSize(1);
        assertThat(recorder.scopes)
                .anySatisfy(e -> assertThat(e.exception()).isSameAs(bodyFailure))
                .allSatisfy(e -> assertThat(e.scope().loop()).isSameAs(loop));
    }
}

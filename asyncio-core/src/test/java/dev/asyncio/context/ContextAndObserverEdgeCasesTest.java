package dev.asyncio.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio.Asyncio;
import dev.asyncio.core.EventLoop;
import dev.asyncio.core.LoopStats;
import dev.asyncio.core.Task;
import dev.asyncio.core.TaskContextPropagator;
import dev.asyncio.core.TaskState;
import dev.asyncio.core.TaskTree;
import dev.asyncio.core.observe.Observer;
import dev.asyncio.core.observe.TaskEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Edge cases of task-local context, propagators, observers, stats and the task tree. */
class ContextAndObserverEdgeCasesTest {
    private final EventLoop loop = EventLoop.builder().name("ctx-edge").build();

    @AfterEach
    void closeLoopAndClearContext() {
        Context.clear();
        loop.close();
    }

    /** Records, per task, the event types in the order this observer saw them. */
    private static final class Recorder implements Observer {
        final Map<Task<?>, List<TaskEvent.Type>> perTask = new ConcurrentHashMap<>();

        @Override
        public void onTaskEvent(TaskEvent event) {
            perTask.computeIfAbsent(event.task(), t -> new CopyOnWriteArrayList<>())
                    .add(event.type());
        }
    }

    // ---- observers ----------------------------------------------------------------------------------------------

    /**
     * An observer that cancels a task when it sees its CREATED event does not change the order in which other
     * observers see that task's events: every observer sees CREATED before CANCELLED.
     */
    @Test
    void everyObserverSeesCreatedBeforeCancelledWhenAnEarlierObserverCancelsOnCreated() {
        Observer canceller = event -> {
            if (event.type() == TaskEvent.Type.CREATED) {
                event.task().cancel();
            }
        };
        Recorder later = new Recorder();
        loop.observable().register(canceller);
        loop.observable().register(later);

        Task<Integer> task = loop.createTask(() -> 1);

        assertThat(task.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(later.perTask.get(task)).containsExactly(TaskEvent.Type.CREATED, TaskEvent.Type.CANCELLED);
    }

    /** An observer that registers another observer while an event is delivered breaks no delivery. */
    @Test
    void registeringAnObserverDuringDeliveryIsSafe() {
        Recorder added = new Recorder();
        AtomicBoolean once = new AtomicBoolean();
        loop.observable().register(event -> {
            if (once.compareAndSet(false, true)) {
                loop.observable().register(added);
            }
        });
        Task<Integer> first = loop.createTask(() -> 1);
        Asyncio.await(first);
        Task<Integer> second = loop.createTask(() -> 2);
        Asyncio.await(second);
        assertThat(added.perTask.get(second))
                .containsExactly(TaskEvent.Type.CREATED, TaskEvent.Type.STARTED, TaskEvent.Type.COMPLETED);
    }

    /** An observer that unregisters itself during delivery stops receiving events; the others keep theirs. */
    @Test
    void anObserverUnregisteringItselfDuringDeliveryStopsReceiving() {
        Recorder other = new Recorder();
        List<TaskEvent.Type> seen = new CopyOnWriteArrayList<>();
        Observer self = new Observer() {
            @Override
            public void onTaskEvent(TaskEvent event) {
                seen.add(event.type());
                loop.observable().unregister(this);
            }
        };
        loop.observable().register(self);
        loop.observable().register(other);
        Task<Integer> task = loop.createTask(() -> 1);
        Asyncio.await(task);
        assertThat(seen).containsExactly(TaskEvent.Type.CREATED);
        assertThat(other.perTask.get(task))
                .containsExactly(TaskEvent.Type.CREATED, TaskEvent.Type.STARTED, TaskEvent.Type.COMPLETED);
    }

    /** Null observers are rejected naming the parameter. */
    @Test
    void nullObserversAreRejectedNamingTheParameter() {
        assertThatThrownBy(() -> loop.observable().register(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("observer");
        assertThatThrownBy(() -> loop.observable().unregister(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("observer");
    }

    // ---- context ------------------------------------------------------------------------------------------------

    /** A child sees its creator's context as it was at creation, even when it starts later (PENDING first). */
    @Test
    void aQueuedChildSeesTheSnapshotTakenAtCreation() throws Exception {
        try (EventLoop limited = EventLoop.builder().maxConcurrentTasks(1).build()) {
            CountDownLatch release = new CountDownLatch(1);
            try {
                Task<Integer> holder = limited.createTask(() -> {
                    release.await(5, TimeUnit.SECONDS);
                    return 0;
                });
                Asyncio.setContext("k", "at-creation");
                Task<Map<String, Object>> child = limited.createTask(() -> {
                    Map<String, Object> all = new java.util.HashMap<>(Asyncio.getAllContext(true));
                    all.put("own", Asyncio.getAllContext(false));
                    return all;
                });
                assertThat(child.state()).isEqualTo(TaskState.PENDING);
                Asyncio.setContext("k", "later");
                Asyncio.setContext("other", "later");
                release.countDown();
                Asyncio.await(holder);
                assertThat(Asyncio.await(child))
                        .containsOnly(Map.entry("k", "at-creation"), Map.entry("own", Map.of()));
            } finally {
                release.countDown();
            }
        }
    }

    /** A task's writes, clears and deletes do not reach the plain thread that created it. */
    @Test
    void aTasksClearAndDeleteDoNotReachItsCreator() {
        Asyncio.setContext("a", 1);
        Asyncio.setContext("b", 2);
        Task<Boolean> task = loop.createTask(() -> {
            Asyncio.deleteContext("a");
            Asyncio.clearContext();
            Asyncio.setContext("c", 3);
            return Asyncio.hasContext("b");
        });
        assertThat(Asyncio.await(task)).isFalse();
        assertThat(Asyncio.getAllContext(true)).containsOnly(Map.entry("a", 1), Map.entry("b", 2));
        assertThat(Asyncio.getAllContext(false)).containsOnly(Map.entry("a", 1), Map.entry("b", 2));
    }

    /** Null keys and values are rejected naming the parameter. */
    @Test
    void nullContextArgumentsAreRejectedNamingTheParameter() {
        assertThatThrownBy(() -> Asyncio.setContext(null, 1)).hasMessageContaining("key");
        assertThatThrownBy(() -> Asyncio.setContext("k", null)).hasMessageContaining("value");
        assertThatThrownBy(() -> Asyncio.getContext(null)).hasMessageContaining("key");
        assertThatThrownBy(() -> Asyncio.hasContext(null)).hasMessageContaining("key");
        assertThatThrownBy(() -> Asyncio.deleteContext(null)).hasMessageContaining("key");
    }

    // ---- propagator ---------------------------------------------------------------------------------------------

    /** A propagator whose restore throws fails the task without running its body, and the stats balance. */
    @Test
    void aThrowingRestoreFailsTheTaskAndTheStatsBalance() {
        IllegalStateException boom = new IllegalStateException("restore failed");
        AtomicBoolean ran = new AtomicBoolean();
        try (EventLoop propagating = EventLoop.builder()
                .propagator(new TaskContextPropagator() {
                    @Override
                    public @Nullable Object capture() {
                        return "x";
                    }

                    @Override
                    public Restored restore(@Nullable Object captured) {
                        throw boom;
                    }
                })
                .build()) {
            Task<Integer> task = propagating.createTask(() -> {
                ran.set(true);
                return 1;
            });
            assertThatThrownBy(() -> Asyncio.await(task)).isSameAs(boom);
            assertThat(ran).isFalse();
            LoopStats stats = propagating.stats();
            assertThat(stats.failed()).isEqualTo(1);
            assertThat(stats.created())
                    .isEqualTo(
                            stats.completed() + stats.failed() + stats.cancelled() + stats.active() + stats.pending());
        }
    }

    /** A propagator whose capture throws makes the creation throw; nothing is counted or left registered. */
    @Test
    void aThrowingCaptureMakesTheCreationThrowAndCountsNothing() {
        try (EventLoop propagating = EventLoop.builder()
                .propagator(new TaskContextPropagator() {
                    @Override
                    public @Nullable Object capture() {
                        throw new IllegalStateException("capture failed");
                    }

                    @Override
                    public Restored restore(@Nullable Object captured) {
                        return () -> {};
                    }
                })
                .build()) {
            assertThatThrownBy(() -> propagating.createTask(() -> 1)).hasMessage("capture failed");
            assertThat(propagating.stats().created()).isZero();
            assertThat(propagating.tasks()).isEmpty();
        }
    }

    /** The propagator's restore is undone (closed) exactly once, whether the body returns or throws. */
    @Test
    void theRestoreIsUndoneOnceWhateverTheBodyDoes() {
        AtomicInteger restored = new AtomicInteger();
        AtomicInteger undone = new AtomicInteger();
        try (EventLoop propagating = EventLoop.builder()
                .propagator(new TaskContextPropagator() {
                    @Override
                    public @Nullable Object capture() {
                        return null;
                    }

                    @Override
                    public Restored restore(@Nullable Object captured) {
                        restored.incrementAndGet();
                        return undone::incrementAndGet;
                    }
                })
                .build()) {
            Task<Integer> ok = propagating.createTask(() -> 1);
            Task<Integer> bad = propagating.createTask(() -> {
                throw new IllegalArgumentException("body");
            });
            Asyncio.await(ok);
            assertThatThrownBy(() -> Asyncio.await(bad)).hasMessage("body");
            assertThat(restored).hasValue(2);
            assertThat(undone).hasValue(2);
        }
    }

    // ---- task tree ----------------------------------------------------------------------------------------------

    /**
     * The task tree lists only tasks that have not ended: a task that ends while the tree is taken is either left
     * out or appears in a non-terminal state.
     */
    @RepeatedTest(5)
    void theTaskTreeNeverListsATaskInATerminalState() {
        int rounds = 300;
        List<TaskState> terminalSeen = new ArrayList<>();
        for (int round = 0; round < rounds && terminalSeen.isEmpty(); round++) {
            List<Task<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                tasks.add(loop.createTask(() -> 1));
            }
            for (int d = 0; d < 5; d++) {
                TaskTree tree = loop.dump();
                collectTerminal(tree.root(), terminalSeen);
            }
            for (Task<Integer> t : tasks) {
                Asyncio.await(t);
            }
        }
        assertThat(terminalSeen).as("states of tasks listed by dump()").isEmpty();
    }

    private static void collectTerminal(TaskTree.ScopeNode scope, List<TaskState> into) {
        for (TaskTree.TaskNode node : scope.tasks()) {
            if (node.state().isTerminal()) {
                into.add(node.state());
            }
        }
        for (TaskTree.ScopeNode child : scope.children()) {
            collectTerminal(child, into);
        }
    }

    // ---- stats --------------------------------------------------------------------------------------------------

    /** Stats balance, with no negative count, while tasks are created, cancelled and end on other threads. */
    @RepeatedTest(3)
    void statsBalanceWhileTasksRaceWithCancellation() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<String> broken = new CopyOnWriteArrayList<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                LoopStats s = loop.stats();
                if (s.created() != s.completed() + s.failed() + s.cancelled() + s.active() + s.pending()
                        || s.active() < 0
                        || s.pending() < 0
                        || s.peakActive() < s.active()) {
                    broken.add(s.toString());
                }
            }
        });
        try {
            for (int i = 0; i < 2000; i++) {
                Task<Integer> t = loop.createTask(() -> {
                    Asyncio.sleep(Duration.ZERO);
                    return 1;
                });
                if (i % 3 == 0) {
                    t.cancel();
                }
            }
        } finally {
            stop.set(true);
            reader.join(5000);
        }
        assertThat(broken).isEmpty();
    }

    /** An observer of CREATED that awaits the task gets a clear error: the task cannot start before it returns. */
    @Test
    void anObserverOfCreatedThatAwaitsTheTaskIsToldInsteadOfHanging() {
        AtomicReference<Throwable> seen = new AtomicReference<>();
        loop.observable().register(new Observer() {
            @Override
            public void onTaskEvent(TaskEvent event) {
                if (event.type() == TaskEvent.Type.CREATED) {
                    try {
                        Asyncio.await(event.task());
                    } catch (Throwable e) {
                        seen.set(e);
                    }
                }
            }
        });
        Task<Integer> task = loop.createTask(() -> 1);
        assertThat(seen.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("CREATED");
        assertThat(task.toCompletableFuture())
                .succeedsWithin(Duration.ofSeconds(10))
                .isEqualTo(1);
    }
}

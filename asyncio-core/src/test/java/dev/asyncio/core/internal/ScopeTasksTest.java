package dev.asyncio.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.asyncio.core.EventLoop;
import dev.asyncio.core.Task;
import dev.asyncio.core.TaskState;
import dev.asyncio.core.observe.TaskEvent;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * The set of a scope's tasks ({@link ScopeTasks}): ended tasks leave it at once and their entries are pruned in
 * batches, while every live task stays visible to walks (cancellation, {@code tasks()}, dumps) whatever adds, removals
 * and prunes run at the same time.
 */
class ScopeTasksTest {
    private final EventLoop loop = EventLoop.builder().name("scope-tasks").build();
    private final RuntimeScope root = (RuntimeScope) loop.rootScope();

    @AfterEach
    void close() {
        loop.close();
    }

    private static void join(Task<?> task) throws InterruptedException {
        ((RuntimeTask<?>) task).join();
    }

    private static ScopeTasks.Node entryOf(Task<?> task) {
        return Objects.requireNonNull(((RuntimeTask<?>) task).scopeEntry);
    }

    @Test
    void entriesOfEndedTasksArePrunedSoTheSetStaysBoundedInALongLivedScope() throws InterruptedException {
        int perRound = 5_000;
        for (int round = 0; round < 20; round++) {
            List<Task<Integer>> tasks = new ArrayList<>(perRound);
            for (int i = 0; i < perRound; i++) {
                int value = i;
                tasks.add(root.createTask(() -> value));
            }
            for (Task<Integer> task : tasks) {
                join(task);
            }
        }
        // 100,000 tasks went through the root scope; without pruning it would hold 100,000 entries (the prune runs
        // on a thread of its own, so the last one may still be walking)
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(root.taskEntries()).isLessThanOrEqualTo(4 * perRound));
        assertThat(root.tasks()).isEmpty();
    }

    @Test
    void entriesCountEveryAdditionUntilTheFloorThenOnePruneLeavesOnlyTheHead() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        List<Task<?>> live = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            live.add(root.createTask(() -> {
                release.await();
                return null;
            }));
        }
        assertThat(root.taskEntries()).isEqualTo(10);
        int belowFloor = ScopeTasks.PRUNE_FLOOR - 1;
        List<Task<?>> all = new ArrayList<>(live);
        for (int i = live.size(); i < belowFloor; i++) {
            Task<Integer> task = root.createTask(() -> 1);
            join(task);
            all.add(task);
        }
        assertThat(root.taskEntries()).as("no prune below the floor").isEqualTo(belowFloor);
        release.countDown();
        // a task empties its entry just after it releases its joiners: wait for that, or the prune could keep one
        await().atMost(Duration.ofSeconds(30)).until(() -> all.stream().allMatch(task -> entryOf(task).task == null));

        join(root.createTask(() -> 1)); // reaches the floor: a prune unlinks every empty entry below the head
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(root.taskEntries()).isEqualTo(1));
        assertThat(root.tasks()).isEmpty();
    }

    @Test
    void anEndedTaskIsNotReachableFromItsScope() throws InterruptedException {
        List<WeakReference<Task<?>>> ended = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Task<Integer> task = root.createTask(() -> 1);
            join(task);
            ended.add(new WeakReference<>(task));
        }
        Task<?> blocker = root.createTask(() -> {
            Thread.sleep(Long.MAX_VALUE);
            return null;
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            System.gc();
            return ended.stream().allMatch(reference -> reference.get() == null);
        });
        assertThat(root.tasks()).containsExactly(blocker);
    }

    @Test
    void aTaskCancelledByAnObserverOfItsCreationIsNeitherListedNorHeldByItsScope() throws InterruptedException {
        List<TaskEvent.Type> events = new CopyOnWriteArrayList<>();
        loop.observable().register(event -> {
            events.add(event.type());
            if (event.type() == TaskEvent.Type.CREATED) {
                event.task().cancel("cancelled on sight");
            }
        });
        List<WeakReference<Task<?>>> cancelled = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Task<Integer> task = root.createTask(() -> 1);
            assertThat(task.state()).isEqualTo(TaskState.CANCELLED);
            cancelled.add(new WeakReference<>(task));
        }
        assertThat(root.tasks()).isEmpty();
        assertThat(events).hasSize(200).containsOnly(TaskEvent.Type.CREATED, TaskEvent.Type.CANCELLED);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            System.gc();
            return cancelled.stream().allMatch(reference -> reference.get() == null);
        });
    }

    @RepeatedTest(5)
    void walksSeeEveryLiveTaskWhileOthersAreAddedRemovedAndPruned() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Task<?>> blockers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            blockers.add(root.createTask(() -> {
                release.await();
                return null;
            }));
        }
        List<Future<?>> churners = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(4)) {
            for (int t = 0; t < 4; t++) {
                churners.add(threads.submit(() -> {
                    for (int i = 0; i < 20_000; i++) {
                        join(root.createTask(() -> 0));
                    }
                    return null;
                }));
            }
            int walks = 0;
            while (churners.stream().anyMatch(f -> !f.isDone()) || walks < 50) {
                assertThat(root.tasks()).containsAll(blockers);
                walks++;
            }
            for (Future<?> churner : churners) {
                churner.get();
            }
        }
        assertThat(root.tasks()).containsExactlyElementsOf(blockers); // oldest first
        root.cancel("test is over");
        for (Task<?> blocker : blockers) {
            join(blocker);
            assertThat(blocker.state()).isEqualTo(TaskState.CANCELLED);
        }
        release.countDown();
    }
}

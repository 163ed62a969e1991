package dev.asyncio.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio.Asyncio;
import dev.asyncio.core.CancellationScope;
import dev.asyncio.core.EventLoop;
import dev.asyncio.core.Suspension;
import dev.asyncio.core.Task;
import dev.asyncio.core.TaskState;
import dev.asyncio.exception.GatherException;
import dev.asyncio.exception.TaskCancelledException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Task groups: Python 3.11 semantics, and StructuredTaskScope's close rule. */
class TaskGroupTest {
    private final EventLoop loop = EventLoop.builder().name("group-test").build();

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    private static Callable<Integer> sleepForever(AtomicBoolean unwound) {
        return sleepForever(unwound, new CountDownLatch(1));
    }

    /** Sleeps until cancelled; {@code started} counts down once the body runs (a task cancelled before it started
     * never runs its finally block). */
    private static Callable<Integer> sleepForever(AtomicBoolean unwound, CountDownLatch started) {
        return () -> {
            started.countDown();
            try {
                Asyncio.sleep(Duration.ofMinutes(10));
            } finally {
                Thread.sleep(2); // unwinding takes time: the group must wait for it
                unwound.set(true);
            }
            return 0;
        };
    }

    private interface Callable<T> extends java.util.concurrent.Callable<T> {}

    @Test
    void waitAllWaitsForEveryTaskAndClosesTheGroup() {
        loop.run(() -> {
            try (TaskGroup group = TaskGroup.open()) {
                Task<Integer> a = group.spawn("a", () -> {
                    Asyncio.sleep(10);
                    return 1;
                });
                Task<Integer> b = group.spawn(() -> 2);
                assertThat(group.tasks()).containsExactly(a, b);
                group.waitAll();
                assertThat(a.result() + b.result()).isEqualTo(3);
                assertThat(group.taskCount()).isZero();
                assertThat(group.isClosed()).isTrue();
                assertThatThrownBy(() -> group.spawn(() -> 3))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("closed");
            }
            return null;
        });
    }

    @Test
    void theFirstFailureCancelsTheOthersAtOnceAndWaitAllReportsEveryFailure() throws Exception {
        AtomicBoolean unwound = new AtomicBoolean();
        CountDownLatch cancelledBeforeWaitAll = new CountDownLatch(1);
        IllegalStateException first = new IllegalStateException("first");
        loop.run(() -> {
            TaskGroup group = TaskGroup.open();
            CountDownLatch sleeping = new CountDownLatch(1);
            Task<Integer> sleeper = group.spawn("sleeper", sleepForever(unwound, sleeping));
            sleeper.addDoneCallback(t -> cancelledBeforeWaitAll.countDown());
            sleeping.await();
            Task<Integer> failing = group.spawn("failing", () -> {
                throw first;
            });
            cancelledBeforeWaitAll.await(); // the failure cancelled the sleeper without anyone waiting
            GatherException e = catchGather(group::waitAll);
            assertThat(e.exceptions()).containsOnlyKeys(1);
            assertThat(e.exception(1)).isSameAs(first);
            assertThat(e.firstException()).isSameAs(first);
            assertThat(e.getMessage()).startsWith("task group");
            assertThat(sleeper.state()).isEqualTo(TaskState.CANCELLED);
            assertThat(sleeper.exception()).hasMessageContaining("after task 'failing' failed");
            assertThat(failing.state()).isEqualTo(TaskState.FAILED);
            assertThat(group.isCancelled()).isTrue();
            group.close();
            return null;
        });
        assertThat(unwound).isTrue();
    }

    @Test
    void severalFailuresAreAllReported() {
        loop.run(() -> {
            TaskGroup group = TaskGroup.open();
            CountDownLatch bothRunning = new CountDownLatch(2);
            for (int i = 0; i < 2; i++) {
                int n = i;
                group.spawn(() -> {
                    bothRunning.countDown();
                    bothRunning.await();
                    try {
                        throw new IllegalStateException("failure " + n);
                    } finally {
                        Thread.interrupted(); // fail rather than end cancelled if the sibling failed first
                    }
                });
            }
            GatherException e = catchGather(group::waitAll);
            assertThat(e.failedCount()).isBetween(1, 2);
            return null;
        });
    }

    @RepeatedTest(20) // the group's cancellation may land anywhere in the first task's wait
    void theFirstFailureIsTheOneThatEndedFirstNotTheLowerIndex() {
        IllegalStateException early = new IllegalStateException("early");
        Error late = new Error("late: an Error fails a task even after the group cancelled it");
        loop.run(() -> {
            TaskGroup group = TaskGroup.open();
            CountDownLatch firstStarted = new CountDownLatch(1);
            CountDownLatch secondSpawned = new CountDownLatch(1);
            AtomicReference<Task<Integer>> second = new AtomicReference<>();
            Task<Integer> first = group.spawn("first", () -> {
                firstStarted.countDown(); // its body runs, so the group's cancellation cannot skip it
                try {
                    secondSpawned.await();
                    Asyncio.await(second.get());
                } catch (InterruptedException | IllegalStateException expected) {
                    // second's failure, or this task's cancellation by the group because of it (a
                    // TaskCancelledException, or the interrupt if it came while this task waited)
                }
                throw late;
            });
            second.set(group.spawn("second", () -> {
                firstStarted.await();
                throw early;
            }));
            secondSpawned.countDown();

            GatherException e = catchGather(group::waitAll);

            assertThat(first.state()).isEqualTo(TaskState.FAILED);
            assertThat(e.exceptions()).containsOnlyKeys(0, 1);
            assertThat(e.firstException()).isSameAs(early);
            group.close();
            return null;
        });
    }

    @Test
    void aTaskCancelledBySomeoneElseIsNotAFailureAndDoesNotAbortTheGroup() {
        loop.run(() -> {
            try (TaskGroup group = TaskGroup.open()) {
                Task<Integer> victim = group.spawn(sleepForever(new AtomicBoolean()));
                Task<Integer> ok = group.spawn(() -> {
                    Asyncio.sleep(10);
                    return 7;
                });
                victim.cancel();
                group.waitAll();
                assertThat(ok.result()).isEqualTo(7);
                assertThat(group.isCancelled()).isFalse();
            }
            return null;
        });
    }

    @Test
    void runWaitsForTheTasksBeforeReturningTheBodysValue() {
        List<Task<Integer>> tasks = loop.run(() -> TaskGroup.run(group -> {
            List<Task<Integer>> spawned = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int n = i;
                spawned.add(group.spawn(() -> {
                    Asyncio.sleep(n);
                    return n;
                }));
            }
            return spawned;
        }));
        assertThat(tasks).allMatch(Task::isDone);
        assertThat(tasks.stream().mapToInt(Task::result).sum()).isEqualTo(45);
    }

    @Test
    void whenRunsBodyThrowsTheTasksAreCancelledAwaitedAndTheirFailuresSuppressed() {
        AtomicBoolean unwound = new AtomicBoolean();
        IllegalStateException taskFailure = new IllegalStateException("task");
        IllegalArgumentException bodyFailure = new IllegalArgumentException("body");
        assertThatThrownBy(() -> loop.run(() -> TaskGroup.run(group -> {
                    CountDownLatch sleeping = new CountDownLatch(1);
                    group.spawn(sleepForever(unwound, sleeping));
                    awaitQuietly(sleeping);
                    Task<Integer> failing = group.spawn(() -> {
                        throw taskFailure;
                    });
                    Suspension.joinUninterruptibly(failing);
                    throw bodyFailure;
                })))
                .isSameAs(bodyFailure);
        assertThat(bodyFailure.getSuppressed()).contains(taskFailure);
        assertThat(unwound).isTrue();
    }

    @Test
    void closeWithoutWaitAllCancelsWaitsAndSaysWaitAllWasNotCalled() {
        AtomicBoolean unwound = new AtomicBoolean();
        loop.run(() -> {
            TaskGroup group = TaskGroup.open();
            CountDownLatch sleeping = new CountDownLatch(1);
            Task<Integer> task = group.spawn(sleepForever(unwound, sleeping));
            sleeping.await();
            assertThatThrownBy(group::close)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("waitAll()");
            assertThat(task.isCancelled()).isTrue();
            group.close(); // second close: nothing left to do
            return null;
        });
        assertThat(unwound).isTrue();
    }

    @Test
    void underAPropagatingExceptionTheCloseComplaintIsSuppressed() {
        IllegalStateException primary = new IllegalStateException("primary");
        assertThatThrownBy(() -> loop.run(() -> {
                    try (TaskGroup group = TaskGroup.open()) {
                        group.spawn(sleepForever(new AtomicBoolean()));
                        throw primary;
                    }
                }))
                .isSameAs(primary);
        assertThat(primary.getSuppressed()).hasSize(1);
        assertThat(primary.getSuppressed()[0]).hasMessageContaining("waitAll()");
    }

    @Test
    void closingAfterEveryTaskEndedWithoutWaitAllIsQuiet() {
        loop.run(() -> {
            TaskGroup group = TaskGroup.open();
            Task<Integer> t = group.spawn(() -> 1);
            Suspension.join(t);
            group.close();
            return null;
        });
    }

    @Test
    void closeFromAnotherThreadIsRefused() throws Exception {
        TaskGroup group = new TaskGroup(loop.rootScope());
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread other = Thread.ofVirtual().start(() -> {
            try {
                group.close();
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        other.join();
        assertThat(thrown.get()).isInstanceOf(WrongThreadException.class);
        group.waitAll();
        group.close();
    }

    @RepeatedTest(20)
    void aFailureJustBeforeWaitAllIsNeverMissed() {
        // waitAll may join a task whose done callback is still running on the task's thread: the report must not
        // depend on that callback
        loop.run(() -> {
            for (int i = 0; i < 100; i++) {
                TaskGroup group = TaskGroup.open();
                group.spawn(() -> {
                    throw new IllegalStateException("just before");
                });
                assertThat(catchGather(group::waitAll).failedCount()).isEqualTo(1);
            }
            return null;
        });
    }

    @Test
    void aGroupThatAFailureCancelledRefusesNewTasks() {
        loop.run(() -> {
            TaskGroup group = TaskGroup.open();
            Task<Integer> failing = group.spawn(() -> {
                throw new IllegalStateException("x");
            });
            Suspension.joinUninterruptibly(failing);
            assertThatThrownBy(() -> group.spawn(() -> 1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cancelled");
            catchGather(group::waitAll);
            return null;
        });
    }

    @Test
    void cancelCancelsTheTasksAndRefusesNewOnes() {
        loop.run(() -> {
            TaskGroup group = TaskGroup.open();
            Task<Integer> task = group.spawn(sleepForever(new AtomicBoolean()));
            group.cancel();
            assertThat(group.isCancelled()).isTrue();
            assertThatThrownBy(() -> group.spawn(() -> 1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cancelled");
            group.waitAll(); // cancelled tasks are not failures
            assertThat(task.isCancelled()).isTrue();
            assertThat(task.exception()).hasMessageContaining("its task group was cancelled");
            group.close();
            return null;
        });
    }

    @Test
    void cancellingTheWaiterCancelsTheGroupsTasks() throws Exception {
        AtomicReference<Task<Integer>> child = new AtomicReference<>();
        CountDownLatch waiting = new CountDownLatch(1);
        Task<Object> owner = loop.createTask(() -> {
            try (TaskGroup group = TaskGroup.open()) {
                child.set(group.spawn(sleepForever(new AtomicBoolean())));
                waiting.countDown();
                group.waitAll();
            }
            return null;
        });
        waiting.await();
        owner.cancel();
        assertThatThrownBy(() -> Asyncio.await(owner)).isInstanceOf(TaskCancelledException.class);
        assertThat(child.get().isCancelled()).isTrue();
    }

    @Test
    void openWithoutAScopeSaysWhatToDo() {
        assertThatThrownBy(TaskGroup::open)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs a current scope");
        assertThatThrownBy(() -> new TaskGroup(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aGroupOnAnExplicitScopeRegistersItsTasksThere() {
        CancellationScope.run(scope -> {
            TaskGroup group = new TaskGroup(scope);
            Task<Integer> t = group.spawn(() -> 1);
            assertThat(t.scope()).isSameAs(scope);
            group.waitAll();
            return null;
        });
    }

    @RepeatedTest(10)
    void manyTasksWithOneFailureNeverLeaveARunningTask() {
        AtomicInteger started = new AtomicInteger();
        loop.run(() -> {
            TaskGroup group = TaskGroup.open();
            List<Task<Integer>> all = new ArrayList<>();
            CountDownLatch allSpawned = new CountDownLatch(1); // a cancelled group refuses spawns, as in Python
            for (int i = 0; i < 500; i++) {
                int n = i;
                all.add(group.spawn(() -> {
                    started.incrementAndGet();
                    if (n == 250) {
                        allSpawned.await();
                        throw new IllegalStateException("the one");
                    }
                    Asyncio.sleep(Duration.ofMinutes(10));
                    return n;
                }));
            }
            allSpawned.countDown();
            GatherException e = catchGather(group::waitAll);
            assertThat(e.exceptions()).containsOnlyKeys(250);
            assertThat(all).allMatch(Task::isDone);
            assertThat(group.taskCount()).isZero();
            return null;
        });
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static GatherException catchGather(Runnable action) {
        try {
            action.run();
        } catch (GatherException e) {
            return e;
        }
        throw new AssertionError("expected a GatherException");
    }
}

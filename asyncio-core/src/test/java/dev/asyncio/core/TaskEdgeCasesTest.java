package dev.asyncio.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.asyncio.Asyncio;
import dev.asyncio.core.observe.TaskEvent;
import dev.asyncio.exception.TaskCancelledException;
import dev.asyncio.exception.TaskFailedException;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Edge cases of a task's state machine, its callbacks, its future view and await of tasks and stages. */
class TaskEdgeCasesTest {
    private final EventLoop loop = EventLoop.builder().name("task-edges").build();

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    // ---- done callbacks -----------------------------------------------------------------------------------------

    /** A throwing done callback on an already completed task is logged and does not reach the caller. */
    @Test
    void aThrowingCallbackOnACompletedTaskDoesNotReachTheCaller() {
        Task<Integer> done = Task.completed(1);
        AtomicBoolean second = new AtomicBoolean();

        assertThatCode(() -> done.addDoneCallback(t -> {
                    throw new IllegalStateException("boom");
                }))
                .doesNotThrowAnyException();
        done.addDoneCallback(t -> second.set(true));
        assertThat(second).isTrue();
    }

    /** A throwing done callback on an already finished runtime task is logged and does not reach the caller. */
    @Test
    void aThrowingCallbackOnAFinishedRuntimeTaskDoesNotReachTheCaller() {
        Task<Integer> task = loop.createTask(() -> 1);
        Asyncio.await(task);
        assertThatCode(() -> task.addDoneCallback(t -> {
                    throw new IllegalStateException("boom");
                }))
                .doesNotThrowAnyException();
    }

    /** Every done callback runs with no interrupt set, even when an earlier callback interrupted the thread. */
    @Test
    void everyCallbackRunsWithNoInterruptSetEvenAfterAnEarlierOneInterrupted() throws Exception {
        CountDownLatch finish = new CountDownLatch(1);
        AtomicReference<Boolean> secondSawInterrupt = new AtomicReference<>();
        Task<Integer> task = loop.createTask(() -> {
            finish.await();
            return 1;
        });
        task.addDoneCallback(t -> Thread.currentThread().interrupt());
        task.addDoneCallback(t -> secondSawInterrupt.set(Thread.currentThread().isInterrupted()));
        finish.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> secondSawInterrupt.get() != null);
        assertThat(secondSawInterrupt.get()).isFalse();
    }

    /**
     * Cancelling a pending task runs its done callbacks on the canceller's thread without leaving an interrupt there,
     * even if a callback interrupted the thread.
     */
    @Test
    void cancellingAPendingTaskLeavesNoInterruptFromItsCallbacksOnTheCanceller() throws Exception {
        try (EventLoop limited =
                EventLoop.builder().name("limited").maxConcurrentTasks(1).build()) {
            CountDownLatch release = new CountDownLatch(1);
            Task<Integer> blocker = limited.createTask(() -> {
                release.await();
                return 0;
            });
            try {
                Task<Integer> pending = limited.createTask(() -> 1);
                assertThat(pending.state()).isEqualTo(TaskState.PENDING);
                pending.addDoneCallback(t -> Thread.currentThread().interrupt());
                assertThat(pending.cancel()).isTrue();
                assertThat(Thread.interrupted()).isFalse();
            } finally {
                release.countDown();
            }
            Asyncio.await(blocker);
        }
    }

    /** Callbacks added concurrently with the task's end each run exactly once. */
    @RepeatedTest(30)
    void callbacksAddedWhileTheTaskEndsRunExactlyOnce() throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        Task<Integer> task = loop.createTask(() -> {
            start.await(5, TimeUnit.SECONDS);
            return 1;
        });
        AtomicInteger[] counts = new AtomicInteger[200];
        start.await(5, TimeUnit.SECONDS);
        for (int i = 0; i < counts.length; i++) {
            AtomicInteger count = new AtomicInteger();
            counts[i] = count;
            task.addDoneCallback(t -> count.incrementAndGet());
        }
        Asyncio.await(task);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> List.of(counts).stream().allMatch(c -> c.get() >= 1));
        assertThat(counts).allMatch(c -> c.get() == 1);
    }

    // ---- cancel racing the end ----------------------------------------------------------------------------------

    /** A cancel racing the body's return either wins (true, CANCELLED) or loses (false, COMPLETED), never both. */
    @RepeatedTest(50)
    void aCancelRacingTheReturnWinsOnlyIfTheTaskEndsCancelled() throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        Task<Integer> task = loop.createTask(() -> {
            start.await(5, TimeUnit.SECONDS);
            return 1;
        });
        start.await(5, TimeUnit.SECONDS);
        boolean won = task.cancel("race");
        boolean second = task.cancel("again");
        task.toCompletableFuture().handle((v, e) -> null).get(5, TimeUnit.SECONDS);
        Suspension.joinUninterruptibly(task);
        assertThat(second).isFalse();
        assertThat(task.state()).isEqualTo(won ? TaskState.CANCELLED : TaskState.COMPLETED);
        TaskState seen = task.state();
        Throwable exception = task.exception();
        assertThat(task.state()).isEqualTo(seen);
        assertThat(task.exception()).isSameAs(exception);
    }

    /** An Error thrown by a cancelled body makes the task FAILED with that Error. */
    @Test
    void anErrorThrownByACancelledBodyMakesTheTaskFailed() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        Task<Integer> task = loop.createTask(() -> {
            running.countDown();
            try {
                Asyncio.sleep(Duration.ofMinutes(5));
            } catch (TaskCancelledException e) {
                throw new AssertionError("cleanup failed");
            }
            return 1;
        });
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(task.cancel()).isTrue();
        Suspension.joinUninterruptibly(task);
        assertThat(task.state()).isEqualTo(TaskState.FAILED);
        assertThat(task.exception()).isInstanceOf(AssertionError.class);
    }

    // ---- the future view ----------------------------------------------------------------------------------------

    /**
     * Cancelling the future of a task that is already terminal (while its terminal event is being delivered) changes
     * nothing: the future completes with the task's result.
     */
    @Test
    void cancellingTheFutureOfATerminalTaskDoesNotReportItCancelled() throws Exception {
        CountDownLatch inEvent = new CountDownLatch(1);
        CountDownLatch leaveEvent = new CountDownLatch(1);
        AtomicReference<Task<?>> watched = new AtomicReference<>();
        loop.observable().register(event -> {
            if (event.type() == TaskEvent.Type.COMPLETED && event.task() == watched.get()) {
                inEvent.countDown();
                try {
                    leaveEvent.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        CountDownLatch finish = new CountDownLatch(1);
        Task<Integer> task = loop.createTask(() -> {
            finish.await();
            return 7;
        });
        watched.set(task);
        CompletableFuture<Integer> future;
        try {
            finish.countDown();
            assertThat(inEvent.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(task.isDone()).isTrue();
            future = task.toCompletableFuture();
            future.cancel(true);
        } finally {
            leaveEvent.countDown();
        }
        Asyncio.await(task);
        assertThat(task.state()).isEqualTo(TaskState.COMPLETED);
        assertThat(future).isCompletedWithValue(7);
    }

    /** Completing the future by hand does not touch the task. */
    @Test
    void completingTheFutureByHandLeavesTheTaskAlone() throws Exception {
        CountDownLatch finish = new CountDownLatch(1);
        Task<Integer> task = loop.createTask(() -> {
            finish.await();
            return 1;
        });
        CompletableFuture<Integer> future = task.toCompletableFuture();
        future.complete(2);
        future.obtrudeException(new IOException("x"));
        finish.countDown();
        assertThat(Asyncio.await(task)).isEqualTo(1);
        assertThat(task.state()).isEqualTo(TaskState.COMPLETED);
    }

    /** The future of a task that returned null completes with null. */
    @Test
    void theFutureOfATaskReturningNullCompletesWithNull() throws Exception {
        Task<String> task = loop.createTask(() -> null);
        assertThat(task.toCompletableFuture().get(5, TimeUnit.SECONDS)).isNull();
        assertThat(Asyncio.await(task)).isNull();
    }

    // ---- await of stages ----------------------------------------------------------------------------------------

    /** Awaiting a stage that depends on a cancelled future throws TaskCancelledException. */
    @Test
    void awaitingAStageDerivedFromACancelledFutureThrowsTaskCancelled() {
        CompletableFuture<Integer> source = new CompletableFuture<>();
        source.cancel(true);
        CompletableFuture<Integer> derived = source.thenApply(x -> x + 1);

        assertThatThrownBy(() -> Asyncio.await(derived)).isInstanceOf(TaskCancelledException.class);
    }

    /** A task that awaits a stage derived from a cancelled future ends CANCELLED, as when it awaits a cancelled task. */
    @Test
    void aTaskAwaitingAStageDerivedFromACancelledFutureEndsCancelled() {
        CompletableFuture<Integer> source = new CompletableFuture<>();
        source.cancel(true);
        Task<Integer> task = loop.createTask(() -> Asyncio.await(source.thenApply(x -> x + 1)));
        Suspension.joinUninterruptibly(task);
        assertThat(task.state()).isEqualTo(TaskState.CANCELLED);
    }

    /** A stage failing with a CompletionException-wrapped checked exception rethrows it wrapped like result(). */
    @Test
    void awaitingAStageFailingWithAWrappedCheckedExceptionRethrowsItAsTaskFailed() {
        IOException cause = new IOException("disk");
        CompletableFuture<Integer> failed = CompletableFuture.failedFuture(new CompletionException(cause));
        assertThatThrownBy(() -> Asyncio.await(failed))
                .isInstanceOf(TaskFailedException.class)
                .hasCause(cause);
    }

    /** A minimal stage (whose toCompletableFuture throws) is awaited through its callbacks. */
    @Test
    void awaitingAMinimalStageWorks() {
        CompletableFuture<Integer> source = new CompletableFuture<>();
        CompletionStage<Integer> minimal = minimalStage(source);
        Task<Integer> waiter = loop.createTask(() -> Asyncio.await(minimal));
        source.complete(5);
        assertThat(Asyncio.await(waiter)).isEqualTo(5);

        CompletableFuture<Integer> failing = new CompletableFuture<>();
        IOException cause = new IOException("x");
        failing.completeExceptionally(cause);
        assertThatThrownBy(() -> Asyncio.await(minimalStage(failing)))
                .isInstanceOf(TaskFailedException.class)
                .hasCause(cause);

        CompletableFuture<Integer> cancelled = new CompletableFuture<>();
        cancelled.cancel(false);
        assertThatThrownBy(() -> Asyncio.await(minimalStage(cancelled))).isInstanceOf(TaskCancelledException.class);
    }

    /** Awaiting a cancelled task on a plain thread leaves the caller's interrupt status clear. */
    @Test
    void awaitingACancelledOrFailedTaskLeavesNoInterruptOnTheCaller() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        Task<Integer> sleeper = loop.createTask(() -> {
            running.countDown();
            Asyncio.sleep(Duration.ofMinutes(5));
            return 1;
        });
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        sleeper.cancel();
        assertThatThrownBy(() -> Asyncio.await(sleeper)).isInstanceOf(TaskCancelledException.class);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        Task<Integer> failing = loop.createTask(() -> {
            throw new IOException("x");
        });
        assertThatThrownBy(() -> Asyncio.await(failing)).isInstanceOf(TaskFailedException.class);
        assertThat(Thread.interrupted()).isFalse();
    }

    /** Awaiting a task of another loop from a task works. */
    @Test
    void aTaskAwaitsATaskOfAnotherLoop() {
        try (EventLoop other = EventLoop.builder().name("other").build()) {
            Task<Integer> foreign = other.createTask(() -> 41);
            assertThat(loop.run(() -> Asyncio.await(foreign) + 1)).isEqualTo(42);
        }
    }

    /** run() of another loop inside a task is refused by Asyncio.run, allowed by that loop's own run. */
    @Test
    void runInsideATask() {
        try (EventLoop other = EventLoop.builder().name("other").build()) {
            Task<Integer> task = loop.createTask(() -> other.run(() -> 3));
            assertThat(Asyncio.await(task)).isEqualTo(3);
            Task<Integer> nested = loop.createTask(() -> Asyncio.run(() -> 3));
            assertThatThrownBy(() -> Asyncio.await(nested))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Asyncio.run()");
        }
    }

    /** Asyncio.createTask with no current scope says what to do instead. */
    @Test
    void createTaskWithNoScopeSaysWhatToDo() {
        assertThatThrownBy(() -> Asyncio.createTask(() -> 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Asyncio.run()");
    }

    /** Null arguments throw NullPointerException naming the parameter. */
    @Test
    void nullArgumentsAreNamed() {
        Task<Integer> task = Task.completed(1);
        assertThatThrownBy(() -> Asyncio.await((Task<Integer>) null)).hasMessageContaining("task");
        assertThatThrownBy(() -> Asyncio.await((CompletionStage<Integer>) null)).hasMessageContaining("stage");
        assertThatThrownBy(() -> task.addDoneCallback(null)).hasMessageContaining("callback");
        assertThatThrownBy(() -> task.cancel(null)).hasMessageContaining("reason");
        assertThatThrownBy(() -> Suspension.suspend(null)).hasMessageContaining("wait");
        assertThatThrownBy(() -> Suspension.join(task, null)).hasMessageContaining("timeout");
        assertThatThrownBy(() -> Suspension.join(null, Duration.ZERO)).hasMessageContaining("task");
        assertThatThrownBy(() -> Suspension.joinUninterruptibly(null)).hasMessageContaining("task");
        assertThatThrownBy(() -> Asyncio.run(null)).hasMessageContaining("main");
        assertThatThrownBy(() -> loop.createTask(null)).hasMessageContaining("body");
        assertThatThrownBy(() -> loop.createTask(null, () -> 1)).hasMessageContaining("name");
        Task<Integer> real = loop.createTask(() -> 1);
        assertThatThrownBy(() -> real.addDoneCallback(null)).hasMessageContaining("callback");
        assertThatThrownBy(() -> real.cancel(null)).hasMessageContaining("reason");
        Asyncio.await(real);
    }

    /** {@return a stage over {@code delegate} whose toCompletableFuture is unsupported, as some libraries' are} */
    @SuppressWarnings("unchecked") // the proxy implements CompletionStage and forwards to a CompletableFuture<T>
    private static <T> CompletionStage<T> minimalStage(CompletableFuture<T> delegate) {
        return (CompletionStage<T>) Proxy.newProxyInstance(
                CompletionStage.class.getClassLoader(),
                new Class<?>[] {CompletionStage.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("toCompletableFuture")) {
                        throw new UnsupportedOperationException();
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /**
     * Callbacks added before the task is done run in the order they were added, on the thread that ends it; one added
     * once the task is done runs at once, on the adding thread, as DESIGN.md says, even while earlier callbacks are
     * still running.
     */
    @Test
    void aCallbackAddedOnceTheTaskIsDoneRunsAtOnceEvenWhileEarlierOnesStillRun() throws Exception {
        CountDownLatch finish = new CountDownLatch(1);
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        List<String> order = new CopyOnWriteArrayList<>();
        Task<Integer> task = loop.createTask(() -> {
            finish.await();
            return 1;
        });
        task.addDoneCallback(t -> {
            order.add("first");
            firstStarted.countDown();
            try {
                releaseFirst.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        task.addDoneCallback(t -> order.add("second"));
        try {
            finish.countDown();
            assertThat(firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
            Thread adder = Thread.currentThread();
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            task.addDoneCallback(t -> {
                ranOn.set(Thread.currentThread());
                order.add("late");
            });
            assertThat(ranOn.get()).isSameAs(adder);
            assertThat(order).containsExactly("first", "late");
        } finally {
            releaseFirst.countDown();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> order.size() == 3);
        assertThat(order).containsExactly("first", "late", "second");
    }

    /**
     * A task that cancels a pending task runs that task's done callbacks on its own thread; if the canceller is itself
     * cancelled meanwhile, its cancellation keeps its interrupt, so its next plain JDK blocking call is interrupted.
     */
    @RepeatedTest(5)
    void aCancellerCancelledWhileItRunsAPendingTasksCallbacksKeepsItsInterrupt() throws Exception {
        try (EventLoop limited = EventLoop.builder()
                .name("task-edges-limited")
                .maxConcurrentTasks(1)
                .build()) {
            CountDownLatch callbackRunning = new CountDownLatch(1);
            AtomicBoolean cancelSent = new AtomicBoolean();
            CountDownLatch afterTheCancel = new CountDownLatch(1);
            AtomicReference<Task<Integer>> pending = new AtomicReference<>();
            Task<Integer> canceller = limited.createTask(() -> {
                Task<Integer> queued = limited.createTask(() -> 1); // PENDING: this task holds the one slot
                queued.addDoneCallback(t -> {
                    callbackRunning.countDown();
                    while (!cancelSent.get()) {
                        Thread.onSpinWait(); // runs on the canceller's thread, and does not touch its interrupt
                    }
                });
                pending.set(queued);
                queued.cancel();
                afterTheCancel.await(); // a plain JDK call: the canceller's own cancellation must interrupt it
                return 1;
            });
            try {
                assertThat(callbackRunning.await(5, TimeUnit.SECONDS)).isTrue();
                canceller.cancel();
                cancelSent.set(true);
                await().atMost(Duration.ofSeconds(30)).until(canceller::isDone);
                assertThat(canceller.state()).isEqualTo(TaskState.CANCELLED);
                assertThat(pending.get().state()).isEqualTo(TaskState.CANCELLED);
            } finally {
                cancelSent.set(true);
                afterTheCancel.countDown();
            }
        }
    }
}

package dev.asyncio.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.asyncio.Asyncio;
import dev.asyncio.exception.TaskCancelledException;
import dev.asyncio.exception.TaskFailedException;
import dev.asyncio.testing.LogCapture;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The life of one task: results, failure shapes, names, callbacks and the future view. */
class TaskTest {
    private final EventLoop loop = EventLoop.builder().name("task-test").build();

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    @Test
    void aTaskRunsOnAVirtualThreadNamedAfterTheLoopAndTheTask() {
        List<Thread> threads = loop.run(() -> {
            Task<Thread> named = Asyncio.createTask("fetch-user", Thread::currentThread);
            Task<Thread> anonymous = Asyncio.createTask(Thread::currentThread);
            List<Thread> both = Asyncio.gather(named, anonymous);
            assertThat(both.get(0).getName()).isEqualTo("task-test/fetch-user");
            assertThat(both.get(1).getName()).isEqualTo("task-test/task-" + anonymous.id());
            return both;
        });
        assertThat(threads).allMatch(Thread::isVirtual);
    }

    @Test
    void aTaskRunsItsBodyOnAVirtualThreadNamedAfterTheLoopAndTask() {
        Task<String> task = loop.createTask("greeter", () -> {
            Thread t = Thread.currentThread();
            return t.isVirtual() + " " + t.getName();
        });
        assertThat(Asyncio.await(task)).isEqualTo("true task-test/greeter");
        assertThat(task.state()).isEqualTo(TaskState.COMPLETED);
        assertThat(task.isDone()).isTrue();
        assertThat(task.hasException()).isFalse();
        assertThat(task.exception()).isNull();
    }

    @Test
    void unnamedTasksAreCalledTaskDashIdAndIdsAreUniqueAcrossLoops() {
        try (EventLoop other = EventLoop.create()) {
            Task<Integer> a = loop.createTask(() -> 1);
            Task<Integer> b = other.createTask(() -> 2);
            assertThat(a.name()).isEqualTo("task-" + a.id());
            assertThat(a.id()).isNotEqualTo(b.id());
            Asyncio.gather(a, b);
        }
    }

    @Test
    void resultOfAnUnfinishedTaskThrowsIllegalState() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Task<Integer> task = loop.createTask(() -> {
            release.await();
            return 1;
        });
        assertThatThrownBy(task::result)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not done");
        release.countDown();
        assertThat(Asyncio.await(task)).isEqualTo(1);
    }

    @Test
    void aFailedTaskRethrowsUncheckedFailuresAsTheyAre() {
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        Task<Integer> task = loop.createTask(() -> {
            throw boom;
        });
        assertThatThrownBy(() -> Asyncio.await(task)).isSameAs(boom);
        assertThatThrownBy(task::result).isSameAs(boom);
        assertThat(task.state()).isEqualTo(TaskState.FAILED);
        assertThat(task.exception()).isSameAs(boom);
        assertThat(task.hasException()).isTrue();
    }

    @Test
    void aCheckedFailureIsWrappedInTaskFailedExceptionWhileExceptionReturnsTheOriginal() {
        IOException io = new IOException("disk");
        Task<Integer> task = loop.createTask("reader", () -> {
            throw io;
        });
        assertThatThrownBy(() -> Asyncio.await(task))
                .isInstanceOf(TaskFailedException.class)
                .hasCause(io)
                .hasMessageContaining("reader");
        assertThat(task.exception()).isSameAs(io);
    }

    @Test
    void anErrorMakesTheTaskFailed() {
        Task<Integer> task = loop.createTask(() -> {
            throw new AssertionError("bad");
        });
        assertThatThrownBy(() -> Asyncio.await(task)).isInstanceOf(AssertionError.class);
        assertThat(task.state()).isEqualTo(TaskState.FAILED);
    }

    @Test
    void aCancelledTaskThrowsTaskCancelledExceptionFromResultAndAwait() {
        Task<Integer> task = loop.createTask(() -> {
            Asyncio.sleep(60_000);
            return 1;
        });
        task.cancel();
        assertThatThrownBy(() -> Asyncio.await(task)).isInstanceOf(TaskCancelledException.class);
        assertThatThrownBy(task::result).isInstanceOf(TaskCancelledException.class);
        assertThat(task.exception()).isInstanceOf(TaskCancelledException.class);
        assertThat(task.isCancelled()).isTrue();
    }

    @Test
    void doneCallbacksRunInOrderAfterTheTaskIsTerminalWithNoCurrentTaskAndNoInterrupt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Task<String> task = loop.createTask(() -> {
            release.await();
            return "x";
        });
        List<String> seen = new CopyOnWriteArrayList<>();
        CountDownLatch called = new CountDownLatch(2);
        task.addDoneCallback(t -> {
            seen.add("first " + t.state() + " " + (Task.current() == null) + " "
                    + Thread.currentThread().isInterrupted());
            called.countDown();
        });
        task.addDoneCallback(t -> {
            seen.add("second");
            called.countDown();
        });
        task.cancel();
        assertThat(called.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(seen).containsExactly("first CANCELLED true false", "second");
    }

    @Test
    void aCallbackAddedToADoneTaskRunsAtOnceAndAThrowingCallbackBreaksNothing() {
        Task<Integer> task = loop.createTask(() -> 7);
        Asyncio.await(task);
        AtomicReference<Integer> got = new AtomicReference<>();
        task.addDoneCallback(t -> {
            throw new IllegalStateException("callback fault");
        });
        task.addDoneCallback(t -> got.set(t.result()));
        assertThat(got.get()).isEqualTo(7);
        assertThat(task.state()).isEqualTo(TaskState.COMPLETED);
    }

    @Test
    void theFutureViewCompletesWithTheTask() throws Exception {
        Task<Integer> ok = loop.createTask(() -> 5);
        assertThat(ok.toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(5);

        IllegalStateException boom = new IllegalStateException("boom");
        Task<Integer> bad = loop.createTask(() -> {
            throw boom;
        });
        CompletableFuture<Integer> failed = bad.toCompletableFuture();
        assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCause(boom);
    }

    @Test
    void cancellingTheFutureViewCancelsTheTask() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Task<Integer> task = loop.createTask(() -> {
            started.countDown();
            Asyncio.sleep(60_000);
            return 1;
        });
        started.await();
        CompletableFuture<Integer> future = task.toCompletableFuture();
        assertThat(future.cancel(true)).isTrue();
        await().until(task::isDone);
        assertThat(task.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(task.exception()).hasMessageContaining("CompletableFuture was cancelled");
    }

    @Test
    void aCancelledTaskCompletesItsFutureAsCancelled() {
        Task<Integer> task = loop.createTask(() -> {
            Asyncio.sleep(60_000);
            return 1;
        });
        CompletableFuture<Integer> future = task.toCompletableFuture();
        task.cancel();
        await().until(future::isDone);
        assertThat(future.isCancelled()).isTrue();
    }

    @Test
    void statsRecordTheTimeline() {
        Task<Integer> task = loop.createTask("timed", () -> {
            Asyncio.sleep(5);
            return 1;
        });
        Asyncio.await(task);
        TaskStats stats = task.stats();
        assertThat(stats.id()).isEqualTo(task.id());
        assertThat(stats.name()).isEqualTo("timed");
        assertThat(stats.state()).isEqualTo(TaskState.COMPLETED);
        assertThat(stats.startedAt()).isAfterOrEqualTo(stats.createdAt());
        assertThat(stats.completedAt()).isAfterOrEqualTo(stats.startedAt());
        assertThat(stats.waitTime()).isNotNull().isGreaterThanOrEqualTo(java.time.Duration.ZERO);
        assertThat(stats.duration()).isNotNull().isGreaterThanOrEqualTo(java.time.Duration.ofMillis(5));
        assertThat(stats.hasException()).isFalse();
    }

    @Test
    void aTaskKnowsItsScopeAndTheTaskThatCreatedIt() {
        Asyncio.run(() -> {
            Task<?> main = java.util.Objects.requireNonNull(Task.current());
            Task<Task<?>> child = Asyncio.createTask(Task::current);
            Task<?> self = Asyncio.await(child);
            assertThat(self).isSameAs(child);
            assertThat(child.parent()).isSameAs(main);
            assertThat(child.scope()).isSameAs(main.scope());
            assertThat(main.parent()).isNull();
            return null;
        });
    }

    @Test
    void aCompletedTaskBelongsToNoLoopAndIsDone() {
        Task<String> done = Task.completed("v");
        assertThat(done.isDone()).isTrue();
        assertThat(done.state()).isEqualTo(TaskState.COMPLETED);
        assertThat(done.result()).isEqualTo("v");
        assertThat(done.cancel()).isFalse();
        assertThat(done.scope()).isNull();
        assertThat(done.parent()).isNull();
        assertThat(done.toCompletableFuture()).isCompletedWithValue("v");
        assertThat(Asyncio.await(done)).isEqualTo("v");
        assertThat(done.stats().state()).isEqualTo(TaskState.COMPLETED);
        AtomicReference<Task<String>> seen = new AtomicReference<>();
        done.addDoneCallback(seen::set);
        assertThat(seen.get()).isSameAs(done);
    }

    @Test
    void aThrowableEscapingATaskThreadIsLoggedWithTheTaskAndTheThreadForgetsTheTaskAfterItEnds() throws Exception {
        AtomicReference<Thread> thread = new AtomicReference<>();
        try (LogCapture log = LogCapture.capture()) {
            Task<String> task = loop.createTask("escaper", () -> {
                thread.set(Thread.currentThread());
                Thread.UncaughtExceptionHandler handler = Thread.currentThread().getUncaughtExceptionHandler();
                handler.uncaughtException(Thread.currentThread(), new IllegalStateException("escaped"));
                return Asyncio.currentTask().name();
            });
            assertThat(Asyncio.await(task)).isEqualTo("escaper");
            assertThat(log.containing("uncaught exception"))
                    .singleElement()
                    .satisfies(event -> assertThat(event.getFormattedMessage()).contains("escaper"))
                    .satisfies(event ->
                            assertThat(event.getThrowableProxy().getMessage()).isEqualTo("escaped"));
        }
        thread.get().join();
        assertThat(thread.get().getUncaughtExceptionHandler()).isNull(); // a terminated thread holds no handler
    }

    @Test
    void tasksCompareByIdentity() {
        Task<Integer> a = loop.createTask(() -> 1);
        Task<Integer> b = loop.createTask(() -> 1);
        Asyncio.gather(a, b);
        assertThat(a).isNotEqualTo(b).isEqualTo(a);
        assertThat(a.toString()).contains(a.name());
    }
}

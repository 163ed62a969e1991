package dev.asyncio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio.core.CancellationScope;
import dev.asyncio.core.EventLoop;
import dev.asyncio.core.Task;
import dev.asyncio.core.TaskState;
import dev.asyncio.exception.TaskCancelledException;
import dev.asyncio.exception.TaskFailedException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The facade: run, createTask, await, sleep, introspection, context, and how each rejects bad input. */
class AsyncioTest {

    @Test
    void runReturnsMainsResultFromATaskNamedMainOnTheDefaultLoop() {
        String where = Asyncio.run(() ->
                Asyncio.currentTask().name() + "@" + Asyncio.getEventLoop().name());
        assertThat(where).isEqualTo("main@" + EventLoop.getDefault().name());
    }

    @Test
    void runRethrowsMainsFailureLikeResult() {
        IllegalStateException boom = new IllegalStateException("boom");
        assertThatThrownBy(() -> Asyncio.run(() -> {
                    throw boom;
                }))
                .isSameAs(boom);
        assertThatThrownBy(() -> Asyncio.run(() -> {
                    throw new IOException("io");
                }))
                .isInstanceOf(TaskFailedException.class)
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void runCancelsAndAwaitsWhateverMainLeftRunning() {
        AtomicReference<Task<Integer>> orphan = new AtomicReference<>();
        Asyncio.run(() -> {
            orphan.set(Asyncio.createTask(() -> {
                Asyncio.sleep(600_000);
                return 1;
            }));
            return null;
        });
        assertThat(orphan.get().state()).isEqualTo(TaskState.CANCELLED);
    }

    @Test
    void runInsideATaskIsRefused() {
        assertThatThrownBy(() -> Asyncio.run(() -> Asyncio.run(() -> 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Asyncio.run() was called from task 'main'");
        try (EventLoop loop = EventLoop.create()) {
            assertThatThrownBy(() -> loop.run(() -> loop.run(() -> 1)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("run() was called from task 'main'");
        }
    }

    @Test
    void mainInheritsTheCallersContext() {
        Asyncio.setContext("request", "r-1");
        try {
            assertThat(Asyncio.run(() -> Asyncio.<String>getContext("request"))).isEqualTo("r-1");
        } finally {
            Asyncio.clearContext();
        }
    }

    @Test
    void createTaskWithoutAScopeSaysWhatToDo() {
        assertThatThrownBy(() -> Asyncio.createTask(() -> 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs a current scope")
                .hasMessageContaining("Asyncio.run()");
    }

    @Test
    void createTaskInsideCancellationScopeRunOnAPlainThreadWorks() {
        int value = CancellationScope.run(() -> Asyncio.await(Asyncio.createTask(() -> 4)));
        assertThat(value).isEqualTo(4);
    }

    @Test
    void awaitingTheTaskYouAreRunningInThrowsInsteadOfHanging() {
        assertThatThrownBy(() -> Asyncio.run(() -> Asyncio.await(Asyncio.currentTask())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot await itself");
    }

    @Test
    void awaitBridgesCompletionStages() {
        assertThat(Asyncio.await(CompletableFuture.supplyAsync(() -> 5))).isEqualTo(5);
        assertThat(Asyncio.await(CompletableFuture.completedStage("stage"))).isEqualTo("stage");
        IllegalStateException boom = new IllegalStateException("boom");
        assertThatThrownBy(() -> Asyncio.await(CompletableFuture.failedFuture(boom)))
                .isSameAs(boom);
        assertThatThrownBy(() -> Asyncio.await(CompletableFuture.failedFuture(new IOException("io"))))
                .isInstanceOf(TaskFailedException.class)
                .hasCauseInstanceOf(IOException.class);
        CompletableFuture<Integer> cancelled = new CompletableFuture<>();
        cancelled.cancel(false);
        assertThatThrownBy(() -> Asyncio.await(cancelled)).isInstanceOf(TaskCancelledException.class);
    }

    @Test
    void awaitOfAStageIsCancellableAndDoesNotCancelTheStage() {
        CompletableFuture<Integer> never = new CompletableFuture<>();
        Task<Integer> waiter = EventLoop.getDefault().createTask(() -> Asyncio.await(never));
        org.awaitility.Awaitility.await().until(() -> waiter.state() == TaskState.RUNNING);
        waiter.cancel();
        assertThatThrownBy(() -> Asyncio.await(waiter)).isInstanceOf(TaskCancelledException.class);
        assertThat(never.isCancelled()).isFalse();
    }

    @Test
    void sleepRejectsNegativeDurationsAndZeroYields() {
        assertThatThrownBy(() -> Asyncio.sleep(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be negative");
        assertThatThrownBy(() -> Asyncio.sleep(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Asyncio.sleep(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("duration");
        Asyncio.sleep(0);
        Asyncio.sleep(Duration.ZERO);
    }

    @Test
    void nullArgumentsAreRejectedNamingTheParameter() {
        assertThatThrownBy(() -> Asyncio.run(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("main");
        assertThatThrownBy(() -> Asyncio.createTask(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("body");
        assertThatThrownBy(() -> Asyncio.createTask(null, () -> 1))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("name");
        assertThatThrownBy(() -> Asyncio.await((Task<Integer>) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("task");
        assertThatThrownBy(() -> Asyncio.await((CompletableFuture<Integer>) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("stage");
        assertThatThrownBy(() -> Asyncio.run(() -> Asyncio.createTask("  ", () -> 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blank");
    }

    @Test
    void currentTaskIsNullOutsideTasksAndCheckCancelledIsQuietThere() {
        assertThat(Asyncio.currentTask()).isNull();
        Asyncio.checkCancelled();
        assertThat(Asyncio.getEventLoop()).isSameAs(EventLoop.getDefault());
    }

    @Test
    void getEventLoopIsTheLoopOfTheInnermostScope() {
        try (EventLoop loop = EventLoop.builder().name("mine").build()) {
            assertThat(loop.run(Asyncio::getEventLoop)).isSameAs(loop);
        }
    }

    @Test
    void semaphoreMakesAFifoSemaphoreAndRejectsNonPositivePermits() {
        var semaphore = Asyncio.semaphore(2);
        assertThat(semaphore.max()).isEqualTo(2);
        assertThat(semaphore.withPermit(semaphore::available)).isEqualTo(1);
        assertThatThrownBy(() -> Asyncio.semaphore(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void contextFunctionsReadAndWriteTheTasksContext() {
        Asyncio.run(() -> {
            Asyncio.setContext("user", "ada");
            assertThat(Asyncio.hasContext("user")).isTrue();
            assertThat(Asyncio.<String>getContext("user")).isEqualTo("ada");
            assertThat(Asyncio.getContext("missing", "default")).isEqualTo("default");
            assertThat(Asyncio.<String>getContext("missing")).isNull();
            Task<String> child = Asyncio.createTask(() -> {
                String inherited = Asyncio.getContext("user");
                Asyncio.setContext("user", "grace"); // stays in the child
                return inherited + " " + Asyncio.getAllContext(false).keySet();
            });
            assertThat(Asyncio.await(child)).isEqualTo("ada [user]");
            assertThat(Asyncio.<String>getContext("user")).isEqualTo("ada");
            assertThat(Asyncio.getAllContext(true)).containsEntry("user", "ada");
            Asyncio.deleteContext("user");
            assertThat(Asyncio.hasContext("user")).isFalse();
            Asyncio.setContext("a", 1);
            Asyncio.clearContext();
            assertThat(Asyncio.getAllContext(true)).isEmpty();
            return null;
        });
    }
}

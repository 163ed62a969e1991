package dev.asyncio.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.asyncio.Asyncio;
import dev.asyncio.core.observe.TaskEvent;
import dev.asyncio.exception.TaskCancelledException;
import dev.asyncio.testing.LogCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Cancellation is a request: how each kind of body reacts, and what the task ends as. */
class CancellationTest {
    private final EventLoop loop = EventLoop.builder()
            .name("cancel-test")
            .cancellationWarningDelay(Duration.ofMillis(200))
            .build();

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    private static Task<Integer> startedSleeper(EventLoop loop, CountDownLatch started) {
        return loop.createTask("sleeper", () -> {
            started.countDown();
            Asyncio.sleep(Duration.ofMinutes(10));
            return 1;
        });
    }

    @Test
    void aPendingTaskIsCancelledAtOnceAndItsBodyNeverRuns() throws Exception {
        try (EventLoop limited = EventLoop.builder().maxConcurrentTasks(1).build()) {
            CountDownLatch release = new CountDownLatch(1);
            Task<Integer> holder = limited.createTask(() -> {
                release.await();
                return 0;
            });
            AtomicBoolean ran = new AtomicBoolean();
            Task<Integer> queued = limited.createTask(() -> {
                ran.set(true);
                return 1;
            });
            assertThat(queued.state()).isEqualTo(TaskState.PENDING);
            assertThat(queued.cancel()).isTrue();
            assertThat(queued.state()).isEqualTo(TaskState.CANCELLED); // at once, no waiting
            release.countDown();
            Asyncio.await(holder);
            assertThat(ran).isFalse();
        }
    }

    @Test
    void aCancelledSleepingTaskEndsCancelledPromptly() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Task<Integer> task = startedSleeper(loop, started);
        started.await();
        assertThat(task.cancel()).isTrue();
        Suspension.joinUninterruptibly(task);
        assertThat(task.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(task.exception())
                .isInstanceOf(TaskCancelledException.class)
                .hasMessage("task 'sleeper' was cancelled: cancel() was called");
    }

    @Test
    void onlyTheFirstRequestWinsAndItsReasonIsKept() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Task<Integer> task = startedSleeper(loop, started);
        started.await();
        assertThat(task.cancel("the user left")).isTrue();
        assertThat(task.cancel("too late")).isFalse();
        assertThat(task.cancel()).isFalse();
        Suspension.joinUninterruptibly(task);
        assertThat(task.exception()).hasMessageEndingWith("the user left");
        assertThat(task.cancel()).isFalse(); // terminal
    }

    @Test
    void aBodyThatSwallowsTheInterruptIsStoppedAtItsNextRuntimeCall() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger swallowed = new AtomicInteger();
        Task<Integer> task = loop.createTask(() -> {
            started.countDown();
            try {
                Thread.sleep(600_000); // a JDK call: the interrupt wakes it
            } catch (InterruptedException e) {
                swallowed.incrementAndGet(); // and the body ignores it
            }
            Asyncio.sleep(1); // the runtime still sees the request
            return 1;
        });
        started.await();
        task.cancel();
        Suspension.joinUninterruptibly(task);
        assertThat(swallowed).hasValue(1);
        assertThat(task.state()).isEqualTo(TaskState.CANCELLED);
    }

    @Test
    void aCpuLoopStopsAtCheckCancelled() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Task<Long> task = loop.createTask(() -> {
            started.countDown();
            long spins = 0;
            while (true) {
                Thread.interrupted(); // even a body that clears its interrupt flag on every turn
                Asyncio.checkCancelled();
                spins++;
                if (spins < 0) {
                    return spins;
                }
            }
        });
        started.await();
        task.cancel();
        Suspension.joinUninterruptibly(task);
        assertThat(task.state()).isEqualTo(TaskState.CANCELLED);
    }

    @Test
    void theCancellationExceptionClearsTheInterruptSoJdkCleanupInFinallyWorks() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<String> cleanup = new AtomicReference<>();
        Task<Integer> task = loop.createTask(() -> {
            started.countDown();
            try {
                Asyncio.sleep(600_000);
                return 1;
            } finally {
                boolean interrupted = Thread.currentThread().isInterrupted();
                Thread.sleep(1); // would throw if the interrupt were still set
                String again;
                try {
                    Asyncio.sleep(1);
                    again = "no";
                } catch (TaskCancelledException e) {
                    again = "yes";
                }
                cleanup.set("interrupted=" + interrupted + " runtimeThrowsAgain=" + again);
            }
        });
        started.await();
        task.cancel();
        Suspension.joinUninterruptibly(task);
        assertThat(cleanup.get()).isEqualTo("interrupted=false runtimeThrowsAgain=yes");
        assertThat(task.state()).isEqualTo(TaskState.CANCELLED);
    }

    @Test
    void aValueReturnedAfterTheRequestIsDiscarded() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Task<String> task = loop.createTask(() -> {
            started.countDown();
            try {
                Asyncio.sleep(600_000);
            } catch (TaskCancelledException ignored) {
                // returns normally
            }
            return "value";
        });
        started.await();
        task.cancel();
        Suspension.joinUninterruptibly(task);
        assertThat(task.state()).isEqualTo(TaskState.CANCELLED);
        assertThatThrownBy(task::result).isInstanceOf(TaskCancelledException.class);
    }

    @Test
    void anotherExceptionAfterTheRequestIsSuppressedOnTheCancellation() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        IllegalStateException cleanupFailure = new IllegalStateException("cleanup failed");
        Task<String> task = loop.createTask(() -> {
            started.countDown();
            try {
                Asyncio.sleep(600_000);
                return "x";
            } finally {
                throw cleanupFailure;
            }
        });
        started.await();
        task.cancel();
        Suspension.joinUninterruptibly(task);
        assertThat(task.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(task.exception().getSuppressed()).containsExactly(cleanupFailure);
    }

    @Test
    void anErrorAfterTheRequestMakesTheTaskFailed() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Task<String> task = loop.createTask(() -> {
            started.countDown();
            try {
                Asyncio.sleep(600_000);
                return "x";
            } finally {
                throw new StackOverflowError("simulated");
            }
        });
        started.await();
        task.cancel();
        Suspension.joinUninterruptibly(task);
        assertThat(task.state()).isEqualTo(TaskState.FAILED);
        assertThat(task.exception()).isInstanceOf(StackOverflowError.class);
    }

    @Test
    void aBodyThatLetsACancellationOutEndsCancelledEvenIfNobodyCancelledIt() {
        Task<Integer> victim = loop.createTask(() -> {
            Asyncio.sleep(600_000);
            return 1;
        });
        victim.cancel();
        Task<Integer> awaiter = loop.createTask(() -> Asyncio.await(victim));
        Suspension.joinUninterruptibly(awaiter);
        assertThat(awaiter.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(awaiter.cancel()).isFalse();
    }

    @Test
    void cancellingAnAwaiterDoesNotCancelTheTaskItAwaits() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Task<Integer> inner = loop.createTask(() -> {
            release.await();
            return 42;
        });
        CountDownLatch awaiting = new CountDownLatch(1);
        Task<Integer> outer = loop.createTask(() -> {
            awaiting.countDown();
            return Asyncio.await(inner);
        });
        awaiting.await();
        outer.cancel();
        Suspension.joinUninterruptibly(outer);
        assertThat(outer.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(inner.isDone()).isFalse();
        release.countDown();
        assertThat(Asyncio.await(inner)).isEqualTo(42);
    }

    @Test
    void anInterruptTheRuntimeDidNotSendCancelsTheTask() throws Exception {
        AtomicReference<Thread> thread = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        Task<Integer> task = loop.createTask(() -> {
            thread.set(Thread.currentThread());
            started.countDown();
            Asyncio.sleep(600_000);
            return 1;
        });
        started.await();
        thread.get().interrupt();
        Suspension.joinUninterruptibly(task);
        assertThat(task.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(task.exception()).hasMessageContaining("interrupted");
    }

    @Test
    void anInterruptedPlainThreadGetsACancellationAndKeepsItsInterruptStatus() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        CountDownLatch sleeping = new CountDownLatch(1);
        Thread plain = Thread.ofPlatform().start(() -> {
            sleeping.countDown();
            try {
                Asyncio.sleep(600_000);
            } catch (Throwable e) {
                thrown.set(e);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        sleeping.await();
        await().until(() -> plain.getState() == Thread.State.TIMED_WAITING);
        plain.interrupt();
        plain.join();
        assertThat(thrown.get()).isInstanceOf(TaskCancelledException.class);
        assertThat(stillInterrupted).isTrue();
    }

    @Test
    void aTaskStillRunningAfterTheWarningDelayIsLoggedOnceWithItsStack() throws Exception {
        try (LogCapture log = LogCapture.capture()) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch letGo = new CountDownLatch(1);
            Task<Integer> stubborn = loop.createTask("stubborn", () -> {
                started.countDown();
                while (true) { // ignores every interrupt, never calls the runtime
                    try {
                        if (letGo.await(10, TimeUnit.MILLISECONDS)) {
                            return 1;
                        }
                    } catch (InterruptedException ignored) {
                        // stubborn
                    }
                }
            });
            started.await();
            stubborn.cancel();
            await().until(() -> !log.containing("'stubborn'").isEmpty());
            letGo.countDown();
            Suspension.joinUninterruptibly(stubborn);
            assertThat(log.containing("'stubborn'")).hasSize(1);
            assertThat(log.containing("'stubborn'").get(0).getThrowableProxy().getStackTraceElementProxyArray())
                    .isNotEmpty();
        }
    }

    @RepeatedTest(20)
    void cancelRacingCompletionEitherWinsCleanlyOrLosesCleanly() throws Exception {
        // cancel() returns true exactly when the task ends CANCELLED; the two never disagree
        for (int i = 0; i < 200; i++) {
            CountDownLatch go = new CountDownLatch(1);
            Task<Integer> task = loop.createTask(() -> {
                go.await();
                return 1;
            });
            go.countDown();
            boolean won = task.cancel();
            Suspension.joinUninterruptibly(task);
            assertThat(task.state()).isEqualTo(won ? TaskState.CANCELLED : TaskState.COMPLETED);
        }
    }

    @Test
    void aTaskCancelledAfterItsAdmissionButBeforeItsBodyRunsNeverRunsItsBody() {
        // STARTED is delivered on the admitting thread before the task's thread starts: a cancel there is a request
        // to a RUNNING task whose body has not begun, so the body must never begin
        AtomicInteger ran = new AtomicInteger();
        AtomicReference<Boolean> interruptedInCallback = new AtomicReference<>();
        loop.observable().register(event -> {
            if (event.type() == TaskEvent.Type.STARTED) {
                assertThat(event.task().state()).isEqualTo(TaskState.RUNNING);
                assertThat(event.task().cancel("stopped at the door")).isTrue();
            }
        });
        Task<Integer> task = loop.createTask(() -> ran.incrementAndGet());
        task.addDoneCallback(
                done -> interruptedInCallback.set(Thread.currentThread().isInterrupted()));
        Suspension.joinUninterruptibly(task);

        assertThat(task.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(task.exception()).hasMessageContaining("stopped at the door");
        assertThat(ran).hasValue(0);
        assertThat(task.stats().startedAt()).isNotNull();
        await().untilAsserted(() -> assertThat(interruptedInCallback.get()).isFalse());
    }

    @RepeatedTest(5)
    void cancellingRightAfterCreationEndsEveryTaskCleanlyAndLeaksNoInterrupt() {
        // the request races the task's thread: it lands before the body, inside it, or loses to the end
        int n = 10_000;
        AtomicInteger interruptedCallbacks = new AtomicInteger();
        List<Task<Integer>> tasks = new ArrayList<>(n);
        List<Boolean> won = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Task<Integer> task = loop.createTask(() -> 1);
            task.addDoneCallback(done -> {
                if (Thread.currentThread().isInterrupted()) {
                    interruptedCallbacks.incrementAndGet();
                }
            });
            tasks.add(task);
            won.add(task.cancel());
        }
        tasks.forEach(Suspension::joinUninterruptibly);
        for (int i = 0; i < n; i++) {
            assertThat(tasks.get(i).state()).isEqualTo(won.get(i) ? TaskState.CANCELLED : TaskState.COMPLETED);
        }
        assertThat(interruptedCallbacks).hasValue(0);
        LoopStats stats = loop.stats();
        assertThat(stats.completed() + stats.cancelled()).isEqualTo(stats.created());
        assertThat(stats.active()).isZero();
    }

    @Test
    void tenThousandSleepingTasksCancelledAllEndCancelledAndNoneRuns() throws Exception {
        int n = 10_000;
        CountDownLatch allAsleep = new CountDownLatch(n);
        List<Task<Integer>> tasks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            tasks.add(loop.createTask(() -> {
                allAsleep.countDown();
                Asyncio.sleep(Duration.ofMinutes(10));
                return 1;
            }));
        }
        assertThat(allAsleep.await(60, TimeUnit.SECONDS)).isTrue();
        tasks.forEach(Task::cancel);
        tasks.forEach(Suspension::joinUninterruptibly);
        assertThat(tasks).allMatch(t -> t.state() == TaskState.CANCELLED);
        LoopStats stats = loop.stats();
        assertThat(stats.active()).isZero();
        assertThat(stats.pending()).isZero();
        assertThat(stats.cancelled()).isEqualTo(n);
        assertThat(loop.tasks()).isEmpty();
    }
}

package dev.asyncio.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.asyncio.Asyncio;
import dev.asyncio.core.EventLoop;
import dev.asyncio.core.Task;
import dev.asyncio.core.TaskState;
import dev.asyncio.core.observe.Observer;
import dev.asyncio.core.observe.TaskEvent;
import dev.asyncio.exception.GatherException;
import dev.asyncio.exception.TaskCancelledException;
import dev.asyncio.exception.TaskTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Task groups, gather and waitFor at their edges: a body that rethrows a child's own failure, a spawn racing waitAll(),
 * late done callbacks, a task passed twice, timeouts too long to count in nanoseconds, failures of a group closed
 * without waitAll(), and what the interrupt status is after each cancelled wait.
 */
class GatherAndTaskGroupEdgeCasesTest {
    private final EventLoop loop =
            EventLoop.builder().name("gather-group-edges").build();

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    private static void awaitBounded(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(5, TimeUnit.SECONDS)) {
            throw new AssertionError("latch not released within 5 s");
        }
    }

    // ---- edge cases that once failed --------------------------------------------------------------------------

    /**
     * A body that awaits a failing child rethrows the child's own exception object (await rethrows unchecked failures
     * as they are): run rethrows it as it is, without trying to suppress it into itself.
     */
    @Test
    void runRethrowsTheBodysExceptionWhenTheBodyRethrowsAChildsFailure() {
        IllegalStateException boom = new IllegalStateException("boom");
        Throwable thrown = catchThrowable(() -> loop.run(() -> TaskGroup.run(group -> {
            Task<Integer> child = group.spawn("child", () -> {
                throw boom;
            });
            return Asyncio.await(child); // rethrows boom itself
        })));
        assertThat(thrown).isSameAs(boom);
    }

    /**
     * A spawn that passed the "closed" check just before waitAll() closed the group must not leave a task that
     * waitAll() never waited for: the spawn throws and its task is cancelled and has ended, or waitAll() waits for it.
     */
    @Test
    void aSpawnRacingWaitAllIsEitherRefusedOrAwaited() throws Exception {
        AtomicReference<TaskGroup> groupRef = new AtomicReference<>();
        AtomicReference<Task<?>> late = new AtomicReference<>();
        CountDownLatch lateBeingCreated = new CountDownLatch(1);
        CountDownLatch lateGo = new CountDownLatch(1);
        Observer holdCreation = event -> {
            if (event.type() == TaskEvent.Type.CREATED && event.task().name().equals("late")) {
                late.set(event.task());
                lateBeingCreated.countDown();
                // createTask is between the group's "closed" check and its tasks.add(): hold it there until waitAll()
                // has closed the group
                await().atMost(Duration.ofSeconds(5)).until(() -> groupRef.get().isClosed());
            }
        };
        loop.observable().register(holdCreation);
        AtomicReference<Object> spawnOutcome = new AtomicReference<>();
        try {
            boolean doneWhenWaitAllReturned = loop.run(() -> {
                TaskGroup group = TaskGroup.open();
                groupRef.set(group);
                Thread spawner = Thread.ofPlatform().start(() -> {
                    try {
                        spawnOutcome.set(group.spawn("late", () -> {
                            lateGo.await(2, TimeUnit.SECONDS);
                            return 1;
                        }));
                    } catch (Throwable e) {
                        spawnOutcome.set(e);
                    }
                });
                awaitBounded(lateBeingCreated);
                group.waitAll();
                boolean done = late.get().isDone();
                lateGo.countDown();
                spawner.join(5_000);
                return done;
            });
            if (spawnOutcome.get() instanceof Task<?>) {
                assertThat(doneWhenWaitAllReturned)
                        .as("spawn() succeeded, so waitAll() must have waited for the task")
                        .isTrue();
            } else {
                assertThat(spawnOutcome.get()).isInstanceOf(IllegalStateException.class);
            }
        } finally {
            lateGo.countDown();
            loop.observable().unregister(holdCreation);
        }
    }

    /**
     * The group's first failure is the one that ended first, even when its done callbacks are late (here: a done
     * callback registered before the group's, which still runs when a later failure ends).
     */
    @Test
    void theGroupsFirstFailureIsTheOneThatEndedFirstEvenWhenItsCallbacksAreLate() throws Exception {
        CountDownLatch bEnded = new CountDownLatch(1);
        CountDownLatch releaseCallback = new CountDownLatch(1);
        Observer slowCallbackOnB = event -> {
            if (event.type() == TaskEvent.Type.CREATED && event.task().name().equals("b")) {
                event.task().addDoneCallback(task -> {
                    bEnded.countDown();
                    try {
                        releaseCallback.await(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
        };
        loop.observable().register(slowCallbackOnB);
        try {
            GatherException failure = loop.run(() -> {
                try (TaskGroup group = TaskGroup.open()) {
                    group.spawn("a", () -> {
                        awaitBounded(bEnded);
                        throw new IllegalStateException("a failed second");
                    });
                    group.spawn("b", () -> {
                        throw new IllegalStateException("b failed first");
                    });
                    return (GatherException) catchThrowable(group::waitAll);
                }
            });
            assertThat(failure).isNotNull();
            assertThat(failure.exceptions()).containsOnlyKeys(0, 1);
            assertThat(failure.firstException()).hasMessage("b failed first");
        } finally {
            releaseCallback.countDown();
            loop.observable().unregister(slowCallbackOnB);
        }
    }

    /**
     * The same task passed twice is cancelled once by FAIL_FAST (cancel() returns true only the first time), and
     * neither index is reported as a failure: siblings FAIL_FAST cancelled because of a failure are not failures.
     */
    @Test
    void failFastDoesNotReportASiblingItCancelledWhenItWasPassedTwice() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Task<Integer> sibling = loop.createTask("sibling", () -> {
            started.countDown();
            Asyncio.sleep(Duration.ofMinutes(10));
            return 1;
        });
        awaitBounded(started);
        Task<Integer> failing = loop.createTask("failing", () -> {
            throw new IllegalStateException("boom");
        });
        GatherException failure = (GatherException)
                catchThrowable(() -> Asyncio.gather(GatherStrategy.FAIL_FAST, failing, sibling, sibling));
        assertThat(failure).isNotNull();
        assertThat(sibling.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(failure.exceptions()).as("only the input that failed").containsOnlyKeys(0);
    }

    /** A very long (but valid) timeout such as Duration.ofMillis(Long.MAX_VALUE) waits; it does not overflow. */
    @Test
    void waitForAcceptsAVeryLongTimeout() {
        Task<Integer> task = loop.createTask(() -> 7);
        assertThat(Asyncio.waitFor(task, Duration.ofMillis(Long.MAX_VALUE))).isEqualTo(7);
        assertThat(Asyncio.waitFor(() -> 8, ChronoUnitForever.DURATION)).isEqualTo(8);
    }

    /**
     * Control for the test above (holds): the longest timeout that converts to nanoseconds waits properly, as the
     * deadline arithmetic wraps correctly.
     */
    @Test
    void waitForWithTheLongestNanosTimeoutDoesNotTimeOutAtOnce() {
        Task<Integer> task = loop.createTask("busy", () -> {
            Asyncio.sleep(Duration.ofMillis(50)); // the task's own work, still going when waitFor starts
            return 9;
        });
        assertThat(Asyncio.waitFor(task, Duration.ofNanos(Long.MAX_VALUE))).isEqualTo(9);
    }

    private static final class ChronoUnitForever {
        static final Duration DURATION = java.time.temporal.ChronoUnit.FOREVER.getDuration();
    }

    /**
     * A child's failure in a group closed without waitAll() (the body left early, or forgot waitAll()) after every
     * task had ended: close() is quiet (no task was running), so the failure must be logged as unretrieved when its
     * scope exits. The group's own done callback does not count as retrieving it.
     */
    @Test
    void aChildFailureOfAGroupClosedWithoutWaitAllIsNotLost() {
        dev.asyncio.testing.LogCapture log = dev.asyncio.testing.LogCapture.capture();
        try {
            Throwable closeThrew = catchThrowable(() -> loop.run(() -> {
                dev.asyncio.core.CancellationScope.run(() -> {
                    Task<Integer> plain = Asyncio.createTask("plain-child", () -> {
                        throw new IllegalStateException("control: an unretrieved failure outside a group");
                    });
                    await().atMost(Duration.ofSeconds(5)).until(plain::isDone);
                    try (TaskGroup group = TaskGroup.open()) {
                        Task<Integer> child = group.spawn("lost-child", () -> {
                            throw new IllegalStateException("lost failure");
                        });
                        await().atMost(Duration.ofSeconds(5)).until(child::isDone);
                    } // close() without waitAll(): nothing running, so no complaint
                    return null;
                }); // the scope exits here: an unretrieved failure is logged now
                return null;
            }));
            assertThat(log.containing("nobody retrieved its exception"))
                    .as("control: the capture sees an unretrieved failure")
                    .anyMatch(event -> event.getFormattedMessage().contains("plain-child"));
            boolean logged = log.containing("nobody retrieved its exception").stream()
                    .anyMatch(event -> event.getFormattedMessage().contains("lost-child"));
            assertThat(closeThrew != null || logged)
                    .as("the child's failure is reported by close() or logged as unretrieved")
                    .isTrue();
        } finally {
            log.close();
        }
    }

    // ---- scenarios that hold (kept as regression tests) ----------------------------------------------------------

    /** The gatherer cancelled while FAIL_FAST waits for the siblings it cancelled keeps the interrupt. */
    @RepeatedTest(5)
    void aGathererCancelledWhileFailFastWaitsForItsSiblingsKeepsTheInterrupt() throws Exception {
        CountDownLatch siblingStarted = new CountDownLatch(1);
        CountDownLatch siblingUnwinding = new CountDownLatch(1);
        CountDownLatch finishUnwinding = new CountDownLatch(1);
        CountDownLatch fail = new CountDownLatch(1);
        AtomicReference<Throwable> gatherThrew = new AtomicReference<>();
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        AtomicBoolean siblingDoneAfter = new AtomicBoolean();
        try {
            Task<Integer> sibling = loop.createTask("sibling", () -> {
                siblingStarted.countDown();
                try {
                    Asyncio.sleep(Duration.ofMinutes(10));
                } finally {
                    siblingUnwinding.countDown();
                    finishUnwinding.await(5, TimeUnit.SECONDS);
                }
                return 1;
            });
            awaitBounded(siblingStarted);
            Task<Integer> failing = loop.createTask("failing", () -> {
                fail.await();
                throw new IllegalStateException("boom");
            });
            Task<Void> gatherer = loop.createTask("gatherer", () -> {
                try {
                    Asyncio.gather(failing, sibling);
                } catch (Throwable e) {
                    gatherThrew.set(e);
                }
                interruptedAfter.set(Thread.currentThread().isInterrupted());
                siblingDoneAfter.set(sibling.isDone());
                return null;
            });
            fail.countDown();
            awaitBounded(siblingUnwinding); // the gatherer cancelled the sibling and waits for it
            gatherer.cancel("test");
            finishUnwinding.countDown();
            await().atMost(Duration.ofSeconds(5)).until(gatherer::isDone);
            assertThat(gatherThrew.get()).isInstanceOf(GatherException.class);
            assertThat(siblingDoneAfter).isTrue();
            assertThat(interruptedAfter)
                    .as("a cancellation during an uninterruptible wait keeps the interrupt")
                    .isTrue();
        } finally {
            finishUnwinding.countDown();
            fail.countDown();
        }
    }

    /** waitFor's waiter cancelled: TaskCancelledException with the interrupt cleared, inner task cancelled and ended. */
    @RepeatedTest(5)
    void aCancelledWaitForCancelsItsInnerTaskAndClearsTheInterrupt() throws Exception {
        CountDownLatch innerStarted = new CountDownLatch(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean interruptedAfter = new AtomicBoolean(true);
        AtomicBoolean innerDoneAfter = new AtomicBoolean();
        Task<Integer> inner = loop.createTask("inner", () -> {
            innerStarted.countDown();
            Asyncio.sleep(Duration.ofMinutes(10));
            return 1;
        });
        awaitBounded(innerStarted);
        CountDownLatch waiting = new CountDownLatch(1);
        Task<Void> waiter = loop.createTask("waiter", () -> {
            waiting.countDown();
            try {
                Asyncio.waitFor(inner, Duration.ofMinutes(10));
            } catch (Throwable e) {
                thrown.set(e);
            }
            interruptedAfter.set(Thread.currentThread().isInterrupted());
            innerDoneAfter.set(inner.isDone());
            return null;
        });
        awaitBounded(waiting);
        waiter.cancel("test");
        await().atMost(Duration.ofSeconds(5)).until(waiter::isDone);
        assertThat(thrown.get()).isInstanceOf(TaskCancelledException.class);
        assertThat(inner.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(innerDoneAfter).isTrue();
        assertThat(interruptedAfter).isFalse();
    }

    /** A value that arrives at the deadline is never reported as a timeout; a timeout leaves no running task. */
    @RepeatedTest(30)
    void waitForRacingTheTaskEitherReturnsTheValueOrLeavesACancelledTask() {
        Task<Integer> task = loop.createTask(() -> {
            Thread.onSpinWait();
            return 5;
        });
        try {
            assertThat(Asyncio.waitFor(task, Duration.ofNanos(1))).isEqualTo(5);
            assertThat(task.state()).isEqualTo(TaskState.COMPLETED);
        } catch (TaskTimeoutException timeout) {
            assertThat(task.state()).isEqualTo(TaskState.CANCELLED);
        }
    }

    /** Waiting for tasks of another loop, and with bad input. */
    @Test
    void gatherWorksAcrossLoopsAndRejectsBadInputClearly() {
        try (EventLoop other = EventLoop.builder().name("other").build()) {
            Task<Integer> foreign = other.createTask(() -> 2);
            assertThat(loop.run(() -> Asyncio.gather(Asyncio.createTask(() -> 1), foreign)))
                    .containsExactly(1, 2);
        }
        assertThatThrownBy(() -> Asyncio.gather((List<Task<Integer>>) null, GatherStrategy.WAIT_ALL))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("tasks");
        assertThatThrownBy(() -> Asyncio.gatherOutcomes(java.util.Arrays.asList(Task.completed(1), null)))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("tasks[1]");
        assertThatThrownBy(() -> Asyncio.waitFor(Task.completed(1), Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Nested groups: an inner failure fails the inner group, its GatherException fails the outer. */
    @Test
    void nestedGroupsPropagateAndCancelEverything() throws Exception {
        CountDownLatch siblingStarted = new CountDownLatch(1);
        AtomicReference<Task<?>> outerSibling = new AtomicReference<>();
        GatherException outer = (GatherException) catchThrowable(() -> loop.run(() -> TaskGroup.run(group -> {
            outerSibling.set(group.spawn("outer-sibling", () -> {
                siblingStarted.countDown();
                Asyncio.sleep(Duration.ofMinutes(10));
                return 0;
            }));
            group.spawn("inner-owner", () -> {
                awaitBounded(siblingStarted);
                TaskGroup.run(inner -> inner.spawn("inner-failing", () -> {
                    throw new IllegalStateException("deep");
                }));
                return 1;
            });
            return null;
        })));
        assertThat(outer).isNotNull();
        assertThat(outer.exceptions()).containsOnlyKeys(1);
        assertThat(outer.exception(1)).isInstanceOf(GatherException.class);
        assertThat(outerSibling.get().state()).isEqualTo(TaskState.CANCELLED);
    }

    /** WAIT_ALL counts an input cancelled by someone else as failed; RETURN_PARTIAL leaves it out. */
    @Test
    void waitAllCountsAForeignCancellationAsAFailureAndReturnPartialLeavesItOut() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Task<Integer> cancelled = loop.createTask("c", () -> {
            started.countDown();
            Asyncio.sleep(Duration.ofMinutes(10));
            return 0;
        });
        awaitBounded(started);
        cancelled.cancel();
        Task<Integer> ok = loop.createTask(() -> 1);
        GatherException e =
                (GatherException) catchThrowable(() -> Asyncio.gather(GatherStrategy.WAIT_ALL, ok, cancelled, ok));
        assertThat(e.exceptions()).containsOnlyKeys(1);
        assertThat(e.results()).containsOnlyKeys(0, 2);
        assertThat(Asyncio.gather(GatherStrategy.RETURN_PARTIAL, ok, cancelled, ok))
                .containsExactly(1, 1);
    }

    /** waitAll() of a cancelled owner: TaskCancelledException, interrupt cleared, tasks cancelled and ended. */
    @RepeatedTest(3)
    void aCancelledWaitAllCancelsAndAwaitsTheTasksAndClearsTheInterrupt() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean interruptedAfter = new AtomicBoolean(true);
        AtomicBoolean childDoneAfter = new AtomicBoolean();
        AtomicReference<Task<?>> child = new AtomicReference<>();
        Task<Void> owner = loop.createTask("owner", () -> {
            try (TaskGroup group = TaskGroup.open()) {
                child.set(group.spawn("child", () -> {
                    started.countDown();
                    try {
                        Asyncio.sleep(Duration.ofMinutes(10));
                    } finally {
                        Thread.sleep(2);
                    }
                    return 0;
                }));
                try {
                    group.waitAll();
                } catch (Throwable e) {
                    thrown.set(e);
                }
                interruptedAfter.set(Thread.currentThread().isInterrupted());
                childDoneAfter.set(child.get().isDone());
            }
            return null;
        });
        awaitBounded(started);
        owner.cancel("test");
        await().atMost(Duration.ofSeconds(5)).until(owner::isDone);
        assertThat(thrown.get()).isInstanceOf(TaskCancelledException.class);
        assertThat(childDoneAfter).isTrue();
        assertThat(child.get().state()).isEqualTo(TaskState.CANCELLED);
        assertThat(interruptedAfter).isFalse();
    }

    /** toJson() and detailedReport() with quotes, newlines, unicode and null messages. */
    @Test
    void reportsEscapeOddNamesAndMessages() {
        GatherException e = new GatherException(
                "gather (WAIT_ALL)",
                Map.of(0, "na\"me\nx", 1, "ok", 2, "é\u2028"),
                Map.of(0, new IllegalStateException("line1\r\nline2 \"q\" \\ \u0001"), 2, new RuntimeException()),
                Map.of(1, "v"),
                null);
        assertThat(e.toJson())
                .contains("\"name\":\"na\\\"me\\nx\"")
                .contains("\"message\":\"line1\\r\\nline2 \\\"q\\\" \\\\ \\u0001\"")
                .contains("\"name\":\"é\\u2028\"")
                .contains("\"message\":null")
                .contains("\"firstFailureIndex\":0");
        assertThat(e.detailedReport().lines()).hasSize(4);
        assertThat(e.getMessage()).doesNotContain("\n");
    }
}

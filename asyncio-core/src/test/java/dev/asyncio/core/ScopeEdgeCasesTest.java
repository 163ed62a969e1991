package dev.asyncio.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.asyncio.Asyncio;
import dev.asyncio.exception.TaskCancelledException;
import dev.asyncio.exception.TaskTimeoutException;
import dev.asyncio.resource.AsyncResource;
import dev.asyncio.resource.AsyncResourceManager;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Scope edge cases: interrupts at exit, tasks and resources added while a scope exits, deadlines racing the body. */
class ScopeEdgeCasesTest {
    private static final Duration BOUND = Duration.ofSeconds(10);

    private final EventLoop loop = EventLoop.builder().name("scope-edge").build();

    @AfterEach
    void closeLoop() {
        Thread.interrupted();
        loop.close();
    }

    /** A simple resource that records whether it was closed. */
    private static final class Flag implements AsyncResource {
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public void close() {
            closes.incrementAndGet();
        }

        @Override
        public boolean isClosed() {
            return closes.get() > 0;
        }
    }

    /** Spins (no blocking call, so no interrupt is consumed) until {@code scope} is cancelled, at most {@link #BOUND}. */
    private static void spinUntilCancelled(CancellationScope scope) {
        long end = System.nanoTime() + BOUND.toNanos();
        while (!scope.isCancelled()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("the deadline never fired");
            }
            Thread.onSpinWait();
        }
    }

    // ---- foreign interrupts -------------------------------------------------------------------------------------

    /**
     * An interrupt the runtime did not send, received by a task while its body is inside a scope that nobody cancelled,
     * is not swallowed by the scope's exit: it acts as a cancellation of the task, whose next runtime call throws.
     */
    @Test
    void aForeignInterruptOfATaskInsideAnUncancelledScopeCancelsTheTaskAfterTheScope() {
        AtomicBoolean interruptedAfterScope = new AtomicBoolean();
        Task<String> task = loop.createTask(() -> {
            CancellationScope.run(() -> {
                Thread.currentThread().interrupt(); // foreign: neither the task nor the scope was cancelled
                return null;
            });
            interruptedAfterScope.set(Thread.currentThread().isInterrupted());
            Asyncio.sleep(Duration.ofMillis(1)); // a runtime call: must see the interrupt and cancel the task
            return "ran on";
        });
        await().atMost(BOUND).until(task::isDone);
        assertThat(task.state())
                .as("interrupt status right after the scope was %s", interruptedAfterScope.get())
                .isEqualTo(TaskState.CANCELLED);
    }

    /**
     * The same foreign interrupt on a plain thread survives the scope's exit: the interrupt status is set after {@code
     * run} returns.
     */
    @Test
    void aForeignInterruptOfAPlainThreadInsideAnUncancelledScopeSurvivesTheScope() throws Exception {
        AtomicBoolean kept = new AtomicBoolean();
        Thread t = Thread.ofPlatform().start(() -> {
            CancellationScope.run(() -> {
                Thread.currentThread().interrupt();
                return null;
            });
            kept.set(Thread.interrupted());
        });
        t.join(BOUND.toMillis());
        assertThat(kept).isTrue();
    }

    /**
     * A foreign interrupt that reaches a task while its scope's exit waits for a leftover task is not lost: once the
     * scope has exited, the task is cancelled.
     */
    @RepeatedTest(5)
    void aForeignInterruptWhileTheExitWaitsForLeftoversCancelsTheTask() throws Exception {
        CountDownLatch leftoverCancelled = new CountDownLatch(1);
        CountDownLatch releaseLeftover = new CountDownLatch(1);
        CountDownLatch leftoverStarted = new CountDownLatch(1);
        AtomicReference<Thread> taskThread = new AtomicReference<>();
        Task<String> task = loop.createTask(() -> {
            taskThread.set(Thread.currentThread());
            CancellationScope.run(() -> {
                Asyncio.createTask(() -> {
                    try {
                        leftoverStarted.countDown();
                        Asyncio.sleep(600_000);
                    } catch (TaskCancelledException e) {
                        leftoverCancelled.countDown();
                        releaseLeftover.await(); // keeps the exit waiting
                    }
                    return 1;
                });
                leftoverStarted.await();
                return null;
            });
            Asyncio.sleep(Duration.ofMillis(1));
            return "ran on";
        });
        try {
            assertThat(leftoverCancelled.await(BOUND.toMillis(), TimeUnit.MILLISECONDS))
                    .isTrue();
            taskThread.get().interrupt(); // foreign: sent by neither the task nor a scope
        } finally {
            releaseLeftover.countDown();
        }
        await().atMost(BOUND).until(task::isDone);
        assertThat(task.state()).isEqualTo(TaskState.CANCELLED);
    }

    // ---- tasks and resources added while a scope exits ----------------------------------------------------------

    /**
     * Tasks created into a scope from another thread while it exits are either refused with an {@code
     * IllegalStateException} or have terminated by the time {@code run} returns: none outlives the scope.
     */
    @RepeatedTest(10)
    void tasksCreatedFromAnotherThreadWhileTheScopeExitsNeverOutliveIt() throws Exception {
        List<Task<?>> created = new CopyOnWriteArrayList<>();
        AtomicReference<Throwable> refusal = new AtomicReference<>();
        CountDownLatch creating = new CountDownLatch(1);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Thread> creator = new AtomicReference<>();
        try {
            loop.run(() -> CancellationScope.run(scope -> {
                creator.set(Thread.ofVirtual().start(() -> {
                    while (!stop.get()) {
                        try {
                            created.add(scope.createTask(() -> {
                                Asyncio.sleep(600_000);
                                return 1;
                            }));
                        } catch (IllegalStateException e) {
                            refusal.set(e);
                            return;
                        } finally {
                            creating.countDown();
                        }
                    }
                }));
                try {
                    creating.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return null;
            }));
            List<Task<?>> snapshot = List.copyOf(created);
            assertThat(snapshot).allSatisfy(t -> assertThat(t.isDone()).isTrue());
            creator.get().join(BOUND.toMillis());
            assertThat(refusal.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("exited");
            assertThat(created).allSatisfy(t -> assertThat(t.isDone()).isTrue());
        } finally {
            stop.set(true);
        }
    }

    /** A resource that a leftover task registers while the scope cancels it at exit is still closed by the scope. */
    @Test
    void aResourceRegisteredByALeftoverTaskDuringExitIsClosed() {
        Flag flag = new Flag();
        CountDownLatch started = new CountDownLatch(1);
        loop.run(() -> CancellationScope.run(() -> {
            Asyncio.createTask(() -> {
                try {
                    started.countDown();
                    Asyncio.sleep(600_000);
                } finally {
                    AsyncResourceManager.register(flag);
                }
                return 1;
            });
            started.await();
            return null;
        }));
        assertThat(flag.closes).hasValue(1);
    }

    // ---- deadlines ----------------------------------------------------------------------------------------------

    /** A body that returns after the deadline fired, without blocking again, has its value returned, never a timeout. */
    @RepeatedTest(20)
    void aValueReturnedAfterTheDeadlineFiredIsReturned() {
        Integer value = CancellationScope.withTimeout(Duration.ofMillis(1), () -> {
            CancellationScope self = CancellationScope.current();
            spinUntilCancelled(self);
            Thread.interrupted(); // the body does no further runtime call; make the deadline's interrupt harmless
            return 7;
        });
        assertThat(value).isEqualTo(7);
        assertThat(Thread.interrupted()).isFalse();
    }

    /** When the task itself is cancelled after its inner deadline fired, the cancellation passes, not a timeout. */
    @Test
    void aTaskCancelledAfterItsDeadlineFiredSeesACancellationNotATimeout() throws Exception {
        CountDownLatch deadlinePassed = new CountDownLatch(1);
        CountDownLatch taskCancelled = new CountDownLatch(1);
        AtomicReference<Throwable> seen = new AtomicReference<>();
        Task<Integer> task = loop.createTask(() -> {
            try {
                return CancellationScope.withTimeout(Duration.ofMillis(1), () -> {
                    CancellationScope self = CancellationScope.current();
                    spinUntilCancelled(self);
                    deadlinePassed.countDown();
                    taskCancelled.await(); // interrupted by the deadline or the task's cancellation: either is fine
                    return 1;
                });
            } catch (RuntimeException e) {
                seen.set(e);
                throw e;
            }
        });
        try {
            assertThat(deadlinePassed.await(BOUND.toMillis(), TimeUnit.MILLISECONDS))
                    .isTrue();
            task.cancel();
        } finally {
            taskCancelled.countDown();
        }
        await().atMost(BOUND).until(task::isDone);
        assertThat(seen.get()).isNotInstanceOf(TaskTimeoutException.class);
    }

    /** Nested deadlines on one thread: the outer one firing first is reported by the outer withTimeout only. */
    @RepeatedTest(5)
    void anOuterDeadlineFiringFirstIsTheOutersTimeout() {
        AtomicReference<Throwable> inner = new AtomicReference<>();
        assertThatThrownBy(() -> CancellationScope.withTimeout(Duration.ofMillis(20), () -> {
                    try {
                        return CancellationScope.withTimeout(Duration.ofMinutes(5), () -> {
                            Asyncio.sleep(600_000);
                            return 1;
                        });
                    } catch (RuntimeException e) {
                        inner.set(e);
                        throw e;
                    }
                }))
                .isInstanceOf(TaskTimeoutException.class);
        assertThat(inner.get()).isInstanceOf(TaskCancelledException.class);
        Optional<Integer> moved = CancellationScope.moveOnAfter(
                Duration.ofMillis(20),
                () -> CancellationScope.moveOnAfter(Duration.ofMinutes(5), () -> {
                            Asyncio.sleep(600_000);
                            return 1;
                        })
                        .orElse(2));
        assertThat(moved).isEmpty();
    }

    /**
     * A deadline interrupts its body on time even when cancelling the scope ends a queued task whose done callback is
     * slow: the callback does not run on the loop's clock, and the body is interrupted before the scope's tasks are
     * cancelled. (The scope's exit then waits for the task it cancelled, whose callback may run on the exiting thread
     * if the exit cancels it first, so the timeout itself is thrown once the callback is done.)
     */
    @Test
    void aSlowDoneCallbackOfAQueuedTaskDoesNotHoldUpTheDeadline() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch callbackRunning = new CountDownLatch(1);
        CountDownLatch bodyStopped = new CountDownLatch(1);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        try (EventLoop limited = EventLoop.builder()
                .name("scope-edge-limited")
                .maxConcurrentTasks(1)
                .build()) {
            Thread runner = Thread.ofVirtual().start(() -> {
                try {
                    limited.run(() -> CancellationScope.withTimeout(Duration.ofMillis(20), () -> {
                        Task<Integer> queued = Asyncio.createTask(() -> 1); // PENDING: main holds the one slot
                        queued.addDoneCallback(t -> {
                            callbackRunning.countDown();
                            try {
                                gate.await(BOUND.toMillis(), TimeUnit.MILLISECONDS); // a slow callback
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        });
                        try {
                            Asyncio.sleep(600_000); // sleeping keeps the slot
                        } finally {
                            bodyStopped.countDown();
                        }
                        return 1;
                    }));
                } catch (Throwable e) {
                    outcome.set(e);
                }
            });
            try {
                assertThat(callbackRunning.await(BOUND.toMillis(), TimeUnit.MILLISECONDS))
                        .isTrue();
                assertThat(bodyStopped.await(2, TimeUnit.SECONDS))
                        .as("the body was interrupted while the callback still ran")
                        .isTrue();
            } finally {
                gate.countDown();
                runner.join(BOUND.toMillis());
            }
            assertThat(outcome.get()).isInstanceOf(TaskTimeoutException.class);
        }
    }
}

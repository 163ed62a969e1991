package dev.asyncio.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.asyncio.Asyncio;
import dev.asyncio.exception.TaskCancelledException;
import dev.asyncio.exception.TaskFailedException;
import dev.asyncio.exception.TaskTimeoutException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Scopes: nesting, exit that waits, cancellation of the body, deadlines, and no interrupt leaking out. */
class CancellationScopeTest {
    private final EventLoop loop = EventLoop.builder().name("scope-test").build();

    @AfterEach
    void closeLoop() {
        assertThat(Thread.interrupted())
                .as("no interrupt leaked into the test thread")
                .isFalse();
        loop.close();
    }

    private <T> T inLoop(java.util.concurrent.Callable<T> body) {
        return loop.run(body);
    }

    @Test
    void thereIsNoCurrentScopeOutsideAnyScope() {
        assertThat(CancellationScope.current()).isNull();
    }

    @Test
    void runOpensAChildOfTheCurrentScopeAndRestoresTheParentAfterwards() {
        inLoop(() -> {
            CancellationScope taskScope = CancellationScope.current();
            CancellationScope inner = CancellationScope.run(scope -> {
                assertThat(CancellationScope.current()).isSameAs(scope);
                assertThat(scope.parent()).isSameAs(taskScope);
                assertThat(scope.loop()).isSameAs(loop);
                assertThat(taskScope.children()).contains(scope);
                return scope;
            });
            assertThat(CancellationScope.current()).isSameAs(taskScope);
            assertThat(inner.isClosed()).isTrue();
            assertThat(taskScope.children()).doesNotContain(inner);
            return null;
        });
    }

    @Test
    void withNoScopeRunOpensAScopeUnderTheDefaultLoopsRoot() {
        CancellationScope scope = CancellationScope.run(s -> s);
        assertThat(scope.loop()).isSameAs(EventLoop.getDefault());
        assertThat(scope.parent()).isSameAs(EventLoop.getDefault().rootScope());
    }

    @Test
    void exitCancelsLeftoverTasksAndWaitsUntilEachHasTerminated() {
        List<Task<Integer>> leftovers = new ArrayList<>();
        AtomicBoolean cleanupRan = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(100);
        CancellationScope.run(() -> {
            for (int i = 0; i < 100; i++) {
                leftovers.add(Asyncio.createTask(() -> {
                    started.countDown();
                    try {
                        Asyncio.sleep(Duration.ofMinutes(10));
                    } finally {
                        Thread.sleep(1); // slow cleanup: exit must still wait for it
                        cleanupRan.set(true);
                    }
                    return 1;
                }));
            }
            started.await(); // so that every leftover is running, not pending, when the scope exits
            return null;
        });
        assertThat(leftovers).allMatch(t -> t.state() == TaskState.CANCELLED);
        assertThat(cleanupRan).isTrue();
        assertThat(leftovers.get(0).exception()).hasMessageContaining("exited while it was still running");
    }

    @Test
    void aNormalExitIsNotACancellation() {
        CancellationScope scope = CancellationScope.run(s -> {
            Asyncio.createTask(() -> {
                Asyncio.sleep(600_000);
                return 1;
            });
            return s;
        });
        assertThat(scope.isCancelled()).isFalse();
    }

    @Test
    void cancelCancelsTheTasksTheChildScopesAndTheBody() {
        AtomicReference<CancellationScope> child = new AtomicReference<>();
        AtomicReference<Task<Integer>> task = new AtomicReference<>();
        assertThatThrownBy(() -> CancellationScope.run(scope -> {
                    task.set(Asyncio.createTask(() -> {
                        Asyncio.sleep(600_000);
                        return 1;
                    }));
                    return CancellationScope.run(inner -> {
                        child.set(inner);
                        scope.cancel();
                        Asyncio.sleep(600_000); // the body's next runtime call throws
                        return 1;
                    });
                }))
                .isInstanceOf(TaskCancelledException.class)
                .hasMessageContaining("was cancelled");
        assertThat(task.get().state()).isEqualTo(TaskState.CANCELLED);
        assertThat(task.get().exception()).hasMessageContaining("scope #");
        assertThat(child.get().isCancelled()).isTrue();
    }

    @Test
    void cancelInterruptsABodyBlockedInAJdkCall() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        AtomicReference<CancellationScope> scopeRef = new AtomicReference<>();
        Thread body = Thread.ofVirtual().start(() -> {
            try {
                CancellationScope.run(scope -> {
                    scopeRef.set(scope);
                    blocked.countDown();
                    try {
                        Thread.sleep(600_000);
                    } catch (InterruptedException e) {
                        Asyncio.checkCancelled(); // turns it into the scope's cancellation
                    }
                    return 1;
                });
            } catch (TaskCancelledException expected) {
                // leaves run
            }
        });
        blocked.await();
        scopeRef.get().cancel();
        body.join();
        assertThat(scopeRef.get().isClosed()).isTrue();
    }

    @Test
    void isCancelledIsTrueWhenAnEnclosingScopeIsCancelled() {
        CancellationScope.run(outer -> {
            try {
                CancellationScope.run(inner -> {
                    assertThat(inner.isCancelled()).isFalse();
                    outer.cancel();
                    assertThat(inner.isCancelled()).isTrue();
                    return null;
                });
            } catch (TaskCancelledException ignored) {
                // not reached: the inner body returned without blocking again
            }
            return null;
        });
    }

    @Test
    void aTaskCreatedInACancelledScopeIsCancelledWithoutRunning() {
        AtomicBoolean ran = new AtomicBoolean();
        Task<?> task = CancellationScope.run(scope -> {
            scope.cancel();
            return Asyncio.createTask(() -> {
                ran.set(true);
                return 1;
            });
        });
        assertThat(task.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(ran).isFalse();
    }

    @Test
    void aCancelledBodyThatReturnsWithoutBlockingAgainHasItsValueReturned() {
        String value = CancellationScope.run(scope -> {
            scope.cancel();
            return "kept";
        });
        assertThat(value).isEqualTo("kept");
    }

    @Test
    void checkedExceptionsOfTheBodyAreWrappedAndUncheckedOnesPassAsTheyAre() {
        IOException io = new IOException("io");
        assertThatThrownBy(() -> CancellationScope.run(() -> {
                    throw io;
                }))
                .isInstanceOf(TaskFailedException.class)
                .hasCause(io);
        IllegalStateException ise = new IllegalStateException("x");
        assertThatThrownBy(() -> CancellationScope.run(() -> {
                    throw ise;
                }))
                .isSameAs(ise);
    }

    @Test
    void withTimeoutThrowsATimeoutCausedByTheCancellationOnceTheBodyHasExited() {
        AtomicBoolean bodyExited = new AtomicBoolean();
        assertThatThrownBy(() -> CancellationScope.withTimeout(Duration.ofMillis(50), () -> {
                    try {
                        Asyncio.sleep(600_000);
                    } finally {
                        bodyExited.set(true);
                    }
                    return 1;
                }))
                .isInstanceOf(TaskTimeoutException.class)
                .hasCauseInstanceOf(TaskCancelledException.class)
                .hasMessageContaining("timed out after 50ms");
        assertThat(bodyExited).isTrue();
    }

    @Test
    void withTimeoutReturnsTheValueWhenTheBodyIsInTime() {
        assertThat(CancellationScope.withTimeout(Duration.ofSeconds(30), () -> 5))
                .isEqualTo(5);
    }

    @Test
    void theDeadlineCancelsTheScopesTasksToo() {
        AtomicReference<Task<Integer>> task = new AtomicReference<>();
        assertThatThrownBy(() -> CancellationScope.withTimeout(Duration.ofMillis(30), () -> {
                    task.set(Asyncio.createTask(() -> {
                        Asyncio.sleep(600_000);
                        return 1;
                    }));
                    return Asyncio.await(task.get());
                }))
                .isInstanceOf(TaskTimeoutException.class);
        assertThat(task.get().state()).isEqualTo(TaskState.CANCELLED);
        assertThat(task.get().exception()).hasMessageContaining("deadline of 30ms passed");
    }

    @Test
    void aZeroTimeoutHasAlreadyExpired() {
        assertThatThrownBy(() -> CancellationScope.withTimeout(Duration.ZERO, () -> {
                    Asyncio.sleep(1);
                    return 1;
                }))
                .isInstanceOf(TaskTimeoutException.class);
        assertThat(CancellationScope.moveOnAfter(Duration.ZERO, () -> {
                    Asyncio.sleep(1);
                    return 1;
                }))
                .isEmpty();
    }

    @Test
    void moveOnAfterGivesEmptyOnTimeoutAndTheValueOtherwise() {
        assertThat(CancellationScope.moveOnAfter(Duration.ofMillis(20), () -> {
                    Asyncio.sleep(600_000);
                    return 1;
                }))
                .isEmpty();
        assertThat(CancellationScope.moveOnAfter(Duration.ofSeconds(30), () -> 2))
                .contains(2);
    }

    @Test
    void anInnerDeadlineAbsorbsOnlyItsOwnCancellation() {
        // the outer scope is cancelled explicitly while the inner deadline is far away: passes through unchanged
        assertThatThrownBy(() ->
                        CancellationScope.run(outer -> CancellationScope.moveOnAfter(Duration.ofMinutes(5), () -> {
                            outer.cancel();
                            Asyncio.sleep(600_000);
                            return 1;
                        })))
                .isInstanceOf(TaskCancelledException.class)
                .isNotInstanceOf(TaskTimeoutException.class);
        // an outer deadline firing inside an inner moveOnAfter is the outer's, not the inner's
        assertThatThrownBy(() -> CancellationScope.withTimeout(
                        Duration.ofMillis(30),
                        () -> CancellationScope.moveOnAfter(Duration.ofMinutes(5), () -> {
                            Asyncio.sleep(600_000);
                            return 1;
                        })))
                .isInstanceOf(TaskTimeoutException.class);
    }

    @Test
    void aDeadlineInsideATaskDoesNotCancelTheTask() {
        String result = inLoop(() -> {
            Optional<Integer> timedOut = CancellationScope.moveOnAfter(Duration.ofMillis(10), () -> {
                Asyncio.sleep(600_000);
                return 1;
            });
            Asyncio.sleep(1); // the task itself goes on
            return timedOut.isEmpty() ? "moved on" : "no";
        });
        assertThat(result).isEqualTo("moved on");
    }

    @Test
    void negativeTimeoutsAreRejected() {
        assertThatThrownBy(() -> CancellationScope.withTimeout(Duration.ofMillis(-1), () -> 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout");
        assertThatThrownBy(() -> CancellationScope.moveOnAfter(Duration.ofMillis(-1), () -> 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CancellationScope.withTimeout(null, () -> 1))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("timeout");
    }

    @Test
    void theScopeReportsItsDeadline() {
        CancellationScope.withTimeout(Duration.ofMinutes(1), () -> {
            assertThat(CancellationScope.current().deadline()).isNotNull();
            return null;
        });
        CancellationScope.run(scope -> {
            assertThat(scope.deadline()).isNull();
            return null;
        });
    }

    @Test
    void anExitedScopeAcceptsNoTasks() {
        CancellationScope scope = CancellationScope.run(s -> s);
        assertThatThrownBy(() -> scope.createTask(() -> 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has exited");
    }

    @RepeatedTest(50)
    void noInterruptLeaksOutOfACancelledScopeOnAPlainThread() throws Exception {
        // the scope's own interrupt must be gone once run() has returned, even when cancel races with exit
        AtomicBoolean leaked = new AtomicBoolean();
        Thread t = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 50; i++) {
                AtomicReference<CancellationScope> ref = new AtomicReference<>();
                Thread canceller = Thread.ofVirtual().start(() -> {
                    while (ref.get() == null) {
                        Thread.yield(); // a virtual thread: yield its carrier rather than spin on it
                    }
                    ref.get().cancel();
                });
                try {
                    CancellationScope.run(scope -> {
                        ref.set(scope);
                        return null;
                    });
                } catch (TaskCancelledException ignored) {
                    // fine
                }
                try {
                    canceller.join();
                } catch (InterruptedException e) {
                    leaked.set(true);
                }
                if (Thread.interrupted()) {
                    leaked.set(true);
                }
            }
        });
        t.join();
        assertThat(leaked).isFalse();
    }

    @RepeatedTest(10)
    void aTaskCancelledWhileItsScopeWaitsForLeftoversIsStillStoppedByItsNextJdkCall() throws Exception {
        // the scope's exit waits uninterruptibly; an interrupt meant for the task itself must survive that wait
        CountDownLatch leftoverStarted = new CountDownLatch(1);
        CountDownLatch leftoverCancelled = new CountDownLatch(1);
        CountDownLatch releaseLeftover = new CountDownLatch(1);
        CountDownLatch afterTheScope = new CountDownLatch(1);
        Task<Integer> task = loop.createTask(() -> {
            CancellationScope.run(() -> {
                Asyncio.createTask(() -> {
                    try {
                        leftoverStarted.countDown();
                        Asyncio.sleep(600_000);
                    } catch (TaskCancelledException e) {
                        leftoverCancelled.countDown();
                        releaseLeftover.await(); // keeps the exit waiting while the task is cancelled
                    }
                    return 1;
                });
                leftoverStarted.await(); // a leftover that never started would end without running
                return null;
            });
            afterTheScope.await(); // a plain JDK call after the scope: the cancellation must interrupt it
            return 1;
        });
        try {
            leftoverCancelled.await();
            task.cancel();
            releaseLeftover.countDown();
            await().atMost(Duration.ofSeconds(30)).until(task::isDone);
            assertThat(task.state()).isEqualTo(TaskState.CANCELLED);
        } finally {
            afterTheScope.countDown(); // if the interrupt was lost, let the task end so the loop can close
        }
    }

    @RepeatedTest(10)
    void aTaskCancelledWhileItsScopeBodyComputesIsStillStoppedByItsNextJdkCallAfterTheScope() throws Exception {
        // the interrupt arrives while the body never blocks; exit clears interrupts, but not the task's own
        CountDownLatch inBody = new CountDownLatch(1);
        AtomicBoolean cancelSent = new AtomicBoolean();
        CountDownLatch afterTheScope = new CountDownLatch(1);
        Task<Integer> task = loop.createTask(() -> {
            CancellationScope.run(() -> {
                inBody.countDown();
                while (!cancelSent.get()) {
                    Thread.onSpinWait(); // no runtime call, no JDK blocking call: nothing sees the interrupt here
                }
                return null;
            });
            afterTheScope.await(); // a plain JDK call after the scope: the cancellation must interrupt it
            return 1;
        });
        try {
            inBody.await();
            task.cancel();
            cancelSent.set(true);
            await().atMost(Duration.ofSeconds(30)).until(task::isDone);
            assertThat(task.state()).isEqualTo(TaskState.CANCELLED);
        } finally {
            afterTheScope.countDown(); // if the interrupt was lost, let the task end so the loop can close
        }
    }

    @Test
    void nullBodiesAreRejectedNamingTheParameter() {
        assertThatThrownBy(() -> CancellationScope.run((java.util.concurrent.Callable<Object>) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("body");
        assertThatThrownBy(() -> CancellationScope.run((java.util.function.Function<CancellationScope, Object>) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("body");
    }
}

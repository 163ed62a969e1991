package dev.asyncio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.asyncio.concurrency.GatherStrategy;
import dev.asyncio.concurrency.Outcome;
import dev.asyncio.core.EventLoop;
import dev.asyncio.core.Suspension;
import dev.asyncio.core.Task;
import dev.asyncio.core.TaskState;
import dev.asyncio.core.TaskTree;
import dev.asyncio.exception.GatherException;
import dev.asyncio.exception.TaskCancelledException;
import dev.asyncio.testing.TrivialTasks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** gather and gatherOutcomes: input order, the three strategies, and what a GatherException holds. */
class GatherTest {
    private final EventLoop loop = EventLoop.builder().name("gather-test").build();

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    private Task<Integer> after(long millis, int value) {
        return loop.createTask("v" + value, () -> {
            Asyncio.sleep(millis);
            return value;
        });
    }

    private Task<Integer> failingAfter(long millis, RuntimeException failure) {
        return loop.createTask("failing", () -> {
            Asyncio.sleep(millis);
            throw failure;
        });
    }

    private Task<Integer> sleepingForever(AtomicBoolean cleanedUp) {
        return sleepingForever(cleanedUp, new CountDownLatch(1));
    }

    /** A task that sleeps until cancelled; {@code started} counts down once its body runs (a task cancelled before
     * it started never runs its finally block). */
    private Task<Integer> sleepingForever(AtomicBoolean cleanedUp, CountDownLatch started) {
        return loop.createTask("forever", () -> {
            started.countDown();
            try {
                Asyncio.sleep(Duration.ofMinutes(10));
            } finally {
                Thread.sleep(2); // unwinding takes a moment: gather must wait for it
                cleanedUp.set(true);
            }
            return 0;
        });
    }

    @RepeatedTest(5)
    void resultsComeBackInInputOrderWhateverTheCompletionOrder() {
        List<Task<Integer>> tasks = List.of(after(30, 1), after(0, 2), after(15, 3), after(5, 4));
        for (GatherStrategy strategy : GatherStrategy.values()) {
            assertThat(Asyncio.gather(tasks, strategy)).containsExactly(1, 2, 3, 4);
        }
        assertThat(Asyncio.gather(tasks.get(0), tasks.get(1))).containsExactly(1, 2);
    }

    @Test
    void gatheringNothingReturnsAnEmptyList() {
        assertThat(Asyncio.<Integer>gather()).isEmpty();
        assertThat(Asyncio.gather(List.<Task<Integer>>of(), GatherStrategy.WAIT_ALL))
                .isEmpty();
        assertThat(Asyncio.gatherOutcomes(List.<Task<Integer>>of())).isEmpty();
    }

    @Test
    void nullResultsAreKept() {
        Task<String> nothing = loop.createTask(() -> null);
        assertThat(Asyncio.gather(nothing, loop.createTask(() -> "x"))).containsExactly(null, "x");
    }

    @Test
    void failFastCancelsTheSiblingsAndWaitsForThemBeforeThrowing() throws Exception {
        AtomicBoolean aCleaned = new AtomicBoolean();
        AtomicBoolean bCleaned = new AtomicBoolean();
        IllegalStateException boom = new IllegalStateException("boom");
        CountDownLatch started = new CountDownLatch(2);
        Task<Integer> a = sleepingForever(aCleaned, started);
        Task<Integer> b = sleepingForever(bCleaned, started);
        started.await();
        Task<Integer> failing = failingAfter(0, boom);
        Task<Integer> done = loop.createTask("quick", () -> 9);
        Suspension.join(done);

        GatherException e =
                (GatherException) catchThrowable(() -> Asyncio.gather(GatherStrategy.FAIL_FAST, a, failing, b, done));

        assertThat(aCleaned).isTrue(); // terminated, not just asked to
        assertThat(bCleaned).isTrue();
        assertThat(a.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(a.exception()).hasMessageContaining("gather (FAIL_FAST) cancelled it after task 'failing' failed");
        assertThat(e.exceptions()).containsOnlyKeys(1); // siblings the gather cancelled are not failures
        assertThat(e.exception(1)).isSameAs(boom);
        assertThat(e.firstException()).isSameAs(boom);
        assertThat(e.getCause()).isSameAs(boom);
        assertThat(e.getSuppressed()).contains(boom);
        assertThat(e.results()).containsEntry(3, 9);
        assertThat(e.taskNames())
                .containsEntry(0, "forever")
                .containsEntry(1, "failing")
                .hasSize(4);
    }

    @Test
    void failFastTreatsATaskCancelledBySomeoneElseAsAFailure() throws Exception {
        AtomicBoolean cleaned = new AtomicBoolean();
        CountDownLatch siblingStarted = new CountDownLatch(1);
        Task<Integer> victim = sleepingForever(new AtomicBoolean());
        Task<Integer> sibling = sleepingForever(cleaned, siblingStarted);
        siblingStarted.await();
        victim.cancel("someone else");
        GatherException e = (GatherException) catchThrowable(() -> Asyncio.gather(victim, sibling));
        assertThat(e.exceptions()).containsOnlyKeys(0);
        assertThat(e.exception(0)).isInstanceOf(TaskCancelledException.class);
        assertThat(cleaned).isTrue();
    }

    @Test
    void waitAllWaitsForEveryTaskAndCollectsEveryFailure() {
        IllegalStateException first = new IllegalStateException("first");
        IllegalArgumentException second = new IllegalArgumentException("second");
        Task<Integer> slow = after(40, 1);
        Task<Integer> f1 = failingAfter(0, first);
        Task<Integer> f2 = failingAfter(20, second);
        Task<Integer> cancelled = sleepingForever(new AtomicBoolean());
        cancelled.cancel();

        GatherException e = (GatherException)
                catchThrowable(() -> Asyncio.gather(GatherStrategy.WAIT_ALL, slow, f1, f2, cancelled));

        assertThat(slow.state()).isEqualTo(TaskState.COMPLETED); // waited for, not cancelled
        assertThat(e.exceptions()).containsOnlyKeys(1, 2, 3);
        assertThat(e.exception(1)).isSameAs(first);
        assertThat(e.exception(2)).isSameAs(second);
        assertThat(e.exception(3)).isInstanceOf(TaskCancelledException.class);
        assertThat(e.failedCount()).isEqualTo(3);
        assertThat(e.successCount()).isEqualTo(1);
        assertThat(e.results()).containsEntry(0, 1);
    }

    @Test
    void returnPartialKeepsTheSuccessesInInputOrder() {
        Task<Integer> cancelled = sleepingForever(new AtomicBoolean());
        cancelled.cancel();
        List<Integer> results = Asyncio.gather(
                GatherStrategy.RETURN_PARTIAL,
                after(20, 1),
                failingAfter(0, new IllegalStateException()),
                cancelled,
                after(0, 4));
        assertThat(results).containsExactly(1, 4);
    }

    /**
     * Half the inputs fail at once, after two gatherers have registered on them: their callbacks race each other to
     * rank the failures, and no failure may be counted as a success.
     */
    @RepeatedTest(20)
    void inputsFailingTogetherAreEachCountedAsFailed() {
        int n = 2_000;
        List<Integer> evens =
                IntStream.range(0, n).filter(i -> i % 2 == 0).boxed().toList();
        List<Integer> odds =
                IntStream.range(0, n).filter(i -> i % 2 == 1).boxed().toList();
        loop.run(() -> {
            CountDownLatch go = new CountDownLatch(1);
            List<Task<Integer>> inputs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int value = i;
                inputs.add(Asyncio.createTask(() -> {
                    go.await();
                    if (value % 2 == 1) {
                        throw new IllegalStateException("odd " + value);
                    }
                    return value;
                }));
            }
            Task<List<Integer>> partial =
                    Asyncio.createTask("partial", () -> Asyncio.gather(inputs, GatherStrategy.RETURN_PARTIAL));
            Task<List<Integer>> all = Asyncio.createTask("all", () -> Asyncio.gather(inputs, GatherStrategy.WAIT_ALL));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> waitingInGather(loop.dump(true).root(), 2));
            go.countDown();

            assertThat(Asyncio.await(partial)).isEqualTo(evens);
            GatherException e = (GatherException) catchThrowable(() -> Asyncio.await(all));
            assertThat(e.exceptions().keySet()).containsExactlyInAnyOrderElementsOf(odds);
            assertThat(e.results().keySet()).containsExactlyInAnyOrderElementsOf(evens);
            assertThat(e.getCause()).isIn(e.exceptions().values());
            return null;
        });
    }

    /**
     * Task {@code a} fails, and while its done callbacks are still running (a slow one of its own comes before the
     * gather's), task {@code b} awaits it, sees the failure and fails in turn, so b's gather callback runs first. The
     * gather must still name a's failure as the first: a ended first, and b failed because of it.
     */
    @RepeatedTest(5)
    void theFirstFailureIsTheOneThatEndedFirstHoweverLateItsCallbacksRun() {
        IllegalStateException aFailure = new IllegalStateException("a failed");
        loop.run(() -> {
            CountDownLatch goA = new CountDownLatch(1);
            CountDownLatch aReleasing = new CountDownLatch(1);
            CountDownLatch holdACallbacks = new CountDownLatch(1);
            Task<Integer> a = Asyncio.createTask("a", () -> {
                goA.await();
                throw aFailure;
            });
            a.addDoneCallback(
                    task -> { // registered before the gather's callback, so it runs first
                        aReleasing.countDown();
                        try {
                            holdACallbacks.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
            Task<Integer> b = Asyncio.createTask("b", () -> {
                aReleasing.await();
                try {
                    return Asyncio.await(a);
                } catch (RuntimeException seen) {
                    throw new IllegalArgumentException("b saw a fail", seen);
                }
            });
            Task<List<Integer>> gatherer =
                    Asyncio.createTask("gatherer", () -> Asyncio.gather(GatherStrategy.WAIT_ALL, a, b));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> waitingInGather(loop.dump(true).root(), 1));
            goA.countDown();
            await().atMost(Duration.ofSeconds(10)).until(b::isDone); // b failed, and its callbacks ran, before a's
            holdACallbacks.countDown();

            GatherException e = (GatherException) catchThrowable(() -> Asyncio.await(gatherer));
            assertThat(e.exceptions()).containsOnlyKeys(0, 1);
            assertThat(e.firstException()).isSameAs(aFailure);
            assertThat(e.getCause()).isSameAs(aFailure);
            return null;
        });
    }

    /** {@return whether at least {@code gatherers} tasks below {@code scope} are waiting inside a gather} */
    private static boolean waitingInGather(TaskTree.ScopeNode scope, int gatherers) {
        return countWaitingInGather(scope) >= gatherers;
    }

    private static int countWaitingInGather(TaskTree.ScopeNode scope) {
        int count = 0;
        for (TaskTree.TaskNode task : scope.tasks()) {
            if (task.stack().stream().anyMatch(frame -> frame.getMethodName().equals("awaitWake"))) {
                count++;
            }
        }
        for (TaskTree.ScopeNode child : scope.children()) {
            count += countWaitingInGather(child);
        }
        return count;
    }

    @Test
    void gatherOutcomesDescribesEachTaskAndNeverThrowsForTheirFailures() {
        IllegalStateException boom = new IllegalStateException("boom");
        Task<Integer> cancelled = sleepingForever(new AtomicBoolean());
        cancelled.cancel();
        List<Outcome<Integer>> outcomes =
                Asyncio.gatherOutcomes(List.of(after(10, 1), failingAfter(0, boom), cancelled));
        assertThat(outcomes)
                .containsExactly(new Outcome.Success<>(1), new Outcome.Failure<>(boom), new Outcome.Cancelled<>());
        assertThat(outcomes.get(0).isSuccess()).isTrue();
        assertThat(Outcome.of(cancelled)).isEqualTo(new Outcome.Cancelled<>());
    }

    @Test
    void aHundredThousandTasksGatheredGiveTheExactSum() {
        int n = 100_000;
        assertThat(TrivialTasks.spawnAndSum(loop, n)).isEqualTo((long) n * (n + 1) / 2);
        assertThat(loop.stats().completed()).isGreaterThanOrEqualTo(n);
    }

    @Test
    void cancellingTheGathererDoesNotCancelTheTasksItGathers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Task<Integer> inner = loop.createTask(() -> {
            release.await();
            return 1;
        });
        CountDownLatch gathering = new CountDownLatch(1);
        Task<List<Integer>> gatherer = loop.createTask(() -> {
            gathering.countDown();
            return Asyncio.gather(inner);
        });
        gathering.await();
        gatherer.cancel();
        Suspension.joinUninterruptibly(gatherer);
        assertThat(gatherer.isCancelled()).isTrue();
        assertThat(inner.isDone()).isFalse();
        release.countDown();
        assertThat(Asyncio.await(inner)).isEqualTo(1);
    }

    @Test
    void badInputIsRejectedClearly() {
        assertThatThrownBy(() -> Asyncio.gather((List<Task<Integer>>) null, GatherStrategy.WAIT_ALL))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("tasks");
        List<Task<Integer>> withNull = new ArrayList<>();
        withNull.add(after(0, 1));
        withNull.add(null);
        assertThatThrownBy(() -> Asyncio.gather(withNull, GatherStrategy.WAIT_ALL))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("tasks[1] is null");
        assertThatThrownBy(() -> Asyncio.gather(List.of(after(0, 1)), null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("strategy");
        Task<Object> self =
                loop.createTask(() -> Asyncio.gather(List.of(Asyncio.currentTask()), GatherStrategy.WAIT_ALL));
        assertThatThrownBy(() -> Asyncio.await(self))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot gather itself");
    }

    private static Throwable catchThrowable(Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            return t;
        }
        throw new AssertionError("expected a failure");
    }
}

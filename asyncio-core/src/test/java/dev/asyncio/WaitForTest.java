package dev.asyncio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio.core.EventLoop;
import dev.asyncio.core.Suspension;
import dev.asyncio.core.Task;
import dev.asyncio.core.TaskState;
import dev.asyncio.exception.TaskCancelledException;
import dev.asyncio.exception.TaskTimeoutException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** waitFor: the only wait that cancels what it waits for. */
class WaitForTest {
    private final EventLoop loop = EventLoop.builder().name("waitfor-test").build();

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    @Test
    void onExpiryTheTaskIsCancelledAndTerminatedBeforeTheTimeoutIsThrown() throws Exception {
        AtomicBoolean unwound = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(1);
        Task<Integer> task = loop.createTask("slow", () -> {
            started.countDown();
            try {
                Asyncio.sleep(600_000);
            } finally {
                Thread.sleep(2);
                unwound.set(true);
            }
            return 1;
        });
        started.await(); // a task cancelled before it starts never runs its finally block
        assertThatThrownBy(() -> Asyncio.waitFor(task, Duration.ofMillis(20)))
                .isInstanceOf(TaskTimeoutException.class)
                .hasMessageContaining("'slow' timed out after 20ms")
                .hasCauseInstanceOf(TaskCancelledException.class);
        assertThat(task.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(unwound).isTrue();
    }

    @Test
    void aTaskInTimeGivesItsResult() {
        assertThat(Asyncio.waitFor(loop.createTask(() -> 3), Duration.ofSeconds(30)))
                .isEqualTo(3);
    }

    @Test
    void aZeroTimeoutReturnsTheResultOnlyOfATaskAlreadyDone() {
        Task<Integer> done = loop.createTask(() -> 1);
        Suspension.join(done);
        assertThat(Asyncio.waitFor(done, Duration.ZERO)).isEqualTo(1);
        Task<Integer> running = loop.createTask(() -> {
            Asyncio.sleep(600_000);
            return 2;
        });
        assertThatThrownBy(() -> Asyncio.waitFor(running, Duration.ZERO)).isInstanceOf(TaskTimeoutException.class);
        assertThat(running.isCancelled()).isTrue();
    }

    @Test
    void cancellingTheWaiterCancelsTheInnerTaskToo() throws Exception {
        AtomicReference<Task<Integer>> inner = new AtomicReference<>();
        CountDownLatch waiting = new CountDownLatch(1);
        Task<Integer> waiter = loop.createTask(() -> {
            inner.set(Asyncio.createTask(() -> {
                Asyncio.sleep(600_000);
                return 1;
            }));
            waiting.countDown();
            return Asyncio.waitFor(inner.get(), Duration.ofMinutes(5));
        });
        waiting.await();
        waiter.cancel();
        Suspension.joinUninterruptibly(waiter);
        assertThat(waiter.isCancelled()).isTrue();
        assertThat(inner.get().isCancelled()).isTrue();
    }

    @Test
    void theCallableFormRunsTheBodyAsATaskOfTheCurrentScope() {
        String name = loop.run(() -> {
            Task<?> outer = Asyncio.currentTask();
            return Asyncio.waitFor(
                    () -> {
                        Task<?> inner = Asyncio.currentTask();
                        return inner != outer && inner.scope() == outer.scope() ? "task" : "elsewhere";
                    },
                    Duration.ofSeconds(30));
        });
        assertThat(name).isEqualTo("task");
        assertThatThrownBy(() -> loop.run(() -> Asyncio.waitFor(
                        () -> {
                            Asyncio.sleep(600_000);
                            return 1;
                        },
                        Duration.ofMillis(10))))
                .isInstanceOf(TaskTimeoutException.class);
    }

    @Test
    void theCallableFormWorksOnAPlainThreadWithNoScope() {
        assertThat(Asyncio.waitFor(() -> 8, Duration.ofSeconds(30))).isEqualTo(8);
    }

    @Test
    void aFailureOfTheTaskIsRethrownNotTurnedIntoATimeout() {
        IllegalStateException boom = new IllegalStateException("boom");
        Task<Integer> task = loop.createTask(() -> {
            throw boom;
        });
        assertThatThrownBy(() -> Asyncio.waitFor(task, Duration.ofSeconds(30))).isSameAs(boom);
    }

    @Test
    void negativeAndNullTimeoutsAreRejected() {
        Task<Integer> task = loop.createTask(() -> 1);
        assertThatThrownBy(() -> Asyncio.waitFor(task, Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout must not be negative");
        assertThatThrownBy(() -> Asyncio.waitFor(task, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("timeout");
        assertThatThrownBy(() -> Asyncio.waitFor(() -> 1, Duration.ofMillis(-5)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.asyncio.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.asyncio.Asyncio;
import dev.asyncio.testing.LogCapture;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Nothing is lost silently: a failure nobody retrieved is logged once, and only then. */
class UnretrievedFailureTest {
    private static final String WARNING = "nobody retrieved its exception";
    private LogCapture log;

    @BeforeEach
    void capture() {
        log = LogCapture.capture();
    }

    @AfterEach
    void release() {
        log.close();
    }

    private static Task<Integer> failing(String name) {
        return Asyncio.createTask(name, () -> {
            throw new IllegalStateException("lost " + name);
        });
    }

    @Test
    void anUnretrievedFailureIsLoggedOnceWithNameAndStackWhenItsScopeExits() {
        CancellationScope.run(() -> {
            Suspension.joinUninterruptibly(failing("forgotten"));
            return null;
        });
        assertThat(log.containing(WARNING)).singleElement().satisfies(event -> {
            assertThat(event.getFormattedMessage()).contains("'forgotten'");
            assertThat(event.getThrowableProxy().getMessage()).isEqualTo("lost forgotten");
        });
    }

    @Test
    void aRetrievedFailureIsNotLogged() {
        CancellationScope.run(() -> {
            Task<Integer> awaited = failing("awaited");
            try {
                Asyncio.await(awaited);
            } catch (IllegalStateException expected) {
                // retrieved
            }
            Task<Integer> inspected = failing("inspected");
            Suspension.joinUninterruptibly(inspected);
            inspected.exception();
            Task<Integer> calledBack = failing("called-back");
            calledBack.addDoneCallback(t -> {});
            Asyncio.gatherOutcomes(java.util.List.of(failing("gathered")));
            Suspension.joinUninterruptibly(calledBack);
            return null;
        });
        assertThat(log.containing(WARNING)).isEmpty();
    }

    @Test
    void cancelledAndSuccessfulTasksAreNeverReported() {
        CancellationScope.run(() -> {
            Task<Integer> cancelled = Asyncio.createTask(() -> {
                Asyncio.sleep(600_000);
                return 1;
            });
            cancelled.cancel();
            Asyncio.createTask(() -> 1);
            return null;
        });
        assertThat(log.containing(WARNING)).isEmpty();
    }

    @Test
    void aFailureInTheRootScopeIsReportedWhenTheLoopCloses() {
        EventLoop loop = EventLoop.builder().name("closing").build();
        Task<Integer> task = loop.createTask("in-root", () -> {
            throw new IllegalStateException("x");
        });
        Suspension.joinUninterruptibly(task);
        assertThat(log.containing(WARNING)).isEmpty();
        loop.close();
        assertThat(log.containing("'in-root'")).hasSize(1);
        loop.close();
        assertThat(log.containing("'in-root'")).hasSize(1); // once
        Reference.reachabilityFence(task); // reported by the close, not by the garbage collector
    }

    @Test
    void aFailedTaskThatBecomesUnreachableIsReportedWithoutWaitingForItsLongLivedScope() {
        try (EventLoop loop = EventLoop.builder().name("long-lived").build()) {
            createAndDropAFailingTask(loop);
            AtomicInteger gcs = new AtomicInteger();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                System.gc(); // the root scope never exits here: only unreachability can report it
                gcs.incrementAndGet();
                return !log.containing("'dropped'").isEmpty();
            });
            assertThat(log.containing("'dropped'")).hasSize(1);
        }
    }

    private static void createAndDropAFailingTask(EventLoop loop) {
        Task<Integer> task = loop.createTask("dropped", () -> {
            throw new IllegalStateException("dropped on the floor");
        });
        Suspension.joinUninterruptibly(task);
    }
}

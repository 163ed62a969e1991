package dev.asyncio.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.asyncio.testing.LogCapture;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Timers: one-shot and periodic, on virtual threads with the root scope current, stopped by close. */
class TimersTest {
    private final EventLoop loop = EventLoop.builder().name("timer-test").build();

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    @Test
    void aOneShotTimerFiresOnceOnAVirtualThreadWithTheRootScopeCurrent() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        CountDownLatch fired = new CountDownLatch(1);
        long id = loop.addTimer(
                Duration.ofMillis(5),
                () -> {
                    seen.set(Thread.currentThread().isVirtual() + " "
                            + (CancellationScope.current() == loop.rootScope()));
                    fired.countDown();
                },
                false);
        assertThat(id).isPositive();
        assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(seen.get()).isEqualTo("true true");
        await().until(() -> loop.stats().activeTimers() == 0); // a fired one-shot stops counting
        assertThat(loop.delTimer(id)).isFalse();
    }

    @Test
    void aPeriodicTimerKeepsFiringUntilDeletedEvenWhenItsCallbackThrows() {
        try (LogCapture log = LogCapture.capture()) {
            AtomicInteger runs = new AtomicInteger();
            long id = loop.addTimer(
                    Duration.ofMillis(2),
                    () -> {
                        runs.incrementAndGet();
                        throw new IllegalStateException("tick failed");
                    },
                    true);
            await().until(() -> runs.get() >= 3);
            assertThat(loop.stats().activeTimers()).isEqualTo(1);
            assertThat(loop.delTimer(id)).isTrue();
            assertThat(loop.stats().activeTimers()).isZero();
            assertThat(log.containing("Timer " + id)).isNotEmpty();
        }
    }

    @Test
    void aSlowCallbackNeverDelaysAnotherTimer() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch quickFired = new CountDownLatch(1);
        loop.callSoon(() -> {
            try {
                release.await();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });
        loop.callLater(Duration.ofMillis(5), quickFired::countDown);
        assertThat(quickFired.await(10, TimeUnit.SECONDS)).isTrue();
        release.countDown();
    }

    @Test
    void aPeriodicTimerDoesNotOverlapItself() throws Exception {
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger highWater = new AtomicInteger();
        AtomicInteger runs = new AtomicInteger();
        long id = loop.addTimer(
                Duration.ofMillis(1),
                () -> {
                    highWater.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                    try {
                        Thread.sleep(5); // slower than the period on purpose
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    concurrent.decrementAndGet();
                    runs.incrementAndGet();
                },
                true);
        await().until(() -> runs.get() >= 5);
        loop.delTimer(id);
        assertThat(highWater.get()).isEqualTo(1);
    }

    @Test
    void callSoonAndCallLaterReturnIdsThatDelTimerAccepts() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        long later = loop.callLater(Duration.ofMinutes(5), ran::incrementAndGet);
        assertThat(loop.stats().activeTimers()).isEqualTo(1);
        assertThat(loop.delTimer(later)).isTrue();
        CountDownLatch soon = new CountDownLatch(1);
        loop.callSoon(soon::countDown);
        assertThat(soon.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).hasValue(0);
    }

    @Test
    void closeStopsTheTimers() {
        AtomicInteger runs = new AtomicInteger();
        loop.addTimer(Duration.ofMillis(1), runs::incrementAndGet, true);
        await().until(() -> runs.get() > 0);
        loop.close();
        int atClose = runs.get();
        assertThat(loop.stats().activeTimers()).isZero();
        // nothing fires after close: the clock is shut down and no new callback can start
        assertThat(runs.get()).isEqualTo(atClose);
        assertThatThrownBy(() -> loop.addTimer(Duration.ofMillis(1), () -> {}, false))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aTimerCallbackMayCloseItsOwnLoop() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        loop.callSoon(() -> {
            loop.close();
            closed.countDown();
        });
        assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(loop.isClosed()).isTrue();
    }

    @Test
    void badIntervalsAreRejected() {
        assertThatThrownBy(() -> loop.addTimer(Duration.ZERO, () -> {}, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1ms");
        assertThatThrownBy(() -> loop.addTimer(Duration.ofMillis(-1), () -> {}, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> loop.callLater(Duration.ofMillis(-1), () -> {}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> loop.addTimer(Duration.ofMillis(1), null, false))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("callback");
    }
}

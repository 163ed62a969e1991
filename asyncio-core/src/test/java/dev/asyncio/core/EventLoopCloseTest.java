package dev.asyncio.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.asyncio.testing.LogCapture;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What a bounded close leaves behind when a task refuses to end, and the ids timers get. */
class EventLoopCloseTest {

    @Test
    void aCloseThatGivesUpStillStopsEveryTimer() throws Exception {
        EventLoop loop = EventLoop.builder().name("stubborn").build();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Task<Integer> stubborn = loop.createTask("stubborn", () -> {
            started.countDown();
            while (true) {
                try {
                    release.await(); // swallows every interrupt: cancellation cannot stop it
                    return 0;
                } catch (InterruptedException ignored) {
                    // keep waiting
                }
            }
        });
        started.await();
        AtomicInteger ticks = new AtomicInteger();
        loop.addTimer(Duration.ofMinutes(1), ticks::incrementAndGet, true);
        loop.callLater(Duration.ofMinutes(1), ticks::incrementAndGet);
        assertThat(loop.stats().activeTimers()).isEqualTo(2);

        try (LogCapture log = LogCapture.capture()) {
            assertThat(loop.close(Duration.ofMillis(50))).isFalse();
            assertThat(loop.stats().activeTimers()).isZero();
            assertThat(log.containing("stubborn")).isNotEmpty();
        } finally {
            release.countDown();
        }
        await().until(stubborn::isDone);
        assertThat(ticks).hasValue(0);
    }

    @Test
    void everyTimerGetsItsOwnIdWhichDelTimerAccepts() {
        try (EventLoop loop = EventLoop.builder().name("timer-ids").build()) {
            long soon = loop.callSoon(() -> {});
            long sooner = loop.callSoon(() -> {});
            long later = loop.callLater(Duration.ofMinutes(1), () -> {});
            long periodic = loop.addTimer(Duration.ofMinutes(1), () -> {}, true);

            assertThat(java.util.Set.of(soon, sooner, later, periodic)).hasSize(4);
            assertThat(loop.delTimer(later)).isTrue();
            assertThat(loop.delTimer(periodic)).isTrue();
            assertThat(loop.delTimer(later)).isFalse();
        }
    }
}

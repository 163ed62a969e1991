package dev.asyncio.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The default loop is one JVM-wide setting: what one thread installs, every other thread sees. */
class DefaultLoopTest {

    @Test
    void aDefaultInstalledOnOneThreadIsSeenByAnother() throws Exception {
        EventLoop before = EventLoop.getDefault(); // also creates it, on this thread
        try (EventLoop mine = EventLoop.builder().name("installed-here").build()) {
            EventLoop.setDefault(mine);
            try {
                // a thread of its own, bounded: it would hang if installing had left the setting locked
                EventLoop seen = CompletableFuture.supplyAsync(EventLoop::getDefault, Thread::startVirtualThread)
                        .get(10, TimeUnit.SECONDS);
                assertThat(seen).isSameAs(mine);
                EventLoop replaced = CompletableFuture.supplyAsync(
                                () -> EventLoop.setDefault(before), Thread::startVirtualThread)
                        .get(10, TimeUnit.SECONDS);
                assertThat(replaced).isSameAs(mine);
            } finally {
                EventLoop.setDefault(before);
            }
        }
        assertThat(EventLoop.getDefault()).isSameAs(before);
    }
}

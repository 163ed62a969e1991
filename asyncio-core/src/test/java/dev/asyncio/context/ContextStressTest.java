package dev.asyncio.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Many threads inheriting one snapshot and writing the same key never see each other's values. */
class ContextStressTest {
    private static final int THREADS = 10_000;
    private static final ContextKey<String> OWNER = ContextKey.of("owner", String.class);

    @AfterEach
    void clearTheTestThreadsContext() {
        Context.clear();
    }

    @Test
    @SuppressWarnings("ThreadPriorityCheck") // yield only interleaves threads between write and read-back
    void tenThousandThreadsWritingOneKeyEachReadBackOnlyTheirOwnValue() throws InterruptedException {
        Context.set(OWNER, "parent");
        Context.set("shared", "inherited");
        Context.Snapshot snapshot = Context.capture();
        CountDownLatch allInstalled = new CountDownLatch(THREADS);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger mismatches = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();

        List<Thread> threads = new ArrayList<>(THREADS);
        for (int i = 0; i < THREADS; i++) {
            String mine = "thread-" + i;
            threads.add(Thread.ofVirtual().start(() -> {
                Context.install(snapshot);
                allInstalled.countDown();
                try {
                    // Every thread writes at about the same time, so a shared structure would show here.
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (!"parent".equals(Context.get(OWNER))) {
                    mismatches.incrementAndGet();
                }
                Context.set(OWNER, mine);
                for (int y = 0; y < 3; y++) {
                    Thread.yield();
                }
                if (!mine.equals(Context.get(OWNER))
                        || !"inherited".equals(Context.get("shared"))
                        || !Context.getAll(false).equals(Map.of("owner", mine))) {
                    mismatches.incrementAndGet();
                }
                finished.incrementAndGet();
            }));
        }
        allInstalled.await();
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(finished.get()).isEqualTo(THREADS);
        assertThat(mismatches.get()).isZero();
        assertThat(Context.get(OWNER)).isEqualTo("parent");
        assertThat(snapshot.get("owner")).isEqualTo("parent");
    }
}

package dev.asyncio.core.internal;

import dev.asyncio.core.EventLoop;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Holds the default loop. A lazily created default is replaced once closed; an installed one stays until replaced.
 */
public final class DefaultLoop {
    private static final ReentrantLock lock = new ReentrantLock();
    private static volatile @Nullable EventLoop current;
    private static volatile boolean installed;

    private DefaultLoop() {}

    /** {@return the default loop, creating it if needed} */
    public static EventLoop get() {
        EventLoop loop = current;
        if (loop != null && (installed || !loop.isClosed())) {
            return loop;
        }
        lock.lock();
        try {
            loop = current;
            if (loop == null || (!installed && loop.isClosed())) {
                loop = EventLoop.builder().name("default").build();
                current = loop;
                installed = false;
            }
            return loop;
        } finally {
            lock.unlock();
        }
    }

    /** Installs {@code loop} (null: back to a lazily created one) and returns the previous default. */
    public static @Nullable EventLoop set(@Nullable EventLoop loop) {
        lock.lock();
        try {
            EventLoop previous = current;
            current = loop;
            installed = loop != null;
            return previous;
        } finally {
            lock.unlock();
        }
    }
}

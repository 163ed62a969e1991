package dev.asyncio.resource;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A test resource that counts its {@code close()} and {@code onCancellation()} calls and writes them, in order, to a
 * journal that several resources may share. It can be told to fail either call.
 */
final class CountingResource implements AsyncResource {
    final String name;
    final AtomicInteger closes = new AtomicInteger();
    final AtomicInteger cancellations = new AtomicInteger();
    private final Queue<String> journal;
    private volatile @Nullable RuntimeException closeFailure;
    private volatile @Nullable RuntimeException cancellationFailure;

    CountingResource(String name) {
        this(name, new ConcurrentLinkedQueue<>());
    }

    CountingResource(String name, Queue<String> journal) {
        this.name = name;
        this.journal = journal;
    }

    /** Makes {@code close()} record the call and then throw {@code failure}. */
    CountingResource failingClose(RuntimeException failure) {
        this.closeFailure = failure;
        return this;
    }

    /** Makes {@code onCancellation()} record the call and then throw {@code failure}. */
    CountingResource failingOnCancellation(RuntimeException failure) {
        this.cancellationFailure = failure;
        return this;
    }

    @Override
    public void close() {
        closes.incrementAndGet();
        journal.add("close " + name);
        RuntimeException failure = closeFailure;
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public boolean isClosed() {
        return closes.get() > 0;
    }

    @Override
    public void onCancellation() {
        cancellations.incrementAndGet();
        journal.add("cancel " + name);
        RuntimeException failure = cancellationFailure;
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "CountingResource[" + name + "]";
    }
}

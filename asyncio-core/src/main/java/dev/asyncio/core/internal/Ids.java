package dev.asyncio.core.internal;

import java.util.concurrent.atomic.AtomicLong;

/** JVM-wide id sequences, so that ids stay unique across loops. */
final class Ids {
    private static final AtomicLong TASKS = new AtomicLong();
    private static final AtomicLong SCOPES = new AtomicLong();
    private static final AtomicLong ENDINGS = new AtomicLong();

    private Ids() {}

    static long nextTask() {
        return TASKS.incrementAndGet();
    }

    static long nextScope() {
        return SCOPES.incrementAndGet();
    }

    /** {@return the next number in the order of unsuccessful task endings, see RuntimeTask#endingOrder} */
    static long nextEnding() {
        return ENDINGS.incrementAndGet();
    }
}

package dev.asyncio.core.internal;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure a failure nobody retrieved is not lost: logs it at WARN, once, when the task's scope exits or when the
 * task becomes unreachable, whichever comes first (Python's "Task exception was never retrieved"). It holds the
 * failure and the names, never the task, so that it can run once the task is gone.
 */
final class FailureWatch implements Runnable {
    private static final Logger log = LoggerFactory.getLogger("dev.asyncio.UnretrievedFailure");
    private static final Cleaner CLEANER =
            Cleaner.create(Thread.ofVirtual().name("asyncio-failure-watch").factory());

    private final String loopName;
    private final String taskName;
    private final Throwable failure;
    private final AtomicBoolean settled = new AtomicBoolean();

    FailureWatch(String loopName, String taskName, Throwable failure) {
        this.loopName = loopName;
        this.taskName = taskName;
        this.failure = failure;
    }

    /** Starts watching: the scope reports at its exit, the cleaner when {@code task} becomes unreachable. */
    void watch(Object task, RuntimeScope scope) {
        scope.watch(this);
        CLEANER.register(task, this);
    }

    /** Someone retrieved the failure: nothing to report. */
    void retrieved() {
        settled.set(true);
    }

    boolean isSettled() {
        return settled.get();
    }

    /** Reports the failure unless it was retrieved or already reported. */
    @Override
    public void run() {
        if (settled.compareAndSet(false, true)) {
            log.warn(
                    "Task '{}' of loop '{}' failed and nobody retrieved its exception (await, gather, result(), "
                            + "exception() or a done callback)",
                    taskName,
                    loopName,
                    failure);
        }
    }
}

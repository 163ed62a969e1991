package dev.asyncio.core.internal;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loop's clock: one daemon platform thread that fires deadlines and timers. Internal actions (scope deadlines,
 * stalled-cancellation warnings) are short and run on that thread; user callbacks each run on a virtual thread of
 * their own, so a slow callback never delays another timer.
 */
final class Timers {
    private static final Logger log = LoggerFactory.getLogger(Timers.class);

    private final String loopName;
    private final ScheduledThreadPoolExecutor clock;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, UserTimer> timers = new ConcurrentHashMap<>();
    private final Set<Thread> runningCallbacks = ConcurrentHashMap.newKeySet();
    private final Runnable enterRootScope;

    Timers(String loopName, Runnable enterRootScope) {
        this.loopName = loopName;
        this.enterRootScope = enterRootScope;
        this.clock = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, loopName + "/clock");
            thread.setDaemon(true);
            return thread;
        });
        clock.setRemoveOnCancelPolicy(true);
        clock.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        clock.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    }

    /** Runs a short internal action on the clock thread after {@code delay}; null once the clock has stopped. */
    @Nullable
    Future<?> schedule(Duration delay, Runnable action) {
        try {
            return clock.schedule(action, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopped) {
            return null;
        }
    }

    /** Runs a short internal action on the clock thread every {@code period} until the clock stops. */
    void every(Duration period, Runnable action) {
        clock.scheduleWithFixedDelay(action, period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
    }

    long add(Duration delay, @Nullable Duration period, Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        long id = ids.incrementAndGet();
        UserTimer timer = new UserTimer(id, callback, period != null);
        timers.put(id, timer);
        try {
            timer.future = period == null
                    ? clock.schedule(timer::fire, delay.toNanos(), TimeUnit.NANOSECONDS)
                    : clock.scheduleAtFixedRate(timer::fire, delay.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopped) {
            timers.remove(id);
            throw new IllegalStateException("loop '" + loopName + "' is closed", stopped);
        }
        return id;
    }

    boolean delete(long id) {
        UserTimer timer = timers.remove(id);
        if (timer == null) {
            return false;
        }
        ScheduledFuture<?> future = timer.future;
        if (future != null) {
            future.cancel(false);
        }
        return true;
    }

    int active() {
        return timers.size();
    }

    /** Stops the clock, interrupts running callbacks and waits for them. */
    void shutdown() {
        clock.shutdownNow();
        timers.keySet().forEach(this::delete);
        for (Thread thread : runningCallbacks) {
            if (thread != Thread.currentThread()) {
                thread.interrupt();
            }
        }
        boolean interrupted = false;
        for (Thread thread : runningCallbacks) {
            while (thread.isAlive() && thread != Thread.currentThread()) { // a callback may close its own loop
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private final class UserTimer {
        private final long id;
        private final Runnable callback;
        private final boolean periodic;
        private final AtomicBoolean running = new AtomicBoolean();
        volatile @Nullable ScheduledFuture<?> future;

        UserTimer(long id, Runnable callback, boolean periodic) {
            this.id = id;
            this.callback = callback;
            this.periodic = periodic;
        }

        /** On the clock thread: hands the callback to a virtual thread, skipping it if its last run is still going. */
        void fire() {
            if (!periodic) {
                timers.remove(id);
            }
            if (!running.compareAndSet(false, true)) {
                return;
            }
            Thread thread = Thread.ofVirtual().name(loopName + "/timer-" + id).unstarted(this::runCallback);
            runningCallbacks.add(thread);
            thread.start();
        }

        private void runCallback() {
            Thread self = Thread.currentThread();
            try {
                enterRootScope.run();
                callback.run();
            } catch (Throwable e) {
                log.error("Timer {} of loop '{}' threw", id, loopName, e);
            } finally {
                running.set(false);
                runningCallbacks.remove(self);
            }
        }
    }
}

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
            return clock.schedule(action, Durations.saturatedNanos(delay), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopped) {
            return null;
        }
    }

    /** Runs a short internal action on the clock thread every {@code period} until the clock stops. */
    void every(Duration period, Runnable action) {
        long nanos = Durations.saturatedNanos(period);
        clock.scheduleWithFixedDelay(action, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    long add(Duration delay, @Nullable Duration period, Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        long id = ids.incrementAndGet();
        UserTimer timer = new UserTimer(id, callback, period != null);
        timers.put(id, timer);
        try {
            timer.future = period == null
                    ? clock.schedule(timer::fire, Durations.saturatedNanos(delay), TimeUnit.NANOSECONDS)
                    : clock.scheduleAtFixedRate(
                            timer::fire,
                            Durations.saturatedNanos(delay),
                            Durations.saturatedNanos(period),
                            TimeUnit.NANOSECONDS);
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

    /**
     * Stops the clock, interrupts the running callbacks and waits for them, except for callbacks that are closing the
     * loop themselves: each closer would wait for the other.
     *
     * @param deadline the {@link System#nanoTime()} to stop waiting at, or null to wait without bound
     * @param closers the threads closing the loop now
     * @return whether every callback waited for has ended
     */
    boolean shutdown(@Nullable Long deadline, Set<Thread> closers) {
        clock.shutdownNow();
        timers.keySet().forEach(this::delete);
        Thread self = Thread.currentThread();
        for (Thread thread : runningCallbacks) {
            if (thread != self && !closers.contains(thread)) {
                thread.interrupt();
            }
        }
        boolean interrupted = false;
        boolean ended = true;
        for (Thread thread : runningCallbacks) {
            while (ended && thread.isAlive() && thread != self && !closers.contains(thread)) {
                try {
                    if (deadline == null) {
                        thread.join();
                    } else {
                        ended = thread.join(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return ended;
    }

    /** {@return the callbacks running now, for logging those that outlive a close} */
    Set<Thread> runningCallbacks() {
        return Set.copyOf(runningCallbacks);
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

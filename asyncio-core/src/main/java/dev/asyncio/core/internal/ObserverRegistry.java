package dev.asyncio.core.internal;

import dev.asyncio.core.CancellationScope;
import dev.asyncio.core.Task;
import dev.asyncio.core.observe.Observable;
import dev.asyncio.core.observe.Observer;
import dev.asyncio.core.observe.ResourceEvent;
import dev.asyncio.core.observe.ScopeEvent;
import dev.asyncio.core.observe.TaskEvent;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loop's observers, as a copy-on-write array. Publishing reads the array once; with no observer it returns before
 * allocating anything, so an unobserved loop pays one volatile read per lifecycle step.
 */
final class ObserverRegistry implements Observable {
    private static final Logger log = LoggerFactory.getLogger(ObserverRegistry.class);
    private static final Observer[] NONE = {};

    private final ReentrantLock lock = new ReentrantLock();
    private volatile Observer[] observers = NONE;

    @Override
    public void register(Observer observer) {
        Objects.requireNonNull(observer, "observer");
        lock.lock();
        try {
            Observer[] current = observers;
            for (Observer o : current) {
                if (o == observer) {
                    return;
                }
            }
            Observer[] next = Arrays.copyOf(current, current.length + 1);
            next[current.length] = observer;
            observers = next;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean unregister(Observer observer) {
        Objects.requireNonNull(observer, "observer");
        lock.lock();
        try {
            Observer[] current = observers;
            for (int i = 0; i < current.length; i++) {
                if (current[i] == observer) {
                    Observer[] next = new Observer[current.length - 1];
                    System.arraycopy(current, 0, next, 0, i);
                    System.arraycopy(current, i + 1, next, i, current.length - i - 1);
                    observers = next.length == 0 ? NONE : next;
                    return true;
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isEnabled() {
        return observers.length != 0;
    }

    @Override
    public void clear() {
        lock.lock();
        try {
            observers = NONE;
        } finally {
            lock.unlock();
        }
    }

    void task(TaskEvent.Type type, Task<?> task, @Nullable Throwable exception) {
        Observer[] current = observers;
        if (current.length != 0) {
            deliver(current, new TaskEvent(type, task, Instant.now(), exception), Observer::onTaskEvent);
        }
    }

    void scope(ScopeEvent.Type type, CancellationScope scope, @Nullable Throwable exception) {
        Observer[] current = observers;
        if (current.length != 0) {
            deliver(current, new ScopeEvent(type, scope, Instant.now(), exception), Observer::onScopeEvent);
        }
    }

    void resource(ResourceEvent.Type type, AutoCloseable resource, CancellationScope scope) {
        Observer[] current = observers;
        if (current.length != 0) {
            deliver(current, new ResourceEvent(type, resource, scope, Instant.now()), Observer::onResourceEvent);
        }
    }

    /** Hands {@code event} to each observer; one that throws is logged and the others still get it. */
    private static <E> void deliver(Observer[] observers, E event, BiConsumer<Observer, E> call) {
        for (Observer observer : observers) {
            try {
                call.accept(observer, event);
            } catch (Throwable e) {
                log.error("Observer {} threw on {}", observer, event, e);
            }
        }
    }
}

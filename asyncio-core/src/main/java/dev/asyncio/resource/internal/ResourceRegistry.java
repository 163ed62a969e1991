package dev.asyncio.resource.internal;

import dev.asyncio.core.CancellationScope;
import dev.asyncio.core.internal.RuntimeScope;
import dev.asyncio.resource.AsyncResource;
import dev.asyncio.resource.ResourceStats;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The bookkeeping behind {@code AsyncResourceManager}: which resources are bound to which scope, with the handle that
 * unbinds each, and the counters.
 *
 * <p>An entry lives exactly as long as its binding: it is added before the resource is bound to its scope and removed
 * when the scope has closed the resource, when the resource is deregistered, or when the scope refuses the binding. So
 * nothing here outlives what the scopes themselves hold. Resources are tracked by identity, never by {@code equals}.
 *
 * <p>Thread-safe without a lock of its own: the identity map's {@code putIfAbsent} decides which of two concurrent
 * registrations of one resource wins, and the kernel's binding handle decides whether a resource is deregistered or
 * closed, never both.
 */
public final class ResourceRegistry {
    private final ConcurrentHashMap<Identity, Registration> registrations = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<CancellationScope, Long> openPerScope = new ConcurrentHashMap<>();
    private final LongAdder attempts = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder deregistered = new LongAdder();
    private final LongAdder closed = new LongAdder();
    private final LongAdder closeFailures = new LongAdder();

    /**
     * Binds {@code resource} to {@code scope}.
     *
     * @param scope the scope that will close it
     * @param resource the resource
     * @throws IllegalArgumentException if the resource is already closed
     * @throws IllegalStateException if the resource is registered already, or the scope has exited
     */
    public void register(CancellationScope scope, AsyncResource resource) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(resource, "resource");
        if (resource.isClosed()) {
            throw new IllegalArgumentException(
                    "resource " + resource + " is already closed; register a resource while it is open");
        }
        Registration registration = new Registration(resource, scope);
        Registration existing = registrations.putIfAbsent(registration.key, registration);
        if (existing != null) {
            throw new IllegalStateException("resource " + resource + " is already registered with " + existing.scope
                    + "; deregister it before registering it again");
        }
        // Counted before binding: once bound, a scope exiting on another thread may close it before bind() returns.
        attempts.increment();
        openPerScope.merge(scope, 1L, Long::sum);
        try {
            registration.bind();
        } catch (RuntimeException | Error refusal) {
            if (registration.end()) {
                refused.increment();
            }
            throw refusal;
        }
    }

    /**
     * Unbinds {@code resource} from its scope without closing it.
     *
     * @param resource the resource
     * @return true if it was registered and this call unbound it; false if it was not registered, or its scope is
     *     closing it now
     */
    public boolean deregister(AsyncResource resource) {
        Objects.requireNonNull(resource, "resource");
        Registration registration = registrations.get(new Identity(resource));
        if (registration == null || !registration.unbind()) {
            return false;
        }
        if (registration.end()) {
            deregistered.increment();
        }
        return true;
    }

    /** {@return how many resources registered here are bound to {@code scope} and not yet closed or deregistered} */
    public long resourceCount(CancellationScope scope) {
        Objects.requireNonNull(scope, "scope");
        return openPerScope.getOrDefault(scope, 0L);
    }

    /** {@return how many resources are bound now: the size of the bookkeeping; {@code stats().open()} when at rest} */
    public int tracked() {
        return registrations.size();
    }

    /** {@return a balanced snapshot of the counters} */
    public ResourceStats stats() {
        // Every counter only grows. Read each registration's ending counters before its starting one: whatever end we
        // see, its attempt was counted before it and is seen too, so open is never negative. closeFailures is bumped
        // after closed, so it is read first and never exceeds it.
        long failures = closeFailures.sum();
        long closedCount = closed.sum();
        long deregisteredCount = deregistered.sum();
        long refusedCount = refused.sum();
        long attemptCount = attempts.sum();
        // The clamp is a guard only: by the order above the difference is never negative.
        long open = Math.max(0, attemptCount - refusedCount - deregisteredCount - closedCount);
        return new ResourceStats(
                open + deregisteredCount + closedCount, deregisteredCount, closedCount, failures, open);
    }

    /** Told by the scope once it has closed {@code registration}'s resource. */
    private void closedByScope(Registration registration, @Nullable Throwable failure) {
        if (!registration.end()) {
            return;
        }
        closed.increment();
        if (failure != null) {
            closeFailures.increment();
        }
    }

    /** One resource bound to one scope: created per registration, so a re-registration gets a fresh one. */
    private final class Registration {
        final AsyncResource resource;
        final CancellationScope scope;
        final Identity key;
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile CancellationScope.@Nullable Cleanup cleanup;

        Registration(AsyncResource resource, CancellationScope scope) {
            this.resource = resource;
            this.scope = scope;
            this.key = new Identity(resource);
        }

        /**
         * Binds the resource. A scope of this runtime closes it itself, so events carry the resource; any other
         * implementation of {@link CancellationScope} gets a closer that reports back.
         */
        void bind() {
            if (scope instanceof RuntimeScope runtimeScope) {
                cleanup =
                        runtimeScope.bind(resource, resource::onCancellation, failure -> closedByScope(this, failure));
            } else {
                cleanup = scope.addCleanup(this::closeForForeignScope, resource::onCancellation);
            }
        }

        private void closeForForeignScope() {
            Throwable failure = null;
            try {
                resource.close();
            } catch (RuntimeException | Error e) {
                failure = e;
                throw e;
            } finally {
                closedByScope(this, failure);
            }
        }

        /** {@return true if the scope still held the binding and this call removed it} */
        boolean unbind() {
            // Null while a concurrent register() is still binding: that registration has not happened yet.
            CancellationScope.Cleanup handle = cleanup;
            return handle != null && handle.remove();
        }

        /** Forgets the registration, once; {@return true for the call that did} */
        boolean end() {
            if (!ended.compareAndSet(false, true)) {
                return false;
            }
            registrations.remove(key, this);
            openPerScope.computeIfPresent(scope, (s, count) -> count <= 1 ? null : count - 1);
            return true;
        }
    }

    /** A map key that compares resources by identity, whatever their {@code equals} says. */
    private static final class Identity {
        private final Object target;

        Identity(Object target) {
            this.target = target;
        }

        @Override
        public boolean equals(@Nullable Object other) {
            return other instanceof Identity identity && identity.target == target;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(target);
        }
    }
}

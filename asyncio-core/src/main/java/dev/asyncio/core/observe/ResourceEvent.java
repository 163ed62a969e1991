package dev.asyncio.core.observe;

import dev.asyncio.core.CancellationScope;
import java.time.Instant;
import java.util.Objects;

/**
 * A resource bound to a scope, or closed by it.
 *
 * <p>Events are immutable records, safe to hand to other threads; the scope in one is the live, thread-safe object,
 * and the resource is shared as it is.
 *
 * @param type what happened
 * @param resource the resource
 * @param scope the scope it is bound to
 * @param timestamp when it happened
 */
public record ResourceEvent(Type type, AutoCloseable resource, CancellationScope scope, Instant timestamp) {

    /** Validates the components. */
    public ResourceEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(timestamp, "timestamp");
    }

    /** The kinds of resource event. */
    public enum Type {
        /** The resource was bound to the scope. */
        REGISTERED,
        /** The scope closed the resource (whether or not {@code close()} threw). */
        CLOSED
    }
}

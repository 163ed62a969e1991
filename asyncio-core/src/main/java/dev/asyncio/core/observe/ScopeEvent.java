package dev.asyncio.core.observe;

import dev.asyncio.core.CancellationScope;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A scope opened or exited. {@code COMPLETED} and {@code CANCELLED} are delivered once the scope's tasks have
 * terminated and its resources are closed.
 *
 * <p>Events are immutable records, safe to hand to other threads; the scope in one is the live, thread-safe object.
 *
 * @param type what happened
 * @param scope the scope
 * @param timestamp when it happened
 * @param exception the exception the body exited with ({@code COMPLETED}), or the cancellation ({@code CANCELLED});
 *     else null
 */
public record ScopeEvent(
        Type type,
        CancellationScope scope,
        Instant timestamp,
        @Nullable Throwable exception) {

    /** Validates the components. */
    public ScopeEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(timestamp, "timestamp");
    }

    /** The kinds of scope event. */
    public enum Type {
        /** The scope opened. */
        CREATED,
        /** The scope exited without having been cancelled. */
        COMPLETED,
        /** The scope exited after it (or an enclosing scope) was cancelled. */
        CANCELLED
    }
}

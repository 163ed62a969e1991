package dev.asyncio.core.internal;

import dev.asyncio.core.CancellationScope;
import dev.asyncio.core.EventLoop;
import dev.asyncio.exception.TaskCancelledException;
import dev.asyncio.exception.TaskTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** The static entry points of {@link CancellationScope}: opening a scope, running its body, converting deadlines. */
public final class Scopes {
    private Scopes() {}

    /** {@return the calling thread's innermost scope, or null} */
    public static @Nullable CancellationScope current() {
        return Current.scope();
    }

    /** Runs {@code body} in a new child of the current scope, with a deadline if {@code timeout} is not null. */
    public static <T extends @Nullable Object> T run(@Nullable Duration timeout, Callable<T> body) {
        Objects.requireNonNull(body, "body");
        return execute(open(timeout), body);
    }

    /** Runs {@code body} in a new child of the current scope, handing it the scope. */
    public static <T extends @Nullable Object> T run(Function<CancellationScope, T> body) {
        Objects.requireNonNull(body, "body");
        RuntimeScope scope = open(null);
        return execute(scope, () -> body.apply(scope));
    }

    /** {@link CancellationScope#withTimeout}: a deadline that cancelled the body becomes a timeout. */
    public static <T extends @Nullable Object> T withTimeout(Duration timeout, Callable<T> body) {
        requireTimeout(timeout);
        Objects.requireNonNull(body, "body");
        RuntimeScope scope = open(timeout);
        try {
            return execute(scope, body);
        } catch (TaskCancelledException cancelled) {
            if (scope.expiredByOwnDeadline()) {
                throw new TaskTimeoutException(
                        scope.describe() + " timed out after " + Durations.saturatedMillis(timeout) + "ms", cancelled);
            }
            throw cancelled;
        }
    }

    /** {@link CancellationScope#moveOnAfter}: a deadline that cancelled the body gives an empty result. */
    public static <T> Optional<T> moveOnAfter(Duration timeout, Callable<T> body) {
        requireTimeout(timeout);
        Objects.requireNonNull(body, "body");
        RuntimeScope scope = open(timeout);
        try {
            return Optional.ofNullable(execute(scope, body));
        } catch (TaskCancelledException cancelled) {
            if (scope.expiredByOwnDeadline()) {
                return Optional.empty();
            }
            throw cancelled;
        }
    }

    /**
     * Runs {@code body} as the scope's body on the calling thread, then exits the scope; rethrows what the body threw
     * (checked exceptions wrapped).
     */
    static <T extends @Nullable Object> T execute(RuntimeScope scope, Callable<T> body) {
        RuntimeScope previous = Current.swapScope(scope);
        scope.bindBody(Thread.currentThread());
        T value;
        try {
            value = body.call();
        } catch (Throwable failure) {
            Current.swapScope(previous);
            throw Failures.unchecked("the body of " + scope.describe(), Objects.requireNonNull(scope.exit(failure)));
        }
        Current.swapScope(previous);
        scope.exit(null);
        return value;
    }

    private static RuntimeScope open(@Nullable Duration timeout) {
        RuntimeScope parent = Current.scope();
        if (parent == null) {
            parent = VirtualThreadEventLoop.parentFor(null, EventLoop.getDefault());
        }
        parent.loop.ensureOpen();
        return RuntimeScope.open(parent.loop, parent, timeout);
    }

    private static void requireTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
        }
    }
}

package dev.asyncio.core.internal;

import dev.asyncio.exception.TaskFailedException;

/** Rethrows failures the way the whole API does: unchecked as they are, checked wrapped. */
public final class Failures {
    private Failures() {}

    /**
     * {@return {@code failure} as an unchecked exception to throw} Errors and runtime exceptions are returned as they
     * are (errors are rethrown directly); checked exceptions are wrapped in {@link TaskFailedException}.
     *
     * @param what names what failed, for the wrapper's message
     * @param failure the failure
     */
    public static RuntimeException unchecked(String what, Throwable failure) {
        if (failure instanceof Error error) {
            throw error;
        }
        if (failure instanceof RuntimeException runtime) {
            return runtime;
        }
        return new TaskFailedException(what + " failed: " + failure, failure);
    }
}

package dev.asyncio.core.internal;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;

/**
 * Conversions of user-given durations that never overflow: a timeout too long to count in nanoseconds (up to {@code
 * ChronoUnit.FOREVER}) means "no deadline in practice", not an {@link ArithmeticException}.
 */
public final class Durations {
    private Durations() {}

    /** {@return {@code duration} in nanoseconds, or {@link Long#MAX_VALUE} if it is longer than that} */
    public static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    /** {@return {@code duration} in milliseconds, or {@link Long#MAX_VALUE} if it is longer than that} */
    public static long saturatedMillis(Duration duration) {
        try {
            return duration.toMillis();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    /** {@return the instant {@code duration} from now, or {@link Instant#MAX} if that is beyond it} */
    static Instant fromNow(Duration duration) {
        try {
            return Instant.now().plus(duration);
        } catch (DateTimeException | ArithmeticException tooLong) {
            return Instant.MAX;
        }
    }
}

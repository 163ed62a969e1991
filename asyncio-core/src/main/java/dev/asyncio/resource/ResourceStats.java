package dev.asyncio.resource;

/**
 * A snapshot of the counters of {@link AsyncResourceManager}, for the whole JVM.
 *
 * <p>Every snapshot balances exactly: {@code open == registered - deregistered - closed}, and no count is negative,
 * even while resources come and go. A registration is counted in {@code registered} (and {@code open}) from the
 * moment it is attempted; one whose scope refuses it (the scope had exited) is taken back when it fails.
 *
 * <p>Records are immutable, so a snapshot is safe to share between threads; it does not change as resources come
 * and go.
 *
 * @param registered registrations that bound a resource to a scope
 * @param deregistered registrations ended by {@link AsyncResourceManager#deregister(AsyncResource)}, without a close
 * @param closed registrations ended by their scope closing the resource, whether or not {@code close()} threw
 * @param closeFailures closes (counted in {@code closed}) where {@code onCancellation()} or {@code close()} threw
 * @param open resources registered now: bound to a scope and neither closed by it nor deregistered
 */
public record ResourceStats(long registered, long deregistered, long closed, long closeFailures, long open) {

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if a count is negative
     */
    public ResourceStats {
        requireNotNegative("registered", registered);
        requireNotNegative("deregistered", deregistered);
        requireNotNegative("closed", closed);
        requireNotNegative("closeFailures", closeFailures);
        requireNotNegative("open", open);
    }

    private static void requireNotNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
    }
}

package dev.asyncio.core.observe;

/**
 * Where observers of one loop register. Registration and removal are thread-safe and take effect for the next event.
 * Unless otherwise specified, passing null to a method throws {@link NullPointerException}.
 */
public interface Observable {

    /**
     * Adds an observer; adding the same one twice has no effect.
     *
     * @param observer receives every event from now on
     */
    void register(Observer observer);

    /**
     * Removes an observer.
     *
     * @param observer the observer to remove
     * @return true if it was registered
     */
    boolean unregister(Observer observer);

    /** {@return whether any observer is registered; when not, the loop does no event work at all} */
    boolean isEnabled();

    /** Removes every observer. */
    void clear();
}

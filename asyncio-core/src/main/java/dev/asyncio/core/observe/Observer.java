package dev.asyncio.core.observe;

/**
 * Receives a loop's lifecycle events, synchronously, on the thread that caused them.
 *
 * <p>Per task, an observer sees an in-order, duplicate-free sequence: {@code CREATED}, then {@code STARTED}, then one
 * terminal event (a task cancelled while {@code PENDING} goes from {@code CREATED} straight to {@code CANCELLED}); the
 * whole sequence for tasks created after it registered. Events of different tasks arrive concurrently, so
 * implementations must be thread-safe, and should be quick: they run on the task's own thread. No runtime lock is held
 * while they run. An observer that throws is logged and never affects a task or another observer.
 */
@FunctionalInterface
public interface Observer {

    /**
     * Called for each task lifecycle event.
     *
     * @param event what happened
     */
    void onTaskEvent(TaskEvent event);

    /**
     * Called when a scope opens and when it exits.
     *
     * @param event what happened
     */
    default void onScopeEvent(ScopeEvent event) {}

    /**
     * Called when a resource is bound to a scope and when the scope closes it.
     *
     * @param event what happened
     */
    default void onResourceEvent(ResourceEvent event) {}
}

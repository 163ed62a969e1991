package dev.asyncio.resource;

/**
 * Something that must be released when the code using it is done: a connection, a file, a lease. {@linkplain
 * AsyncResourceManager#register(AsyncResource) Registered} with a {@link dev.asyncio.core.CancellationScope}, it is
 * closed when that scope exits, however it exits, so a cancelled or failed task cannot leak it.
 *
 * {@snippet :
 * final class Connection implements AsyncResource {
 *     private final AtomicBoolean closed = new AtomicBoolean();
 *
 *     @Override public void close() {
 *         if (closed.compareAndSet(false, true)) {
 *             socket.close();            // release once, however often close() is called
 *         }
 *     }
 *
 *     @Override public boolean isClosed() { return closed.get(); }
 *
 *     @Override public void onCancellation() {
 *         rollback();                    // the work was abandoned: undo it before closing
 *     }
 * }
 * }
 *
 * <h2>What the scope calls</h2>
 *
 * When the scope exits, after all of its tasks have ended, it calls {@link #onCancellation()} if the scope or an
 * enclosing scope was cancelled (by {@code cancel()} or a deadline), then {@link #close()}. On a normal exit only
 * {@code close()} is called. Each is called at most once per registration, on the thread that exits the scope. The
 * scope calls {@code close()} even if the resource was closed by other code meanwhile, so make {@code close()}
 * idempotent, or {@linkplain AsyncResourceManager#deregister(AsyncResource) deregister} a resource you close yourself.
 * An exception from either method is logged and added as suppressed to the exception leaving the scope, if any; it
 * never stops the scope from closing its other resources.
 *
 * <h2>Cancellation inside {@code close()}</h2>
 *
 * When a scope inside a cancelled task exits, the task's cancellation is still pending while {@code close()} runs:
 * plain JDK calls (socket and file I/O, locks) work, but blocking calls of this runtime ({@code Asyncio.sleep}, {@code
 * await}, semaphores, queues) throw {@link dev.asyncio.exception.TaskCancelledException} at once. Release resources
 * with plain calls.
 *
 * <h2>Memory consistency effects</h2>
 *
 * Actions in a thread prior to registering a resource happen-before the scope calls its {@code onCancellation()} and
 * {@code close()}.
 *
 * <p>The scope calls {@code onCancellation()} and {@code close()} on the thread that exits it; {@code register} calls
 * {@link #isClosed()} on the registering thread. An implementation used from other threads as well must be
 * thread-safe.
 */
public interface AsyncResource extends AutoCloseable {

    /**
     * Releases the resource. Called by the owning scope when it exits (after {@link #onCancellation()} if the scope
     * was cancelled); should be idempotent.
     */
    @Override
    void close();

    /** {@return whether the resource has been closed; a closed resource cannot be registered} */
    boolean isClosed();

    /**
     * Called just before {@link #close()} when the owning scope, or a scope enclosing it, was cancelled (explicitly or
     * by a deadline), so the resource can tell abandoned work from finished work (roll back instead of commit, abort
     * instead of flush). Not called when the scope exits normally. Does nothing by default.
     */
    default void onCancellation() {}
}

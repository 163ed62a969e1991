package dev.asyncio.resource;

import dev.asyncio.core.CancellationScope;
import dev.asyncio.resource.internal.ResourceRegistry;
import java.util.Objects;

/**
 * Binds {@link AsyncResource}s to {@link CancellationScope}s, so that each is closed when its scope exits: the
 * structured-concurrency counterpart of try-with-resources, for resources whose lifetime is a scope rather than a
 * block.
 *
 * {@snippet :
 * String report = CancellationScope.run(() -> {
 *     Connection connection = AsyncResourceManager.register(pool.connect());
 *     Task<Rows> a = Asyncio.createTask(() -> connection.query("a"));
 *     Task<Rows> b = Asyncio.createTask(() -> connection.query("b"));
 *     return render(Asyncio.gather(a, b));
 * });   // both tasks have ended and the connection is closed here, whatever happened
 * }
 *
 * <h2>Closing rules</h2>
 *
 * When a scope exits, by return or by throw, it first cancels and waits for its tasks, then takes its resources in
 * reverse order of registration. For each it calls {@link AsyncResource#onCancellation()} if the scope or an enclosing
 * scope was cancelled (explicitly or by a deadline; a normal exit that merely cancels leftover tasks does not count),
 * then {@link AsyncResource#close()}. A method that throws is logged at WARN, added as suppressed to the exception
 * leaving the scope if there is one, and counted in {@link ResourceStats#closeFailures()}; the other resources are
 * closed all the same. A resource is closed at most once per registration. The scope emits {@link
 * dev.asyncio.core.observe.ResourceEvent}s ({@code REGISTERED} at registration, {@code CLOSED} after each close) to
 * the observers of its loop.
 *
 * <h2>Which scope</h2>
 *
 * {@link #register(AsyncResource)} uses the calling thread's {@linkplain CancellationScope#current() current scope}:
 * inside {@code CancellationScope.run} (or {@code withTimeout}, {@code moveOnAfter}) the innermost such block; inside a
 * task that opened none, the scope the task was registered in, so the resource outlives the task and is closed with
 * that scope; inside {@code Asyncio.run}'s main task, the scope of that run. A resource can be registered with one
 * scope at a time; after {@link #deregister(AsyncResource)} it may be registered again, unless it was closed.
 * Resources are told apart by identity, never by {@code equals}.
 *
 * <h2>Memory consistency effects</h2>
 *
 * Actions in a thread prior to registering a resource happen-before the scope calls its {@code onCancellation()} and
 * {@code close()}; those calls happen-before the scope's {@code run} (or {@code Asyncio.run}) returns or throws, and
 * before {@link #resourceCount(CancellationScope)} and {@link #stats()} on any thread reflect the close.
 *
 * <p>All methods are thread-safe. Unless otherwise specified, passing null throws {@link NullPointerException}.
 */
public final class AsyncResourceManager {
    private static final ResourceRegistry REGISTRY = new ResourceRegistry();

    private AsyncResourceManager() {}

    /**
     * Binds {@code resource} to the calling thread's current scope, which closes it on exit.
     *
     * @param resource an open resource, not registered already
     * @param <R> the resource's type
     * @return {@code resource}, for use in a declaration
     * @throws IllegalStateException if there is no current scope, if the resource is registered already, or if the
     *     current scope is exiting
     * @throws IllegalArgumentException if the resource is already closed
     */
    public static <R extends AsyncResource> R register(R resource) {
        Objects.requireNonNull(resource, "resource");
        CancellationScope scope = CancellationScope.current();
        if (scope == null) {
            throw new IllegalStateException("AsyncResourceManager.register(resource) needs a current scope: call it"
                    + " inside CancellationScope.run(...), Asyncio.run(...) or a task, or pass the scope with"
                    + " register(scope, resource)");
        }
        return register(scope, resource);
    }

    /**
     * Binds {@code resource} to {@code scope}, which closes it on exit. Works from any thread.
     *
     * @param scope the scope that will close the resource
     * @param resource an open resource, not registered already
     * @param <R> the resource's type
     * @return {@code resource}, for use in a declaration
     * @throws IllegalStateException if the resource is registered already, or {@code scope} is exiting or has exited
     * @throws IllegalArgumentException if the resource is already closed
     */
    public static <R extends AsyncResource> R register(CancellationScope scope, R resource) {
        REGISTRY.register(scope, resource);
        return resource;
    }

    /**
     * Unbinds {@code resource} from its scope without closing it: the scope will neither call its {@code
     * onCancellation()} nor its {@code close()}, and closing it becomes the caller's job.
     *
     * @param resource the resource
     * @return true if the resource was registered and is now unbound; false if it was not registered, was already
     *     deregistered, or its scope has already begun to close it
     */
    public static boolean deregister(AsyncResource resource) {
        return REGISTRY.deregister(resource);
    }

    /**
     * {@return how many resources registered through this class are bound to {@code scope} and not yet closed by it or
     * deregistered} A resource the scope is closing right now still counts until its {@code close()} has returned.
     *
     * @param scope the scope
     */
    public static long resourceCount(CancellationScope scope) {
        return REGISTRY.resourceCount(scope);
    }

    /** {@return a snapshot of the counters of every registration in this JVM; it balances exactly} */
    public static ResourceStats stats() {
        return REGISTRY.stats();
    }
}

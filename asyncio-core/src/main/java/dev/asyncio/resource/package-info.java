/**
 * Resources bound to a cancellation scope: {@link dev.asyncio.resource.AsyncResource} and {@link
 * dev.asyncio.resource.AsyncResourceManager}. A registered resource is closed when its scope exits, however the scope
 * ends.
 *
 * <p>Layering rule: this package builds on the kernel ({@code dev.asyncio.core}) and the kernel never names it. A scope
 * closes resources through its own cleanup hook ({@link dev.asyncio.core.CancellationScope#addCleanup}) that this
 * package plugs into, and the kernel emits the {@link dev.asyncio.core.observe.ResourceEvent}s itself.
 */
@NullMarked
package dev.asyncio.resource;

import org.jspecify.annotations.NullMarked;

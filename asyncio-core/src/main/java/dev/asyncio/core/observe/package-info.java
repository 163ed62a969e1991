/**
 * The lifecycle the kernel publishes: task, scope and resource events, delivered synchronously to the observers of a
 * loop's {@link dev.asyncio.core.observe.Observable}. With no observer registered the kernel does no event work.
 */
@NullMarked
package dev.asyncio.core.observe;

import org.jspecify.annotations.NullMarked;

/**
 * Task-local values, like Python's {@code contextvars}: {@link dev.asyncio.context.Context} and
 * {@link dev.asyncio.context.ContextKey}.
 *
 * <p>This package knows nothing of tasks: it offers the kernel an SPI ({@code Context.capture()} and
 * {@code Context.install(snapshot)}) and the kernel decides when to call it.
 */
@NullMarked
package dev.asyncio.context;

import org.jspecify.annotations.NullMarked;

/**
 * Implementation of {@link dev.asyncio.context}: the persistent hash map behind task-local values. Not API.
 */
@NullMarked
package dev.asyncio.context.internal;

import org.jspecify.annotations.NullMarked;

/** Implementation of the concurrency layer. Not API. */
@NullMarked
package dev.asyncio.concurrency.internal;

import org.jspecify.annotations.NullMarked;

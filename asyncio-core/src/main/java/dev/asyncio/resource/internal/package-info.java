/** Implementation of the resource layer: the bookkeeping behind {@code AsyncResourceManager}. Not API. */
@NullMarked
package dev.asyncio.resource.internal;

import org.jspecify.annotations.NullMarked;

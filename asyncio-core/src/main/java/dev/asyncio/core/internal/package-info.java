/** The kernel's implementation: virtual-thread tasks, scopes, admission, timers and event delivery. Not API. */
@NullMarked
package dev.asyncio.core.internal;

import org.jspecify.annotations.NullMarked;

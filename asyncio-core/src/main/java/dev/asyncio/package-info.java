/**
 * asyncio for Java: an embeddable, composable, predictable async task runtime on JDK virtual threads.
 *
 * <p>Start with the {@link dev.asyncio.Asyncio} facade. Layering rule: {@code exception} and {@code context} know
 * nothing of the rest; {@code core} (with {@code core.observe}) uses only those two; {@code concurrency} and {@code
 * resource} build on {@code core}; the facade sits on top; each layer's {@code internal} package is not API.
 */
@NullMarked
package dev.asyncio;

import org.jspecify.annotations.NullMarked;

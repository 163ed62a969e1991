/**
 * The kernel: {@link dev.asyncio.core.EventLoop}, {@link dev.asyncio.core.Task} and its state machine, {@link
 * dev.asyncio.core.CancellationScope}, admission priorities and statistics.
 *
 * <p>Layering rule: the kernel uses only {@code dev.asyncio.exception} and {@code dev.asyncio.context}; {@code
 * concurrency} and {@code resource} build on it, and the {@code Asyncio} facade sits on top. Its implementation lives
 * in {@code dev.asyncio.core.internal}, which is not API.
 */
@NullMarked
package dev.asyncio.core;

import org.jspecify.annotations.NullMarked;

/**
 * Structured concurrency and synchronisation built on the kernel: gather strategies and outcomes, task groups,
 * semaphores and queues. Every blocking call here is a cancellable suspension point of the kernel.
 */
@NullMarked
package dev.asyncio.concurrency;

import org.jspecify.annotations.NullMarked;

/**
 * JMH benchmarks of the runtime, run from {@code target/benchmarks.jar} by {@code run-benchmarks.sh}; the figures go
 * into {@code docs/benchmarks.md}. Each class says what it measures and what it is compared with.
 */
@NullMarked
package dev.asyncio.benchmarks;

import org.jspecify.annotations.NullMarked;

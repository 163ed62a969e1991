/** Exceptions of the runtime; this package depends on nothing else in the project. */
@NullMarked
package dev.asyncio.exception;

import org.jspecify.annotations.NullMarked;

/**
 * The project's architecture rules as ArchUnit rules, and the tests that show each can fail. Shipped in asyncio-core's
 * test jar so that every module applies the same rules.
 */
@NullMarked
package dev.asyncio.architecture;

import org.jspecify.annotations.NullMarked;

/**
 * Structured concurrency: scopes that own the virtual threads forked in them.
 */
@NullMarked
package dev.fearless.scope;

import org.jspecify.annotations.NullMarked;

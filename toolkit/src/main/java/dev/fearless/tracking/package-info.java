/**
 * The recording side of {@link dev.fearless.structure.Structure}: the registry of open scopes and
 * the per-thread "waits for" slots that scopes, locks and channels fill while structure tracking
 * is enabled. Not exported; nothing here is API.
 */
@NullMarked
package dev.fearless.tracking;

import org.jspecify.annotations.NullMarked;

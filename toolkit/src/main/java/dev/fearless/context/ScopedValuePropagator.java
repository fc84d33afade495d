package dev.fearless.context;

import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Re-binds scoped values through one carrier; ScopedValue bindings end with the body. */
final class ScopedValuePropagator implements ContextPropagator {
    private final ScopedValue<?>[] keys;

    ScopedValuePropagator(ScopedValue<?>[] keys) {
        Objects.requireNonNull(keys, "keys");
        this.keys = keys.clone();
        for (int i = 0; i < this.keys.length; i++) {
            Objects.requireNonNull(this.keys[i], "keys[" + i + "]");
        }
    }

    @Override
    public ContextSnapshot capture() {
        ScopedValue.@Nullable Carrier carrier = null;
        for (ScopedValue<?> key : keys) {
            if (key.isBound()) {
                carrier = bind(carrier, key);
            }
        }
        if (carrier == null) {
            return ContextSnapshot.EMPTY;
        }
        ScopedValue.Carrier bindings = carrier;
        return bindings::run;
    }

    private static <T> ScopedValue.Carrier bind(ScopedValue.@Nullable Carrier carrier, ScopedValue<T> key) {
        T value = key.get();
        return carrier == null ? ScopedValue.where(key, value) : carrier.where(key, value);
    }

    @Override
    public String toString() {
        return "ContextPropagator.scopedValues" + Arrays.toString(keys);
    }
}

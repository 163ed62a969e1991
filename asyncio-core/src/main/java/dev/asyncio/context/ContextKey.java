package dev.asyncio.context;

import java.util.Objects;

/**
 * A typed name for a {@link Context} value, so that reads need no cast.
 *
 * <p>Typed and string keys share one namespace: {@code ContextKey.of("user", String.class)} and
 * {@code Context.get("user")} see the same entry. Keys are values: two keys with the same name and type are
 * equal. A primitive type is replaced by its wrapper, so {@code ContextKey.of("n", int.class)} holds
 * {@code Integer}s.
 *
 * <p>Records are immutable and therefore thread-safe. Unless otherwise specified, passing null throws
 * {@code NullPointerException}.
 *
 * @param name the entry's name, not empty
 * @param type the class every value under this key must be an instance of
 * @param <T> the type of the values
 */
public record ContextKey<T>(String name, Class<T> type) {

    /**
     * Checks and normalises the components.
     *
     * @throws IllegalArgumentException if {@code name} is empty
     */
    public ContextKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name must not be empty");
        }
        type = wrap(type);
    }

    /**
     * {@return a key named {@code name} for values of {@code type}}
     *
     * @param name the entry's name, not empty
     * @param type the class of the values; a primitive class stands for its wrapper
     * @param <T> the type of the values
     * @throws IllegalArgumentException if {@code name} is empty
     */
    public static <T> ContextKey<T> of(String name, Class<T> type) {
        return new ContextKey<>(name, type);
    }

    @SuppressWarnings("unchecked")
    private static <T> Class<T> wrap(Class<T> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        // For a primitive class, Class<T> already names the wrapper: int.class is a Class<Integer>.
        Class<?> wrapper = switch (type.getName()) {
            case "boolean" -> Boolean.class;
            case "byte" -> Byte.class;
            case "char" -> Character.class;
            case "short" -> Short.class;
            case "int" -> Integer.class;
            case "long" -> Long.class;
            case "float" -> Float.class;
            case "double" -> Double.class;
            default -> Void.class;
        };
        return (Class<T>) wrapper;
    }
}

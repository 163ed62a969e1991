package dev.asyncio.context;

import dev.asyncio.context.internal.PersistentMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Task-local values, like Python's {@code contextvars}: each thread, and so each task, has its own context,
 * a map from names to values that a new task inherits from the code that created it.
 *
 * <p><b>Inheritance.</b> When the runtime creates a task it calls {@link #capture()} on the creating thread
 * and {@link #install(Snapshot)} on the task's thread before the body runs. The task starts with every value
 * its creator could see; after that, neither side's writes cross over: the creator's later writes are not
 * seen by the task, and the task's writes (including deletes) are not seen by the creator or by sibling
 * tasks. A thread that is not a task (a platform thread, a web server's virtual thread) has a context of its
 * own too, which starts empty and is inherited by the tasks it creates.
 *
 * {@snippet :
 * static final ContextKey<String> USER = ContextKey.of("user", String.class);
 *
 * Context.set(USER, "alice");
 * Task<String> task = Asyncio.createTask(() -> {
 *     String user = Context.get(USER);   // "alice": inherited from the creator
 *     Context.set(USER, "bob");          // visible to this task (and tasks it creates) only
 *     return user;
 * });
 * Context.get(USER);                     // still "alice"
 * }
 *
 * <p><b>Keys.</b> String keys and {@link ContextKey typed keys} share one namespace keyed by name. Values are
 * never null: to remove a value, {@link #delete(String) delete} its key. Names must not be empty.
 *
 * <p><b>Cost.</b> The context is a persistent hash map, so {@link #capture()} and {@link #install(Snapshot)}
 * are O(1) however many values there are, and a write copies only O(log32 n) small nodes. A thread that
 * never wrote shares one empty context: reading allocates no context state for it.
 *
 * <p><b>Thread safety and memory consistency.</b> Every method acts on the calling thread's context only,
 * so no method needs or takes a lock. A {@link Snapshot} is deeply immutable (final fields all the way
 * down to the values' references), so it may be handed to another thread by any means. The values are the
 * caller's own objects: actions of a thread prior to {@code capture()} happen-before the actions of another
 * thread after it installs that snapshot whenever the snapshot is handed over with a happens-before edge,
 * as the runtime does by starting the task's thread after capturing. Mutable values shared that way are
 * the caller's to guard.
 *
 * <p>Unless otherwise specified, passing null throws {@code NullPointerException}, and an empty name throws
 * {@code IllegalArgumentException}.
 */
public final class Context {

    /** The calling thread's context; a thread that never wrote sees the shared {@link State#EMPTY}. */
    private static final ThreadLocal<State> STATE = new ThreadLocal<>() {
        @Override
        protected State initialValue() {
            return State.EMPTY;
        }
    };

    private Context() {}

    /**
     * Sets {@code key} to {@code value} in the calling thread's context.
     *
     * @param key the key
     * @param value the value, an instance of the key's type; never null (use {@link #delete(ContextKey)})
     * @param <T> the type of the value
     * @throws ClassCastException if {@code value} is not an instance of {@code key.type()}
     */
    public static <T> void set(ContextKey<T> key, T value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (!key.type().isInstance(value)) {
            throw new ClassCastException("context key '" + key.name() + "' takes "
                    + key.type().getName() + " values, not " + value.getClass().getName());
        }
        put(key.name(), value);
    }

    /**
     * {@return the value of {@code key} in the calling thread's context, or null when it has none}
     *
     * @param key the key
     * @param <T> the type of the value
     * @throws ClassCastException if the value under the key's name is not an instance of {@code key.type()}
     *     (it was set through a string key or a key of another type); the message names the key and both
     *     types
     */
    public static <T> @Nullable T get(ContextKey<T> key) {
        Objects.requireNonNull(key, "key");
        Object value = STATE.get().visible.map.get(key.name());
        if (value == null) {
            return null;
        }
        if (!key.type().isInstance(value)) {
            throw new ClassCastException("context key '" + key.name() + "' holds a "
                    + value.getClass().getName() + ", not a " + key.type().getName());
        }
        return key.type().cast(value);
    }

    /**
     * {@return the value of {@code key} in the calling thread's context, or {@code defaultValue} when it has
     * none}
     *
     * @param key the key
     * @param defaultValue what to return when the key has no value
     * @param <T> the type of the value
     * @throws ClassCastException as {@link #get(ContextKey)} does
     */
    public static <T> T get(ContextKey<T> key, T defaultValue) {
        Objects.requireNonNull(defaultValue, "defaultValue");
        T value = get(key);
        return value != null ? value : defaultValue;
    }

    /**
     * {@return whether the calling thread's context has a value under the key's name} The value's type is
     * not checked.
     *
     * @param key the key
     */
    public static boolean has(ContextKey<?> key) {
        Objects.requireNonNull(key, "key");
        return STATE.get().visible.map.containsKey(key.name());
    }

    /**
     * Removes the key's name from the calling thread's context, whether this thread set it or inherited it.
     * Deleting an inherited value hides it from this thread (and the tasks it creates later) only.
     *
     * @param key the key
     */
    public static void delete(ContextKey<?> key) {
        Objects.requireNonNull(key, "key");
        remove(key.name());
    }

    /**
     * Sets {@code key} to {@code value} in the calling thread's context.
     *
     * @param key the name, not empty
     * @param value the value, never null (use {@link #delete(String)})
     */
    public static void set(String key, Object value) {
        checkName(key);
        Objects.requireNonNull(value, "value");
        put(key, value);
    }

    /**
     * {@return the value of {@code key} in the calling thread's context, or null when it has none} The cast
     * to {@code T} is unchecked: a value of another type fails with {@code ClassCastException} where the
     * caller uses it. Prefer a {@link ContextKey} where the type matters.
     *
     * @param key the name, not empty
     * @param <T> the type the caller expects
     */
    @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"})
    public static <T> @Nullable T get(String key) {
        checkName(key);
        return (T) STATE.get().visible.map.get(key);
    }

    /**
     * {@return the value of {@code key} in the calling thread's context, or {@code defaultValue} when it has
     * none} The cast to {@code T} is unchecked, as in {@link #get(String)}.
     *
     * @param key the name, not empty
     * @param defaultValue what to return when the key has no value
     * @param <T> the type the caller expects
     */
    public static <T> T get(String key, T defaultValue) {
        Objects.requireNonNull(defaultValue, "defaultValue");
        T value = get(key);
        return value != null ? value : defaultValue;
    }

    /**
     * {@return whether the calling thread's context has a value under {@code key}}
     *
     * @param key the name, not empty
     */
    public static boolean has(String key) {
        checkName(key);
        return STATE.get().visible.map.containsKey(key);
    }

    /**
     * Removes {@code key} from the calling thread's context, whether this thread set it or inherited it.
     * Deleting an inherited value hides it from this thread (and the tasks it creates later) only.
     *
     * @param key the name, not empty
     */
    public static void delete(String key) {
        checkName(key);
        remove(key);
    }

    /**
     * {@return an immutable copy of the calling thread's context, in no particular iteration order}
     *
     * @param includeInherited true for every value this thread sees; false for only the values this thread
     *     set itself (and has not deleted since), leaving out what it inherited
     */
    public static Map<String, Object> getAll(boolean includeInherited) {
        State state = STATE.get();
        return includeInherited ? state.visible.asMap() : state.local.toMap();
    }

    /**
     * Empties the calling thread's context, the inherited values and its own. Tasks already created keep what
     * they inherited. A thread that serves unrelated work in turn (a web server's) calls this between jobs, so
     * nothing leaks from one to the next.
     */
    public static void clear() {
        STATE.remove();
    }

    /**
     * {@return an immutable snapshot of everything the calling thread's context holds now} This is the SPI
     * the runtime calls on the thread that creates a task; it is O(1) and copies no entries. Later writes on
     * this thread do not change the snapshot.
     */
    public static Snapshot capture() {
        return STATE.get().visible;
    }

    /**
     * Replaces the calling thread's context by a fresh one that inherits {@code snapshot} and has no writes of
     * its own yet, so {@code getAll(false)} is empty. This is the SPI the runtime calls on a task's thread
     * before its body runs; it is O(1).
     *
     * @param snapshot what the new context inherits, from {@link #capture()} or {@link Snapshot#empty()}
     */
    public static void install(Snapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        if (snapshot.isEmpty()) {
            STATE.remove();
        } else {
            STATE.set(new State(snapshot, PersistentMap.empty()));
        }
    }

    private static void put(String name, Object value) {
        State state = STATE.get();
        STATE.set(new State(new Snapshot(state.visible.map.plus(name, value)), state.local.plus(name, value)));
    }

    private static void remove(String name) {
        State state = STATE.get();
        if (!state.visible.map.containsKey(name)) {
            // Local writes are always visible too, so there is nothing to delete.
            return;
        }
        STATE.set(new State(new Snapshot(state.visible.map.minus(name)), state.local.minus(name)));
    }

    private static void checkName(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("key must not be empty");
        }
    }

    /**
     * One thread's context: everything it sees, and the part of that it wrote itself. Both are persistent
     * maps, so a state is replaced, never changed, and a captured snapshot stays as it was.
     */
    private record State(Snapshot visible, PersistentMap<Object> local) {
        static final State EMPTY = new State(Snapshot.EMPTY, PersistentMap.empty());
    }

    /**
     * An immutable view of a whole context at the moment it was {@linkplain Context#capture() captured}: what
     * the runtime carries from a task's creator to the task.
     *
     * <p>Snapshots are deeply immutable and safe to share between threads without synchronization; see the
     * class documentation of {@link Context} for what that means for the values. Unless otherwise specified,
     * passing null throws {@code NullPointerException}.
     */
    public static final class Snapshot {
        private static final Snapshot EMPTY = new Snapshot(PersistentMap.empty());

        private final PersistentMap<Object> map;

        private Snapshot(PersistentMap<Object> map) {
            this.map = map;
        }

        /** {@return the snapshot of a context with no values} It is a shared constant. */
        public static Snapshot empty() {
            return EMPTY;
        }

        /** {@return the number of values} */
        public int size() {
            return map.size();
        }

        /** {@return whether there are no values} */
        public boolean isEmpty() {
            return map.isEmpty();
        }

        /**
         * {@return the value under {@code key}, or null when there is none}
         *
         * @param key the name
         */
        public @Nullable Object get(String key) {
            return map.get(key);
        }

        /** {@return an immutable copy of the values, in no particular iteration order} It costs O(n). */
        public Map<String, Object> asMap() {
            return map.toMap();
        }

        /** {@return the values sorted by name, as {@code Snapshot{key=value, ...}}} */
        @Override
        public String toString() {
            return "Snapshot" + map;
        }
    }
}

package dev.asyncio.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The semantics of {@link Context}; "child" threads stand in for tasks, installing what their creator captured. */
class ContextTest {
    private static final ContextKey<String> USER = ContextKey.of("user", String.class);
    private static final ContextKey<Integer> COUNT = ContextKey.of("count", Integer.class);

    @BeforeEach
    @AfterEach
    void clearTheTestThreadsContext() {
        Context.clear();
    }

    @Test
    void aThreadThatNeverWroteSeesTheSharedEmptyContext() throws Exception {
        Context.Snapshot seen = onChildThread(Context::capture);

        assertThat(seen).isSameAs(Context.Snapshot.empty());
        Object user = onChildThread(() -> Context.get("user"));
        assertThat(user).isNull();
        assertThat(onChildThread(() -> Context.getAll(true))).isEmpty();
    }

    @Test
    void aValueSetUnderAStringKeyIsReadBack() {
        Context.set("request", 42);

        assertThat(Context.<Integer>get("request")).isEqualTo(42);
        assertThat(Context.has("request")).isTrue();
        assertThat(Context.has("other")).isFalse();
        assertThat(Context.<Integer>get("other")).isNull();
    }

    @Test
    void typedAndStringKeysShareOneNamespace() {
        Context.set(USER, "alice");
        assertThat(Context.<String>get("user")).isEqualTo("alice");

        Context.set("user", "bob");
        assertThat(Context.get(USER)).isEqualTo("bob");
        assertThat(Context.has(USER)).isTrue();

        Context.delete("user");
        assertThat(Context.has(USER)).isFalse();
    }

    @Test
    void readingATypedKeyWhoseValueHasAnotherTypeNamesTheKeyAndBothTypes() {
        Context.set("count", "seven");

        assertThatThrownBy(() -> Context.get(COUNT))
                .isInstanceOf(ClassCastException.class)
                .hasMessageContainingAll("'count'", "java.lang.String", "java.lang.Integer");
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void settingATypedKeyToAValueOfAnotherTypeIsRejected() {
        ContextKey raw = COUNT;

        assertThatThrownBy(() -> Context.set(raw, "seven"))
                .isInstanceOf(ClassCastException.class)
                .hasMessageContainingAll("'count'", "java.lang.Integer", "java.lang.String");
        assertThat(Context.has(COUNT)).isFalse();
    }

    @Test
    void aKeyOfAPrimitiveTypeHoldsItsWrapper() {
        ContextKey<Integer> attempts = ContextKey.of("attempts", int.class);

        Context.set(attempts, 3);

        assertThat(attempts.type()).isEqualTo(Integer.class);
        assertThat(Context.get(attempts)).isEqualTo(3);
        assertThat(ContextKey.of("flag", boolean.class).type()).isEqualTo(Boolean.class);
    }

    @Test
    void everyPrimitiveTypeStandsForItsWrapper() {
        assertThat(List.of(
                        ContextKey.of("k", boolean.class).type(),
                        ContextKey.of("k", byte.class).type(),
                        ContextKey.of("k", char.class).type(),
                        ContextKey.of("k", short.class).type(),
                        ContextKey.of("k", int.class).type(),
                        ContextKey.of("k", long.class).type(),
                        ContextKey.of("k", float.class).type(),
                        ContextKey.of("k", double.class).type(),
                        ContextKey.of("k", void.class).type()))
                .containsExactly(
                        Boolean.class,
                        Byte.class,
                        Character.class,
                        Short.class,
                        Integer.class,
                        Long.class,
                        Float.class,
                        Double.class,
                        Void.class);
    }

    @Test
    void theDefaultIsReturnedOnlyWhenTheKeyHasNoValue() {
        assertThat(Context.get(USER, "nobody")).isEqualTo("nobody");
        assertThat(Context.get("user", "nobody")).isEqualTo("nobody");

        Context.set(USER, "alice");

        assertThat(Context.get(USER, "nobody")).isEqualTo("alice");
        assertThat(Context.get("user", "nobody")).isEqualTo("alice");
    }

    @Test
    void aChildStartsWithItsCreatorsValues() throws Exception {
        Context.set(USER, "alice");
        Context.set(COUNT, 1);
        Context.Snapshot snapshot = Context.capture();

        Map<String, Object> seen = onChildThread(snapshot, () -> Context.getAll(true));

        assertThat(seen).containsOnly(Map.entry("user", "alice"), Map.entry("count", 1));
    }

    @Test
    void theCreatorsWritesAfterTheCaptureAreNotSeenByTheChild() throws Exception {
        Context.set(USER, "alice");
        Context.Snapshot snapshot = Context.capture();

        Context.set(USER, "mallory");
        Context.set(COUNT, 9);
        Context.delete(USER);

        assertThat(onChildThread(snapshot, () -> Context.get(USER))).isEqualTo("alice");
        assertThat(onChildThread(snapshot, () -> Context.has(COUNT))).isFalse();
        assertThat(snapshot.asMap()).containsOnly(Map.entry("user", "alice"));
    }

    @Test
    void theChildsWritesAreNotSeenByItsCreatorNorBySiblings() throws Exception {
        Context.set(USER, "alice");
        Context.Snapshot snapshot = Context.capture();

        onChildThread(snapshot, () -> {
            Context.set(USER, "bob");
            Context.set(COUNT, 5);
            return null;
        });

        assertThat(Context.get(USER)).isEqualTo("alice");
        assertThat(Context.has(COUNT)).isFalse();
        assertThat(onChildThread(snapshot, () -> Context.getAll(true))).containsOnly(Map.entry("user", "alice"));
    }

    @Test
    void aGrandchildInheritsWhatTheChildSawWhenItCreatedIt() throws Exception {
        Context.set(USER, "alice");

        Map<String, Object> grandchild = onChildThread(Context.capture(), () -> {
            Context.set(COUNT, 2);
            Context.Snapshot childSnapshot = Context.capture();
            Context.set(COUNT, 3);
            return onChildThread(childSnapshot, () -> Context.getAll(true));
        });

        assertThat(grandchild).containsOnly(Map.entry("user", "alice"), Map.entry("count", 2));
    }

    @Test
    void getAllWithoutInheritedValuesHoldsOnlyWhatThisThreadSetItself() throws Exception {
        Context.set(USER, "alice");
        Context.set("tenant", "acme");
        Context.Snapshot snapshot = Context.capture();

        List<Map<String, Object>> seen = onChildThread(snapshot, () -> {
            Context.set(COUNT, 1);
            Context.set("tenant", "acme"); // the same value, but now this thread's own
            Context.set("scratch", "x");
            Context.delete("scratch");
            return List.of(Context.getAll(false), Context.getAll(true));
        });

        assertThat(seen.get(0)).containsOnly(Map.entry("count", 1), Map.entry("tenant", "acme"));
        assertThat(seen.get(1))
                .containsOnly(Map.entry("user", "alice"), Map.entry("tenant", "acme"), Map.entry("count", 1));
    }

    @Test
    void deletingAnInheritedKeyHidesItFromThisThreadOnly() throws Exception {
        Context.set(USER, "alice");
        Context.Snapshot snapshot = Context.capture();

        Map<String, Object> afterDelete = onChildThread(snapshot, () -> {
            Context.delete(USER);
            assertThat(Context.has(USER)).isFalse();
            return Context.getAll(true);
        });

        assertThat(afterDelete).isEmpty();
        assertThat(Context.get(USER)).isEqualTo("alice");
        assertThat(snapshot.get("user")).isEqualTo("alice");
        assertThat(onChildThread(snapshot, () -> Context.get(USER))).isEqualTo("alice");
    }

    @Test
    void deletingAKeyThatHasNoValueChangesNothing() {
        Context.set(USER, "alice");
        Context.Snapshot before = Context.capture();

        Context.delete("absent");
        Context.delete(COUNT);

        assertThat(Context.capture()).isSameAs(before);
    }

    @Test
    void clearEmptiesInheritedAndOwnValuesButNotEarlierSnapshots() throws Exception {
        Context.set(USER, "alice");
        Context.Snapshot snapshot = Context.capture();

        Map<String, Object> afterClear = onChildThread(snapshot, () -> {
            Context.set(COUNT, 1);
            Context.clear();
            return Context.getAll(true);
        });
        Context.clear();

        assertThat(afterClear).isEmpty();
        assertThat(Context.getAll(true)).isEmpty();
        assertThat(Context.capture()).isSameAs(Context.Snapshot.empty());
        assertThat(snapshot.asMap()).containsOnly(Map.entry("user", "alice"));
    }

    @Test
    void installReplacesTheWholeContextAndForgetsLocalWrites() {
        Context.set(USER, "alice");
        Context.Snapshot snapshot = Context.capture();
        Context.set(COUNT, 7);
        Context.set(USER, "bob");

        Context.install(snapshot);

        assertThat(Context.getAll(true)).containsOnly(Map.entry("user", "alice"));
        assertThat(Context.getAll(false)).isEmpty();

        Context.install(Context.Snapshot.empty());
        assertThat(Context.getAll(true)).isEmpty();
    }

    @Test
    void captureIsASnapshotThatLaterWritesDoNotChange() {
        Context.set(USER, "alice");
        Context.Snapshot first = Context.capture();

        assertThat(Context.capture()).isSameAs(first);
        Context.set(COUNT, 1);
        Context.Snapshot second = Context.capture();

        assertThat(first.size()).isEqualTo(1);
        assertThat(first.get("count")).isNull();
        assertThat(second.size()).isEqualTo(2);
        assertThat(second.get("count")).isEqualTo(1);
        assertThat(second.isEmpty()).isFalse();
        assertThat(Context.Snapshot.empty().isEmpty()).isTrue();
        assertThat(second).hasToString("Snapshot{count=1, user=alice}");
    }

    @Test
    void getAllAndAsMapReturnImmutableCopies() {
        Context.set(USER, "alice");
        Map<String, Object> all = Context.getAll(true);
        Map<String, Object> own = Context.getAll(false);
        Map<String, Object> snapshot = Context.capture().asMap();

        Context.set(USER, "bob");

        assertThat(all).containsOnly(Map.entry("user", "alice"));
        assertThat(own).containsOnly(Map.entry("user", "alice"));
        assertThatThrownBy(() -> all.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> own.clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> snapshot.remove("user")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void threadsThatInstallNothingDoNotShareValues() throws Exception {
        CountDownLatch written = new CountDownLatch(1);
        CountDownLatch checked = new CountDownLatch(1);
        AtomicReference<@Nullable Object> seenByOther = new AtomicReference<>("unset");
        Thread writer = Thread.ofVirtual().start(() -> {
            Context.set(USER, "writer");
            written.countDown();
            awaitUninterruptibly(checked);
        });
        Thread reader = Thread.ofVirtual().start(() -> {
            awaitUninterruptibly(written);
            seenByOther.set(Context.get(USER));
            checked.countDown();
        });
        writer.join();
        reader.join();

        assertThat(seenByOther.get()).isNull();
        assertThat(Context.has(USER)).isFalse();
    }

    @Test
    @SuppressWarnings("NullAway") // passes null on purpose
    void nullArgumentsAreRejectedNamingTheParameter() {
        assertThatThrownBy(() -> Context.set(USER, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("value");
        assertThatThrownBy(() -> Context.set("user", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("value");
        assertThatThrownBy(() -> Context.set((ContextKey<String>) null, "x"))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("key");
        assertThatThrownBy(() -> Context.get((String) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("key");
        assertThatThrownBy(() -> Context.get((ContextKey<String>) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("key");
        assertThatThrownBy(() -> Context.get(USER, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("defaultValue");
        assertThatThrownBy(() -> Context.get("user", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("defaultValue");
        assertThatThrownBy(() -> Context.has((String) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("key");
        assertThatThrownBy(() -> Context.delete((ContextKey<?>) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("key");
        assertThatThrownBy(() -> Context.install(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("snapshot");
        assertThatThrownBy(() -> ContextKey.of(null, String.class))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("name");
        assertThatThrownBy(() -> ContextKey.of("user", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("type");
    }

    @Test
    void emptyNamesAreRejected() {
        assertThatThrownBy(() -> ContextKey.of("", String.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name");
        assertThatThrownBy(() -> Context.set("", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key");
        assertThatThrownBy(() -> Context.get("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Context.has("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Context.delete("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keysWithTheSameNameAndTypeAreEqual() {
        assertThat(ContextKey.of("user", String.class)).isEqualTo(USER).hasSameHashCodeAs(USER);
        assertThat(ContextKey.of("user", CharSequence.class)).isNotEqualTo(USER);
    }

    private static <T extends @Nullable Object> T onChildThread(Callable<T> body) throws Exception {
        return onChildThread(null, body);
    }

    /** Runs {@code body} on a new virtual thread that first installs {@code snapshot} (if any), as a task would. */
    private static <T extends @Nullable Object> T onChildThread(Context.@Nullable Snapshot snapshot, Callable<T> body)
            throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
        Thread thread = Thread.ofVirtual().start(() -> {
            try {
                if (snapshot != null) {
                    Context.install(snapshot);
                }
                result.set(body.call());
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        thread.join();
        Throwable thrown = failure.get();
        if (thrown instanceof Exception e) {
            throw e;
        }
        if (thrown instanceof Error e) {
            throw e;
        }
        return result.get();
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package dev.asyncio.context.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PersistentMapTest {

    @Test
    void theEmptyMapHoldsNothingAndIsOneSharedInstance() {
        PersistentMap<Integer> empty = PersistentMap.empty();

        assertThat(empty.size()).isZero();
        assertThat(empty.isEmpty()).isTrue();
        assertThat(empty.get("a")).isNull();
        assertThat(empty.containsKey("a")).isFalse();
        assertThat(empty.toMap()).isEmpty();
        assertThat(empty).hasToString("{}");
        assertThat(PersistentMap.<String>empty()).isSameAs(empty);
    }

    @Test
    void plusAddsAnEntryAndReplacesTheValueOfAnExistingKey() {
        PersistentMap<Integer> map = PersistentMap.<Integer>empty().plus("a", 1).plus("b", 2);
        PersistentMap<Integer> replaced = map.plus("a", 10);

        assertThat(map.get("a")).isEqualTo(1);
        assertThat(map.size()).isEqualTo(2);
        assertThat(replaced.get("a")).isEqualTo(10);
        assertThat(replaced.get("b")).isEqualTo(2);
        assertThat(replaced.size()).isEqualTo(2);
    }

    @Test
    void anUpdateThatChangesNothingReturnsTheSameMap() {
        Integer one = 1;
        PersistentMap<Integer> map = PersistentMap.<Integer>empty().plus("a", one);

        assertThat(map.plus("a", one)).isSameAs(map);
        assertThat(map.minus("absent")).isSameAs(map);
        assertThat(PersistentMap.<Integer>empty().minus("a")).isSameAs(PersistentMap.empty());
    }

    @Test
    void olderVersionsAreUnchangedByLaterUpdates() {
        List<PersistentMap<Integer>> versions = new ArrayList<>();
        PersistentMap<Integer> map = PersistentMap.empty();
        for (int i = 0; i < 2_000; i++) {
            versions.add(map);
            map = map.plus("k" + i, i);
        }
        for (int i = 0; i < 2_000; i += 2) {
            map = map.minus("k" + i).plus("k" + (i + 1), -1);
        }

        for (int v = 0; v < versions.size(); v++) {
            PersistentMap<Integer> version = versions.get(v);
            assertThat(version.size()).isEqualTo(v);
            for (int i = 0; i < 2_000; i++) {
                assertThat(version.get("k" + i)).isEqualTo(i < v ? Integer.valueOf(i) : null);
            }
        }
        assertThat(map.size()).isEqualTo(1_000);
        assertThat(map.get("k1")).isEqualTo(-1);
        assertThat(map.get("k0")).isNull();
    }

    @Test
    void removingEveryEntryInAnyOrderLeadsBackToTheEmptyMap() {
        List<String> keys = new ArrayList<>();
        PersistentMap<String> map = PersistentMap.empty();
        for (int i = 0; i < 5_000; i++) {
            keys.add("key-" + i);
            map = map.plus("key-" + i, "v" + i);
        }
        Collections.shuffle(keys, new Random(7));

        int expectedSize = keys.size();
        for (String key : keys) {
            map = map.minus(key);
            expectedSize--;
            assertThat(map.size()).isEqualTo(expectedSize);
            assertThat(map.containsKey(key)).isFalse();
        }

        map.verifyInvariants();
        assertThat(map).isSameAs(PersistentMap.empty());
    }

    @Test
    void keysWithTheSameHashCodeAreKeptApart() {
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        // Every concatenation of "Aa" and "BB" of one length has the same hash code: 64 colliding keys.
        List<String> colliding = collidingKeys(6);
        PersistentMap<Integer> map = PersistentMap.empty();
        for (int i = 0; i < colliding.size(); i++) {
            map = map.plus(colliding.get(i), i);
        }
        map.verifyInvariants();

        assertThat(map.size()).isEqualTo(64);
        for (int i = 0; i < colliding.size(); i++) {
            assertThat(map.get(colliding.get(i))).isEqualTo(i);
        }
        for (int i = 0; i < colliding.size() - 1; i++) {
            map = map.minus(colliding.get(i));
            map.verifyInvariants();
        }
        assertThat(map.size()).isEqualTo(1);
        assertThat(map.toMap()).containsExactly(Map.entry(colliding.get(63), 63));
    }

    @Test
    void keysThatDifferOnlyInTheTopBitsOfTheirHashSplitAtTheLastLevel() {
        int low = 0x0ABCDEF1 & 0x3FFFFFFF;
        List<String> keys = List.of(
                withHash(low, 0),
                withHash(low | (1 << 30), 0),
                withHash(low | (2 << 30), 0),
                withHash(low | (3 << 30), 0),
                withHash(low | (3 << 30), 1));
        PersistentMap<String> map = PersistentMap.empty();
        for (String key : keys) {
            map = map.plus(key, key);
            map.verifyInvariants();
        }

        PersistentMap<String> full = map;

        assertThat(full.size()).isEqualTo(5);
        keys.forEach(key -> assertThat(full.get(key)).isEqualTo(key));
        PersistentMap<String> shrunk = full.minus(keys.get(3)).minus(keys.get(4));
        shrunk.verifyInvariants();
        assertThat(shrunk.toMap()).containsOnlyKeys(keys.subList(0, 3));
    }

    @Test
    void anUpdateCopiesOnlyThePathToItsKeyAndSharesEverythingElse() {
        PersistentMap<Integer> map = PersistentMap.empty();
        for (int i = 0; i < 10_000; i++) {
            map = map.plus("k" + i, i);
        }
        Set<Object> before = Collections.newSetFromMap(new IdentityHashMap<>());
        map.collectNodes(before);

        Set<Object> after = Collections.newSetFromMap(new IdentityHashMap<>());
        map.plus("new", 1).minus("k5000").collectNodes(after);
        after.removeAll(before);

        // Each update copies at most one node per level: two updates of a trie a few levels deep.
        assertThat(before.size()).isGreaterThan(300);
        assertThat(after.size()).isLessThanOrEqualTo(2 * 7);
    }

    @Test
    void forEachVisitsEveryEntryOnce() {
        PersistentMap<Integer> map = PersistentMap.empty();
        for (int i = 0; i < 1_000; i++) {
            map = map.plus("k" + i, i);
        }
        for (String key : collidingKeys(3)) {
            map = map.plus(key, -1);
        }
        Map<String, Integer> seen = new HashMap<>();

        map.forEach((key, value) -> assertThat(seen.put(key, value)).isNull());

        assertThat(seen).hasSize(1_008).isEqualTo(map.toMap());
    }

    @Test
    void toMapIsAnImmutableCopyAndToStringIsSortedByKey() {
        PersistentMap<Integer> map = PersistentMap.<Integer>empty().plus("b", 2).plus("a", 1);

        Map<String, Integer> copy = map.toMap();

        assertThat(copy).containsOnly(Map.entry("a", 1), Map.entry("b", 2));
        assertThatThrownBy(() -> copy.put("c", 3)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(map).hasToString("{a=1, b=2}");
    }

    @Test
    @SuppressWarnings("NullAway") // passes null on purpose
    void nullKeysAndValuesAreRejectedNamingTheParameter() {
        PersistentMap<Integer> map = PersistentMap.empty();

        assertThatThrownBy(() -> map.plus(null, 1))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("key");
        assertThatThrownBy(() -> map.plus("a", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("value");
        assertThatThrownBy(() -> map.get(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("key");
        assertThatThrownBy(() -> map.minus(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("key");
        assertThatThrownBy(() -> map.forEach(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("action");
    }

    /**
     * Differential test: random puts, removes and reads, the same on a {@link HashMap}, with a key
     * distribution that forces full hash collisions, shared hash prefixes and differences in the top bits;
     * every so often the whole contents, the trie's invariants and all kept older versions are compared.
     */
    @Test
    void behavesLikeHashMapOverManyRandomOperations() {
        Random random = new Random(20_240_601L);
        List<String> keyPool = keyPool(random);
        PersistentMap<Integer> map = PersistentMap.empty();
        Map<String, Integer> reference = new HashMap<>();
        List<PersistentMap<Integer>> oldVersions = new ArrayList<>();
        List<Map<String, Integer>> oldContents = new ArrayList<>();

        for (int op = 0; op < 60_000; op++) {
            String key = keyPool.get(random.nextInt(keyPool.size()));
            int choice = random.nextInt(100);
            // Phases that lean towards inserting or towards removing let the map grow and shrink to empty.
            boolean growing = (op / 5_000) % 2 == 0;
            if (choice < (growing ? 60 : 25)) {
                Integer value = random.nextInt(1_000);
                map = map.plus(key, value);
                reference.put(key, value);
            } else if (choice < 95) {
                map = map.minus(key);
                reference.remove(key);
            }
            assertThat(map.get(key)).isEqualTo(reference.get(key));
            assertThat(map.size()).isEqualTo(reference.size());

            if (op % 1_000 == 0) {
                map.verifyInvariants();
                assertThat(map.toMap()).isEqualTo(reference);
            }
            if (op % 6_000 == 0) {
                oldVersions.add(map);
                oldContents.add(new HashMap<>(reference));
            }
        }

        map.verifyInvariants();
        assertThat(map.toMap()).isEqualTo(reference);
        for (int i = 0; i < oldVersions.size(); i++) {
            oldVersions.get(i).verifyInvariants();
            assertThat(oldVersions.get(i).toMap()).isEqualTo(oldContents.get(i));
        }
    }

    /** About 3,000 distinct keys, about a third of them in groups that share all or part of their hash. */
    private static List<String> keyPool(Random random) {
        List<String> pool = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            pool.add("key" + i);
        }
        pool.addAll(collidingKeys(7)); // 128 keys, one hash
        for (int group = 0; group < 100; group++) {
            int hash = random.nextInt();
            for (int variant = 0; variant < 4; variant++) {
                pool.add(withHash(hash, variant)); // full collisions
            }
            for (int top = 0; top < 4; top++) {
                pool.add(withHash((hash & 0x3FFFFFFF) | (top << 30), 7)); // differ only in bits 30-31
            }
            pool.add(withHash((hash & 0x1F) | (random.nextInt() << 5), 9)); // share the first level only
        }
        return List.copyOf(new LinkedHashSet<>(pool));
    }

    /** {@return the 2^n strings made of n pieces "Aa" or "BB"} They all have the same hash code. */
    private static List<String> collidingKeys(int n) {
        List<String> keys = new ArrayList<>();
        for (int bits = 0; bits < (1 << n); bits++) {
            StringBuilder key = new StringBuilder();
            for (int i = 0; i < n; i++) {
                key.append((bits & (1 << i)) != 0 ? "BB" : "Aa");
            }
            keys.add(key.toString());
        }
        return keys;
    }

    /**
     * {@return a six-character string whose {@code hashCode()} is {@code hash}} Distinct variants give distinct
     * strings. The first character is the variant; the other five are the target, written in base 31.
     */
    static String withHash(int hash, int variant) {
        long prefix = (long) variant * 28_629_151L; // variant * 31^5
        long rest = (Integer.toUnsignedLong(hash) - prefix) & 0xFFFFFFFFL;
        char[] chars = new char[6];
        chars[0] = (char) variant;
        long[] powers = {923_521L, 29_791L, 961L, 31L, 1L};
        for (int i = 0; i < 5; i++) {
            chars[i + 1] = (char) (rest / powers[i]);
            rest %= powers[i];
        }
        String key = new String(chars);
        assertThat(key.hashCode()).isEqualTo(hash);
        return key;
    }
}

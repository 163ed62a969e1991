package dev.asyncio.context.internal;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * An immutable map from {@code String} keys to non-null values whose updates return a new map that shares
 * all untouched structure with the old one.
 *
 * <p>It is a hash array mapped trie in the compressed (CHAMP) layout: each level consumes 5 bits of the
 * key's {@link String#hashCode()}, a node holds its inline entries and its sub-nodes in one array indexed by
 * two 32-bit bitmaps, and keys whose whole hash is equal meet in a collision node below the last level. So
 * {@link #get}, {@link #plus} and {@link #minus} touch at most {@code log32(n)} nodes (seven levels for
 * 32-bit hashes, plus the collision node), and an update copies only the nodes on the path to its key. A
 * removal folds a sub-node that is left with one entry back into its parent, so a map has the same shape
 * however it was built, and removing every entry yields the empty map again.
 *
 * <p>This is what makes {@code Context.capture()} O(1): a snapshot is just a reference to the current map.
 *
 * <p>Instances are immutable and all their fields are final, so a map may be shared between threads
 * without synchronization, even through a data race. Unless otherwise specified, passing null throws
 * {@code NullPointerException}.
 *
 * @param <V> the type of the values
 */
public final class PersistentMap<V> {
    private static final PersistentMap<?> EMPTY = new PersistentMap<>(BitmapNode.EMPTY, 0);

    private final Node root;
    private final int size;

    private PersistentMap(Node root, int size) {
        this.root = root;
        this.size = size;
    }

    /**
     * {@return the empty map} It is a shared constant: no allocation.
     *
     * @param <V> the type of the values
     */
    @SuppressWarnings("unchecked")
    public static <V> PersistentMap<V> empty() {
        return (PersistentMap<V>) EMPTY;
    }

    /**
     * {@return the value mapped to {@code key}, or null when there is none}
     *
     * @param key the key to look up
     */
    @SuppressWarnings("unchecked")
    public @Nullable V get(String key) {
        Objects.requireNonNull(key, "key");
        return (V) root.find(key, key.hashCode(), 0);
    }

    /**
     * {@return whether {@code key} is mapped}
     *
     * @param key the key to look up
     */
    public boolean containsKey(String key) {
        return get(key) != null;
    }

    /**
     * {@return a map with {@code key} mapped to {@code value}, and every other entry of this one} This map
     * is unchanged; the result is this map itself when {@code key} already maps to that very value.
     *
     * @param key the key
     * @param value the value, never null
     */
    public PersistentMap<V> plus(String key, V value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Change change = new Change();
        Node newRoot = root.put(key, key.hashCode(), value, 0, change);
        if (newRoot == root) {
            return this;
        }
        return new PersistentMap<>(newRoot, change.sizeChanged ? size + 1 : size);
    }

    /**
     * {@return a map with every entry of this one except the one for {@code key}} This map is unchanged;
     * the result is this map itself when {@code key} is not mapped, and the shared empty map when the last
     * entry is removed.
     *
     * @param key the key to remove
     */
    public PersistentMap<V> minus(String key) {
        Objects.requireNonNull(key, "key");
        Change change = new Change();
        Node newRoot = root.remove(key, key.hashCode(), 0, change);
        if (!change.sizeChanged) {
            return this;
        }
        return size == 1 ? empty() : new PersistentMap<>(newRoot, size - 1);
    }

    /** {@return the number of entries} O(1). */
    public int size() {
        return size;
    }

    /** {@return whether this map has no entries} */
    public boolean isEmpty() {
        return size == 0;
    }

    /**
     * Calls {@code action} once for each entry, in no particular order.
     *
     * @param action what to do with each key and value
     */
    @SuppressWarnings("unchecked")
    public void forEach(BiConsumer<? super String, ? super V> action) {
        Objects.requireNonNull(action, "action");
        root.forEach((BiConsumer<String, Object>) action);
    }

    /** {@return an immutable copy of this map as a {@link Map}, in no particular iteration order} */
    public Map<String, V> toMap() {
        if (size == 0) {
            return Map.of();
        }
        Map<String, V> copy = new HashMap<>((int) (size / 0.75f) + 1);
        forEach(copy::put);
        return Map.copyOf(copy);
    }

    /** {@return the entries sorted by key, as {@code {key=value, ...}}} */
    @Override
    public String toString() {
        Map<String, V> sorted = new TreeMap<>();
        forEach(sorted::put);
        return sorted.toString();
    }

    /**
     * Checks the trie's structural invariants (bitmaps, array sizes, every key in the slot its hash names,
     * canonical form) and the entry count.
     *
     * @throws IllegalStateException if one is broken
     */
    void verifyInvariants() {
        int counted = root.verify(0, 0, true);
        if (counted != size) {
            throw new IllegalStateException("size is " + size + " but the trie holds " + counted);
        }
    }

    /**
     * Adds every node of this map's trie to {@code into}; with an identity set, this shows which nodes two
     * versions share.
     */
    void collectNodes(Set<Object> into) {
        root.collect(into);
    }

    /** Records whether an update added or removed an entry, so the map can keep its size without a walk. */
    private static final class Change {
        boolean sizeChanged;
    }

    /** A trie node: either a {@link BitmapNode} or, below the last level, a {@link CollisionNode}. */
    private abstract static sealed class Node permits BitmapNode, CollisionNode {
        abstract @Nullable Object find(String key, int hash, int shift);

        abstract Node put(String key, int hash, Object value, int shift, Change change);

        abstract Node remove(String key, int hash, int shift, Change change);

        /** {@return whether this node holds exactly one entry and no sub-node} Such a node is folded into its parent. */
        abstract boolean isSingleEntry();

        abstract String firstKey();

        abstract Object firstValue();

        abstract void forEach(BiConsumer<String, Object> action);

        abstract int verify(int shift, int hashPrefix, boolean isRoot);

        abstract void collect(Set<Object> into);
    }

    /**
     * A level of the trie. {@code content} holds the inline entries first, as key/value pairs in the order of
     * their bits in {@code dataMap}, then the sub-nodes in reverse order of their bits in {@code nodeMap}.
     */
    private static final class BitmapNode extends Node {
        static final int BITS = 5;
        static final int HASH_BITS = 32;
        static final BitmapNode EMPTY = new BitmapNode(0, 0, new Object[0]);

        private final int dataMap;
        private final int nodeMap;
        private final Object[] content;

        BitmapNode(int dataMap, int nodeMap, Object[] content) {
            this.dataMap = dataMap;
            this.nodeMap = nodeMap;
            this.content = content;
        }

        static int mask(int hash, int shift) {
            return (hash >>> shift) & 0x1f;
        }

        static int bitpos(int hash, int shift) {
            return 1 << mask(hash, shift);
        }

        /** {@return the rank of {@code bit} among the bits set in {@code bitmap}} */
        static int index(int bitmap, int bit) {
            return Integer.bitCount(bitmap & (bit - 1));
        }

        private Node nodeAt(int bit) {
            return (Node) content[content.length - 1 - index(nodeMap, bit)];
        }

        @Override
        @Nullable
        Object find(String key, int hash, int shift) {
            int bit = bitpos(hash, shift);
            if ((dataMap & bit) != 0) {
                int i = 2 * index(dataMap, bit);
                return key.equals(content[i]) ? content[i + 1] : null;
            }
            if ((nodeMap & bit) != 0) {
                return nodeAt(bit).find(key, hash, shift + BITS);
            }
            return null;
        }

        @Override
        Node put(String key, int hash, Object value, int shift, Change change) {
            int bit = bitpos(hash, shift);
            if ((dataMap & bit) != 0) {
                int i = 2 * index(dataMap, bit);
                String existing = (String) content[i];
                if (existing.equals(key)) {
                    if (content[i + 1] == value) {
                        return this;
                    }
                    Object[] copy = content.clone();
                    copy[i + 1] = value;
                    return new BitmapNode(dataMap, nodeMap, copy);
                }
                Node sub = merge(existing, existing.hashCode(), content[i + 1], key, hash, value, shift + BITS);
                change.sizeChanged = true;
                return migrateInlineToNode(bit, i, sub);
            }
            if ((nodeMap & bit) != 0) {
                Node sub = nodeAt(bit);
                Node newSub = sub.put(key, hash, value, shift + BITS, change);
                return newSub == sub ? this : withNode(bit, newSub);
            }
            change.sizeChanged = true;
            return insertInline(bit, key, value);
        }

        @Override
        Node remove(String key, int hash, int shift, Change change) {
            int bit = bitpos(hash, shift);
            if ((dataMap & bit) != 0) {
                int i = 2 * index(dataMap, bit);
                if (!key.equals(content[i])) {
                    return this;
                }
                change.sizeChanged = true;
                return removeInline(bit, i);
            }
            if ((nodeMap & bit) != 0) {
                Node sub = nodeAt(bit);
                Node newSub = sub.remove(key, hash, shift + BITS, change);
                if (newSub == sub) {
                    return this;
                }
                // Keep the trie canonical: a sub-node never holds a single entry.
                return newSub.isSingleEntry()
                        ? migrateNodeToInline(bit, newSub.firstKey(), newSub.firstValue())
                        : withNode(bit, newSub);
            }
            return this;
        }

        /** {@return the smallest subtrie holding both entries, which differ in key and sit in one slot at {@code shift - BITS}} */
        private static Node merge(String k1, int h1, Object v1, String k2, int h2, Object v2, int shift) {
            if (shift >= HASH_BITS) {
                // Every bit of the hash was used on the way down: the two keys collide completely.
                return new CollisionNode(h1, new String[] {k1, k2}, new Object[] {v1, v2});
            }
            int m1 = mask(h1, shift);
            int m2 = mask(h2, shift);
            if (m1 != m2) {
                Object[] content = m1 < m2 ? new Object[] {k1, v1, k2, v2} : new Object[] {k2, v2, k1, v1};
                return new BitmapNode((1 << m1) | (1 << m2), 0, content);
            }
            return new BitmapNode(0, 1 << m1, new Object[] {merge(k1, h1, v1, k2, h2, v2, shift + BITS)});
        }

        private BitmapNode withNode(int bit, Node node) {
            Object[] copy = content.clone();
            copy[content.length - 1 - index(nodeMap, bit)] = node;
            return new BitmapNode(dataMap, nodeMap, copy);
        }

        private BitmapNode insertInline(int bit, String key, Object value) {
            int i = 2 * index(dataMap, bit);
            Object[] copy = new Object[content.length + 2];
            System.arraycopy(content, 0, copy, 0, i);
            copy[i] = key;
            copy[i + 1] = value;
            System.arraycopy(content, i, copy, i + 2, content.length - i);
            return new BitmapNode(dataMap | bit, nodeMap, copy);
        }

        private BitmapNode removeInline(int bit, int i) {
            Object[] copy = new Object[content.length - 2];
            System.arraycopy(content, 0, copy, 0, i);
            System.arraycopy(content, i + 2, copy, i, content.length - i - 2);
            return new BitmapNode(dataMap ^ bit, nodeMap, copy);
        }

        /** Replaces the inline pair at {@code i} by {@code node}, which takes the slot {@code bit}. */
        private BitmapNode migrateInlineToNode(int bit, int i, Node node) {
            int to = content.length - 2 - index(nodeMap, bit);
            Object[] copy = new Object[content.length - 1];
            System.arraycopy(content, 0, copy, 0, i);
            System.arraycopy(content, i + 2, copy, i, to - i);
            copy[to] = node;
            System.arraycopy(content, to + 2, copy, to + 1, content.length - to - 2);
            return new BitmapNode(dataMap ^ bit, nodeMap | bit, copy);
        }

        /** Replaces the sub-node in slot {@code bit} by the inline pair {@code key}, {@code value}. */
        private BitmapNode migrateNodeToInline(int bit, String key, Object value) {
            int from = content.length - 1 - index(nodeMap, bit);
            int to = 2 * index(dataMap, bit);
            Object[] copy = new Object[content.length + 1];
            System.arraycopy(content, 0, copy, 0, to);
            copy[to] = key;
            copy[to + 1] = value;
            System.arraycopy(content, to, copy, to + 2, from - to);
            System.arraycopy(content, from + 1, copy, from + 2, content.length - from - 1);
            return new BitmapNode(dataMap | bit, nodeMap ^ bit, copy);
        }

        @Override
        boolean isSingleEntry() {
            return nodeMap == 0 && Integer.bitCount(dataMap) == 1;
        }

        @Override
        String firstKey() {
            return (String) content[0];
        }

        @Override
        Object firstValue() {
            return content[1];
        }

        @Override
        void forEach(BiConsumer<String, Object> action) {
            int inline = 2 * Integer.bitCount(dataMap);
            for (int i = 0; i < inline; i += 2) {
                action.accept((String) content[i], content[i + 1]);
            }
            for (int i = inline; i < content.length; i++) {
                ((Node) content[i]).forEach(action);
            }
        }

        @Override
        int verify(int shift, int hashPrefix, boolean isRoot) {
            check((dataMap & nodeMap) == 0, "a slot is both inline and a sub-node");
            int inline = Integer.bitCount(dataMap);
            check(content.length == 2 * inline + Integer.bitCount(nodeMap), "content length does not match bitmaps");
            int prefixMask = (1 << shift) - 1;
            int count = 0;
            for (int m = 0; m < 32; m++) {
                int bit = 1 << m;
                if ((dataMap & bit) != 0) {
                    int i = 2 * index(dataMap, bit);
                    int hash = ((String) content[i]).hashCode();
                    check((hash & prefixMask) == hashPrefix && mask(hash, shift) == m, "key in the wrong slot");
                    check(content[i + 1] != null, "null value");
                    count++;
                } else if ((nodeMap & bit) != 0) {
                    int below = nodeAt(bit).verify(shift + BITS, hashPrefix | (m << shift), false);
                    check(below >= 2, "sub-node with fewer than two entries");
                    count += below;
                }
            }
            check(isRoot || count >= 2, "non-root node with fewer than two entries");
            return count;
        }

        @Override
        void collect(Set<Object> into) {
            into.add(this);
            for (int i = 2 * Integer.bitCount(dataMap); i < content.length; i++) {
                ((Node) content[i]).collect(into);
            }
        }
    }

    /** Entries whose keys have the same whole hash; it lives only below the last bitmap level. */
    private static final class CollisionNode extends Node {
        private final int hash;
        private final String[] keys;
        private final Object[] values;

        CollisionNode(int hash, String[] keys, Object[] values) {
            this.hash = hash;
            this.keys = keys;
            this.values = values;
        }

        private int indexOf(String key) {
            for (int i = 0; i < keys.length; i++) {
                if (keys[i].equals(key)) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        @Nullable
        Object find(String key, int hash, int shift) {
            int i = hash == this.hash ? indexOf(key) : -1;
            return i < 0 ? null : values[i];
        }

        @Override
        Node put(String key, int hash, Object value, int shift, Change change) {
            // Only keys with exactly this hash can reach a node below the last level.
            int i = indexOf(key);
            if (i >= 0) {
                if (values[i] == value) {
                    return this;
                }
                Object[] newValues = values.clone();
                newValues[i] = value;
                return new CollisionNode(hash, keys, newValues);
            }
            String[] newKeys = Arrays.copyOf(keys, keys.length + 1);
            Object[] newValues = Arrays.copyOf(values, values.length + 1);
            newKeys[keys.length] = key;
            newValues[values.length] = value;
            change.sizeChanged = true;
            return new CollisionNode(hash, newKeys, newValues);
        }

        @Override
        Node remove(String key, int hash, int shift, Change change) {
            int i = indexOf(key);
            if (i < 0) {
                return this;
            }
            String[] newKeys = new String[keys.length - 1];
            Object[] newValues = new Object[values.length - 1];
            System.arraycopy(keys, 0, newKeys, 0, i);
            System.arraycopy(keys, i + 1, newKeys, i, keys.length - i - 1);
            System.arraycopy(values, 0, newValues, 0, i);
            System.arraycopy(values, i + 1, newValues, i, values.length - i - 1);
            change.sizeChanged = true;
            return new CollisionNode(this.hash, newKeys, newValues);
        }

        @Override
        boolean isSingleEntry() {
            return keys.length == 1;
        }

        @Override
        String firstKey() {
            return keys[0];
        }

        @Override
        Object firstValue() {
            return values[0];
        }

        @Override
        void forEach(BiConsumer<String, Object> action) {
            for (int i = 0; i < keys.length; i++) {
                action.accept(keys[i], values[i]);
            }
        }

        @Override
        int verify(int shift, int hashPrefix, boolean isRoot) {
            check(shift >= BitmapNode.HASH_BITS && !isRoot, "collision node above the last level");
            check(hash == hashPrefix, "collision node in the wrong slot");
            check(keys.length == values.length && keys.length >= 2, "collision node with fewer than two entries");
            for (int i = 0; i < keys.length; i++) {
                check(keys[i].hashCode() == hash, "colliding key with another hash");
                check(indexOf(keys[i]) == i, "duplicate key");
            }
            return keys.length;
        }

        @Override
        void collect(Set<Object> into) {
            into.add(this);
        }
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }
}

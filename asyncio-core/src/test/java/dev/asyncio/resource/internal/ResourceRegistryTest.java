package dev.asyncio.resource.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio.core.CancellationScope;
import dev.asyncio.resource.AsyncResource;
import dev.asyncio.resource.ResourceStats;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The registry's bookkeeping on a fresh instance: nothing outlives a binding, and foreign scopes are served too. */
class ResourceRegistryTest {
    private final ResourceRegistry registry = new ResourceRegistry();

    @Test
    void theBookkeepingIsEmptyAgainOnceEveryRegistrationHasEnded() {
        Resource refusedOne = new Resource();
        Resource deregisteredOne = new Resource();
        Resource closedOne = new Resource();
        CancellationScope exited = CancellationScope.run(scope -> scope);

        assertThatThrownBy(() -> registry.register(exited, refusedOne)).isInstanceOf(IllegalStateException.class);
        CancellationScope.run(scope -> {
            registry.register(scope, deregisteredOne);
            registry.register(scope, closedOne);
            assertThat(registry.tracked()).isEqualTo(2);
            registry.deregister(deregisteredOne);
            return null;
        });

        assertThat(registry.tracked()).isZero();
        assertThat(registry.stats()).isEqualTo(new ResourceStats(2, 1, 1, 0, 0));
    }

    @Test
    void aScopeOfAnotherImplementationClosesThroughACloserThatReportsBack() throws Exception {
        FakeScope fake = new FakeScope();
        Resource closes = new Resource();
        Resource fails = new Resource();
        fails.failure = new IllegalStateException("cannot close");
        Resource deregistered = new Resource();

        registry.register(fake.scope, closes);
        registry.register(fake.scope, fails);
        registry.register(fake.scope, deregistered);
        assertThat(registry.deregister(deregistered)).isTrue();
        assertThat(registry.resourceCount(fake.scope)).isEqualTo(2);

        assertThatThrownBy(() -> fake.closers.get(1).close()).hasMessage("cannot close");
        fake.closers.get(0).close();
        fake.closers.get(0).close();

        assertThat(closes.closes)
                .as("a second close by a faulty scope is passed on")
                .hasValue(2);
        assertThat(fails.closes).hasValue(1);
        assertThat(deregistered.closes).hasValue(0);
        assertThat(registry.resourceCount(fake.scope)).isZero();
        assertThat(registry.tracked()).isZero();
        assertThat(registry.stats()).isEqualTo(new ResourceStats(3, 1, 2, 1, 0));
    }

    /** A {@link CancellationScope} that is not the runtime's: it only records what is bound to it. */
    private static final class FakeScope {
        final List<AutoCloseable> closers = new ArrayList<>();
        final CancellationScope scope = (CancellationScope) Proxy.newProxyInstance(
                CancellationScope.class.getClassLoader(), new Class<?>[] {CancellationScope.class}, this::invoke);

        private @Nullable Object invoke(Object proxy, java.lang.reflect.Method method, @Nullable Object[] args) {
            return switch (method.getName()) {
                case "addCleanup" -> {
                    AutoCloseable closer = (AutoCloseable) args[0];
                    closers.add(closer);
                    yield (CancellationScope.Cleanup) () -> closers.remove(closer);
                }
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                case "toString" -> "FakeScope";
                default -> throw new UnsupportedOperationException(method.getName());
            };
        }
    }

    private static final class Resource implements AsyncResource {
        final AtomicInteger closes = new AtomicInteger();
        volatile @Nullable RuntimeException failure;

        @Override
        public void close() {
            closes.incrementAndGet();
            RuntimeException toThrow = failure;
            if (toThrow != null) {
                throw toThrow;
            }
        }

        @Override
        public boolean isClosed() {
            return closes.get() > 0;
        }
    }
}

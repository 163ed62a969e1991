package dev.asyncio.resource;

import static dev.asyncio.resource.AsyncResourceManager.deregister;
import static dev.asyncio.resource.AsyncResourceManager.register;
import static dev.asyncio.resource.AsyncResourceManager.resourceCount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio.core.CancellationScope;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The registration rules of {@link AsyncResourceManager}: binding, deregistering, counting, and refusing. */
class AsyncResourceManagerTest {

    @Test
    void registerReturnsTheResourceAndCountsItInItsScopeUntilTheScopeExits() {
        CountingResource r = new CountingResource("r");
        AtomicReference<CancellationScope> bound = new AtomicReference<>();

        CancellationScope.run(scope -> {
            bound.set(scope);
            assertThat(register(r)).isSameAs(r);
            assertThat(resourceCount(scope)).isEqualTo(1);
            return null;
        });

        assertThat(resourceCount(bound.get())).isZero();
        assertThat(r.closes).hasValue(1);
    }

    @Test
    void registeringWithoutACurrentScopeThrowsSayingWhereToCallIt() {
        CountingResource r = new CountingResource("r");

        assertThatThrownBy(() -> register(r))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs a current scope")
                .hasMessageContaining("CancellationScope.run");
        assertThat(deregister(r)).isFalse();
    }

    @Test
    void registeringAResourceThatIsRegisteredAlreadyThrowsEvenForAnotherScope() {
        CountingResource r = new CountingResource("r");

        CancellationScope.run(() -> {
            register(r);
            assertThatThrownBy(() -> register(r))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already registered");
            CancellationScope.run(() -> {
                assertThatThrownBy(() -> register(r)).isInstanceOf(IllegalStateException.class);
                return null;
            });
            return null;
        });

        assertThat(r.closes).as("the failed attempts bound nothing").hasValue(1);
    }

    @Test
    void registeringAClosedResourceThrowsIllegalArgumentException() {
        CountingResource r = new CountingResource("r");
        r.close();

        CancellationScope.run(scope -> {
            assertThatThrownBy(() -> register(r))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("already closed");
            assertThat(resourceCount(scope)).isZero();
            return null;
        });

        assertThat(r.closes).hasValue(1);
    }

    @Test
    void aResourceItsScopeClosedCannotBeRegisteredAgain() {
        CountingResource r = new CountingResource("r");
        CancellationScope.run(() -> register(r));

        CancellationScope.run(() -> {
            assertThatThrownBy(() -> register(r)).isInstanceOf(IllegalArgumentException.class);
            return null;
        });
    }

    @Test
    void registeringWithAScopeThatHasExitedThrowsAndLeavesNoTrace() {
        CancellationScope exited = CancellationScope.run(scope -> scope);
        CountingResource r = new CountingResource("r");
        ResourceStats before = AsyncResourceManager.stats();

        assertThatThrownBy(() -> register(exited, r)).isInstanceOf(IllegalStateException.class);

        assertThat(AsyncResourceManager.stats()).isEqualTo(before);
        assertThat(resourceCount(exited)).isZero();
        assertThat(deregister(r)).isFalse();
        CancellationScope.run(() -> register(r));
        assertThat(r.closes)
                .as("the refused resource could be registered elsewhere")
                .hasValue(1);
    }

    @Test
    void aDeregisteredResourceIsNeitherToldOfCancellationNorClosed() {
        CountingResource kept = new CountingResource("kept");
        CountingResource released = new CountingResource("released");

        CancellationScope.run(scope -> {
            register(kept);
            register(released);
            assertThat(deregister(released)).isTrue();
            assertThat(resourceCount(scope)).isEqualTo(1);
            scope.cancel();
            return null;
        });

        assertThat(released.closes).hasValue(0);
        assertThat(released.cancellations).hasValue(0);
        assertThat(kept.closes).hasValue(1);
    }

    @Test
    void deregisterReturnsFalseUnlessThisCallUnboundTheResource() {
        CountingResource r = new CountingResource("r");
        assertThat(deregister(r)).as("never registered").isFalse();

        CancellationScope.run(() -> {
            register(r);
            assertThat(deregister(r)).isTrue();
            assertThat(deregister(r)).as("already deregistered").isFalse();
            return register(r);
        });

        assertThat(deregister(r)).as("closed by its scope").isFalse();
    }

    @Test
    void aDeregisteredResourceCanBeRegisteredWithAnotherScopeWhichThenClosesIt() {
        CountingResource r = new CountingResource("r");
        AtomicReference<CancellationScope> first = new AtomicReference<>();

        CancellationScope.run(outer -> {
            CancellationScope.run(inner -> {
                first.set(inner);
                register(r);
                deregister(r);
                return register(outer, r);
            });
            assertThat(r.closes).as("its first scope no longer owns it").hasValue(0);
            assertThat(resourceCount(outer)).isEqualTo(1);
            return null;
        });

        assertThat(r.closes).hasValue(1);
        assertThat(resourceCount(first.get())).isZero();
    }

    @Test
    void resourceCountCountsOnlyTheOpenResourcesOfThatScope() {
        CancellationScope.run(outer -> {
            register(new CountingResource("o1"));
            register(new CountingResource("o2"));
            CancellationScope.run(inner -> {
                CountingResource i1 = register(new CountingResource("i1"));
                register(new CountingResource("i2"));
                register(new CountingResource("i3"));
                deregister(i1);
                assertThat(resourceCount(inner)).isEqualTo(2);
                assertThat(resourceCount(outer)).isEqualTo(2);
                return null;
            });
            assertThat(resourceCount(outer)).isEqualTo(2);
            assertThat(outer.cleanupCount()).as("the kernel agrees").isEqualTo(2);
            return null;
        });
    }

    @Test
    void resourcesAreToldApartByIdentityNotByEquals() {
        EqualToEveryone first = new EqualToEveryone();
        EqualToEveryone second = new EqualToEveryone();

        CancellationScope.run(scope -> {
            register(first);
            register(second);
            assertThat(resourceCount(scope)).isEqualTo(2);
            assertThat(deregister(second)).isTrue();
            assertThat(deregister(second)).isFalse();
            return null;
        });

        assertThat(first.closes).hasValue(1);
        assertThat(second.closes).hasValue(0);
    }

    @Test
    void statsCountEveryWayARegistrationEndsAndAlwaysBalance() {
        ResourceStats before = AsyncResourceManager.stats();
        AtomicReference<@Nullable ResourceStats> during = new AtomicReference<>();

        CancellationScope.run(() -> {
            register(new CountingResource("closes"));
            register(new CountingResource("fails").failingClose(new IllegalStateException("expected in this test")));
            register(new CountingResource("also closes"));
            deregister(register(new CountingResource("deregistered")));
            during.set(AsyncResourceManager.stats());
            return null;
        });
        ResourceStats after = AsyncResourceManager.stats();

        assertThat(during.get()).satisfies(stats -> assertThat(stats.open()).isEqualTo(before.open() + 3));
        assertThat(after.registered() - before.registered()).isEqualTo(4);
        assertThat(after.deregistered() - before.deregistered()).isEqualTo(1);
        assertThat(after.closed() - before.closed()).isEqualTo(3);
        assertThat(after.closeFailures() - before.closeFailures()).isEqualTo(1);
        assertThat(after.open()).isEqualTo(before.open());
        for (ResourceStats stats : new ResourceStats[] {before, during.get(), after}) {
            assertThat(stats.open()).isEqualTo(stats.registered() - stats.deregistered() - stats.closed());
        }
    }

    @Test
    void aThreadOutsideAnyScopeCanRegisterWithAnExplicitScope() {
        CountingResource r = new CountingResource("r");
        AtomicBoolean registeredElsewhere = new AtomicBoolean();

        CancellationScope.run(scope -> {
            Thread helper = Thread.ofPlatform().start(() -> {
                register(scope, r);
                registeredElsewhere.set(true);
            });
            join(helper);
            assertThat(resourceCount(scope)).isEqualTo(1);
            return null;
        });

        assertThat(registeredElsewhere).isTrue();
        assertThat(r.closes).hasValue(1);
    }

    @Test
    @SuppressWarnings("NullAway") // passes null on purpose
    void nullArgumentsAreRejectedNamingTheParameter() {
        CancellationScope.run(scope -> {
            assertThatNullPointerException().isThrownBy(() -> register(null)).withMessage("resource");
            assertThatNullPointerException()
                    .isThrownBy(() -> register(scope, null))
                    .withMessage("resource");
            assertThatNullPointerException()
                    .isThrownBy(() -> register(null, new CountingResource("r")))
                    .withMessage("scope");
            assertThatNullPointerException().isThrownBy(() -> deregister(null)).withMessage("resource");
            assertThatNullPointerException()
                    .isThrownBy(() -> resourceCount(null))
                    .withMessage("scope");
            return null;
        });
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A resource whose {@code equals} says it is equal to every other one of its kind. */
    private static final class EqualToEveryone implements AsyncResource {
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public void close() {
            closes.incrementAndGet();
        }

        @Override
        public boolean isClosed() {
            return closes.get() > 0;
        }

        @Override
        public boolean equals(@Nullable Object other) {
            return other instanceof EqualToEveryone;
        }

        @Override
        public int hashCode() {
            return 1;
        }
    }
}

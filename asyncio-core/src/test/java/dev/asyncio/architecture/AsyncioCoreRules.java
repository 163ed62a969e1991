package dev.asyncio.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The rules only asyncio-core keeps: its layers (docs/DESIGN.md, "asyncio-core packages") and its dependencies. Apply
 * them to asyncio-core's main classes only; {@link AsyncioModuleRules} holds the rules every module keeps.
 */
public final class AsyncioCoreRules {
    private AsyncioCoreRules() {}

    /**
     * The layers of docs/DESIGN.md, bottom up: {@code exception} and {@code context} are leaves that use nothing else of the
     * project; the kernel ({@code core}, with {@code core.observe} and {@code core.internal}) uses only those two, so
     * it never names {@code concurrency}, {@code resource} or the facade; {@code concurrency} and {@code resource}
     * build on the kernel; the {@code Asyncio} facade sits on top and nothing uses it. A new package must be given a
     * layer here.
     */
    @ArchTest
    public static final ArchRule THE_LAYERS_OF_THE_DESIGN_HOLD = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .ensureAllClassesAreContainedInArchitecture()
            .layer("Facade")
            .definedBy("dev.asyncio")
            .layer("Concurrency")
            .definedBy("dev.asyncio.concurrency..")
            .layer("Resource")
            .definedBy("dev.asyncio.resource..")
            .layer("Kernel")
            .definedBy("dev.asyncio.core..")
            .layer("Context")
            .definedBy("dev.asyncio.context..")
            .layer("Exception")
            .definedBy("dev.asyncio.exception..")
            .whereLayer("Facade")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("Kernel")
            .mayOnlyAccessLayers("Context", "Exception")
            .whereLayer("Context")
            .mayNotAccessAnyLayer()
            .whereLayer("Exception")
            .mayNotAccessAnyLayer()
            .because("DESIGN.md: the kernel never names a type from a layer above it (a scope closes resources"
                    + " through a cleanup hook of its own), and exception and context know nothing of the rest");

    /** No cycle between the top-level slices {@code dev.asyncio.<slice>..}, whatever the layers allow. */
    @ArchTest
    public static final ArchRule NO_CYCLE_BETWEEN_SLICES = slices().matching("dev.asyncio.(*)..")
            .should()
            .beFreeOfCycles()
            .because("DESIGN.md: layers with no cycle between them");

    /** asyncio-core embeds anywhere: it names no Spring and no Micrometer type. */
    @ArchTest
    public static final ArchRule NO_SPRING_OR_MICROMETER = noClasses()
            .that()
            .resideInAPackage("dev.asyncio..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.springframework..", "io.micrometer..")
            .because("DESIGN.md: asyncio-core has no Spring and no Micrometer; the starter brings them");

    /** asyncio-core's only runtime dependencies are SLF4J and JSpecify. */
    @ArchTest
    public static final ArchRule ONLY_THE_JDK_SLF4J_AND_JSPECIFY = classes()
            .that()
            .resideInAPackage("dev.asyncio..")
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage("java..", "org.slf4j..", "org.jspecify.annotations..", "dev.asyncio..")
            .because("DESIGN.md: asyncio-core's runtime dependencies are slf4j-api and jspecify only");

    /**
     * Only {@code Suspension.sleep}, the kernel's cancellable sleep, calls {@code Thread.sleep}: every other wait in the
     * runtime is a suspension point that other tasks end, never a fixed delay.
     */
    @ArchTest
    public static final ArchRule ONLY_SUSPENSION_SLEEPS = noClasses()
            .that()
            .doNotHaveFullyQualifiedName("dev.asyncio.core.Suspension")
            .should()
            .callMethodWhere(DescribedPredicate.describe(
                    "Thread.sleep",
                    (JavaMethodCall call) -> call.getTargetOwner().isEquivalentTo(Thread.class)
                            && call.getName().equals("sleep")))
            .because("a sleep must be cancellable (Suspension.sleep), and waiting for other tasks must never be"
                    + " done by sleeping");
}

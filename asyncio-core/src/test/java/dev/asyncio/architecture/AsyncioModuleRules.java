package dev.asyncio.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaAnnotation;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The architecture rules every module of asyncio for Java keeps, as ArchUnit rules over the module's own main
 * classes. asyncio-core applies them in {@code ArchitectureTest}; a module added later (the Spring Boot starter, the
 * sample app, the benchmarks) applies them by depending on asyncio-core's test jar and writing:
 *
 * <pre>{@code
 * @AnalyzeClasses(packages = "dev.asyncio.spring", importOptions = ImportOption.DoNotIncludeTests.class)
 * class ArchitectureTest {
 *     @ArchTest
 *     static final ArchTests moduleRules = ArchTests.in(AsyncioModuleRules.class);
 * }
 * }</pre>
 *
 * <p>A module is a code source: a classes directory or a jar, where a module's test classes and test jar count as the
 * module's own. Import the module's own main classes; ArchUnit resolves the classes they use from the class path,
 * with their location, which is how the rule on {@code internal} packages tells another module's classes apart.
 *
 * <p>The rules about Spring Boot auto-configuration name Spring's annotation as a string, so they hold (vacuously) in
 * modules without Spring; the starter is where they bite.
 */
public final class AsyncioModuleRules {
    /** Spring Boot's {@code @AutoConfiguration}; Boot reads the classes it marks from a file named after it. */
    public static final String SPRING_AUTO_CONFIGURATION = "org.springframework.boot.autoconfigure.AutoConfiguration";

    private static final String PROJECT_INTERNAL_PACKAGES = "dev.asyncio..internal..";

    private AsyncioModuleRules() {}

    /** A package named {@code internal} is implementation, not API: no other module may use it. */
    @ArchTest
    public static final ArchRule INTERNAL_PACKAGES_ARE_USED_ONLY_INSIDE_THEIR_MODULE = classes()
            .should(useInternalPackagesOfTheirOwnModuleOnly())
            .because("a dev.asyncio..internal.. package is implementation, free to change without notice,"
                    + " so only the module that holds it may use it (see docs/DESIGN.md)");

    /**
     * The public API never makes users touch an internal type: no public or protected member of a public class
     * outside {@code internal} has one in its signature, and no such class extends one.
     */
    @ArchTest
    public static final ArchRule THE_PUBLIC_API_EXPOSES_NO_INTERNAL_TYPE = classes()
            .that()
            .arePublic()
            .and()
            .resideOutsideOfPackage("..internal..")
            .should(exposeNoInternalType())
            .because("a user can only reach an internal type through the API, and then it is no longer internal");

    /**
     * No {@code synchronized} method: on JDK 21 a virtual thread blocked inside a monitor pins its carrier thread.
     * (Synchronized blocks are not visible to ArchUnit; {@link MainSources#assertNoSynchronizedKeyword} covers them.)
     */
    @ArchTest
    public static final ArchRule NO_SYNCHRONIZED_METHODS = noMethods()
            .should()
            .haveModifier(JavaModifier.SYNCHRONIZED)
            .because("a virtual thread that blocks while holding a monitor pins its carrier thread on JDK 21;"
                    + " use java.util.concurrent.locks instead");

    /** No {@code Object.wait/notify/notifyAll}: monitors pin virtual threads, and waits must be suspension points. */
    @ArchTest
    public static final ArchRule NO_MONITOR_WAIT_OR_NOTIFY = noClasses()
            .should()
            .callMethodWhere(isAnObjectMonitorMethod())
            .because("waiting on a monitor pins a virtual thread and is not a cancellable suspension point;"
                    + " wait inside dev.asyncio.core.Suspension.suspend on a java.util.concurrent.locks.Condition");

    /**
     * Every package is {@code @NullMarked} in its {@code package-info.java}, so NullAway (which checks only null-marked
     * code) checks all of it, and users' tools see which types accept null.
     */
    @ArchTest
    public static final ArchRule EVERY_PACKAGE_IS_NULL_MARKED = classes()
            .should(beInANullMarkedPackage())
            .because("NullAway runs with OnlyNullMarked=true: code in a package without @NullMarked is not checked");

    /** Spring Boot auto-configurations are reached only through the imports file, never named by other classes. */
    @ArchTest
    public static final ArchRule AUTO_CONFIGURATIONS_ARE_REFERENCED_ONLY_FROM_THE_IMPORTS_FILE =
            autoConfigurationsAreReferencedOnlyFromTheImportsFile(SPRING_AUTO_CONFIGURATION);

    /** Every Spring Boot auto-configuration is listed in the imports file, or Boot never loads it. */
    @ArchTest
    public static final ArchRule AUTO_CONFIGURATIONS_ARE_LISTED_IN_THE_IMPORTS_FILE =
            autoConfigurationsAreListedInTheImportsFile(SPRING_AUTO_CONFIGURATION);

    /**
     * {@return a rule that no class depends on a class annotated with {@code annotation}} except the class's own
     * nested classes and the {@code after}/{@code before} ordering attributes of that annotation and of its
     * {@code AutoConfigureAfter}/{@code AutoConfigureBefore} siblings, which only order auto-configurations. Spring
     * Boot finds auto-configurations through {@code META-INF/spring/<annotation>.imports}; a class that imports or
     * instantiates one directly makes it load regardless of its conditions and ordering.
     *
     * @param annotation the fully qualified name of the auto-configuration annotation
     */
    public static ArchRule autoConfigurationsAreReferencedOnlyFromTheImportsFile(String annotation) {
        return noClasses()
                .should(referToAnAutoConfigurationOtherThanToOrderIt(annotation))
                .because("auto-configurations must be loaded by Spring Boot from META-INF/spring/" + annotation
                        + ".imports, under their conditions, never imported or instantiated directly")
                .allowEmptyShould(true);
    }

    /**
     * {@return a rule that every class annotated with {@code annotation} is listed in {@code
     * META-INF/spring/<annotation>.imports} on the class path}
     *
     * @param annotation the fully qualified name of the auto-configuration annotation
     */
    public static ArchRule autoConfigurationsAreListedInTheImportsFile(String annotation) {
        String importsFile = "META-INF/spring/" + annotation + ".imports";
        return classes()
                .that()
                .areAnnotatedWith(annotation)
                .should(beListedIn(importsFile))
                .because("Spring Boot loads only the auto-configurations listed in " + importsFile)
                .allowEmptyShould(true);
    }

    private static ArchCondition<JavaClass> useInternalPackagesOfTheirOwnModuleOnly() {
        return new ArchCondition<>("use internal packages of their own module only") {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                Optional<String> originModule = CodeSources.moduleOf(origin);
                for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
                    JavaClass target = dependency.getTargetClass().getBaseComponentType();
                    if (!target.getPackageName().contains(".internal")
                            || !JavaClass.Predicates.resideInAPackage(PROJECT_INTERNAL_PACKAGES)
                                    .test(target)) {
                        continue;
                    }
                    Optional<String> targetModule = CodeSources.moduleOf(target);
                    if (originModule.isEmpty() || !originModule.equals(targetModule)) {
                        events.add(SimpleConditionEvent.violated(
                                dependency,
                                dependency.getDescription() + ", an internal class of "
                                        + targetModule.orElse("a module that was not imported") + ", from "
                                        + originModule.orElse("an unknown code source")));
                    }
                }
            }
        };
    }

    private static ArchCondition<JavaClass> exposeNoInternalType() {
        return new ArchCondition<>("expose no internal type") {
            @Override
            public void check(JavaClass api, ConditionEvents events) {
                Set<JavaClass> supertypes = new HashSet<>();
                api.getSuperclass().ifPresent(type -> supertypes.addAll(type.getAllInvolvedRawTypes()));
                api.getInterfaces().forEach(type -> supertypes.addAll(type.getAllInvolvedRawTypes()));
                reportInternal(api, api.getName() + " extends or implements", supertypes, events);
                for (JavaMember member : api.getMembers()) {
                    Set<JavaModifier> modifiers = member.getModifiers();
                    if (!modifiers.contains(JavaModifier.PUBLIC) && !modifiers.contains(JavaModifier.PROTECTED)) {
                        continue;
                    }
                    Set<JavaClass> signature = member instanceof JavaField field
                            ? field.getType().getAllInvolvedRawTypes()
                            : ((JavaCodeUnit) member).getAllInvolvedRawTypes();
                    reportInternal(member, member.getFullName() + " has in its signature", signature, events);
                }
            }
        };
    }

    private static void reportInternal(Object where, String what, Set<JavaClass> types, ConditionEvents events) {
        types.stream()
                .map(JavaClass::getBaseComponentType)
                .filter(AsyncioModuleRules::isInternal)
                .forEach(
                        type -> events.add(SimpleConditionEvent.violated(where, what + " internal " + type.getName())));
    }

    private static boolean isInternal(JavaClass type) {
        return type.getPackageName().endsWith(".internal")
                || type.getPackageName().contains(".internal.");
    }

    private static DescribedPredicate<JavaMethodCall> isAnObjectMonitorMethod() {
        return DescribedPredicate.describe("Object.wait, notify or notifyAll", call -> {
            // all three are final in Object, so a call with this name and parameter list can only be Object's
            List<String> parameters = call.getTarget().getRawParameterTypes().stream()
                    .map(JavaClass::getName)
                    .toList();
            return switch (call.getName()) {
                case "notify", "notifyAll" -> parameters.isEmpty();
                case "wait" ->
                    parameters.isEmpty()
                            || parameters.equals(List.of("long"))
                            || parameters.equals(List.of("long", "int"));
                default -> false;
            };
        });
    }

    private static ArchCondition<JavaClass> beInANullMarkedPackage() {
        return new ArchCondition<>("be in a package annotated @NullMarked") {
            @Override
            public void check(JavaClass javaClass, ConditionEvents events) {
                boolean marked = javaClass
                        .getPackage()
                        .tryGetPackageInfo()
                        .map(info -> info.isAnnotatedWith("org.jspecify.annotations.NullMarked"))
                        .orElse(false);
                if (!marked) {
                    events.add(SimpleConditionEvent.violated(
                            javaClass,
                            "package " + javaClass.getPackageName() + " of " + javaClass.getName()
                                    + " has no package-info.java annotated @org.jspecify.annotations.NullMarked"));
                }
            }
        };
    }

    private static ArchCondition<JavaClass> referToAnAutoConfigurationOtherThanToOrderIt(String annotation) {
        String annotationPackage = annotation.substring(0, annotation.lastIndexOf('.'));
        Set<String> orderingAnnotations = Set.of(
                annotation, annotationPackage + ".AutoConfigureAfter", annotationPackage + ".AutoConfigureBefore");
        return new ArchCondition<>("refer to an auto-configuration (@" + annotation + ") other than to order it") {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                Set<String> namedToOrder = new HashSet<>();
                Set<String> namedOtherwise = new HashSet<>();
                origin.getAnnotations()
                        .forEach(it -> collectClassAttributes(it, orderingAnnotations, namedToOrder, namedOtherwise));
                for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
                    JavaClass target = dependency.getTargetClass().getBaseComponentType();
                    if (!target.isAnnotatedWith(annotation) || topLevel(target).equals(topLevel(origin))) {
                        continue;
                    }
                    boolean onlyOrders = dependency.getDescription().contains(" has annotation member of type ")
                            && namedToOrder.contains(target.getName())
                            && !namedOtherwise.contains(target.getName());
                    if (!onlyOrders) {
                        events.add(SimpleConditionEvent.satisfied(dependency, dependency.getDescription()));
                    }
                }
            }
        };
    }

    // Sorts the classes an annotation names in its attributes (also inside nested annotations) by whether the
    // annotation only orders auto-configurations.
    private static void collectClassAttributes(
            JavaAnnotation<?> annotation, Set<String> ordering, Set<String> toOrder, Set<String> otherwise) {
        Set<String> into = ordering.contains(annotation.getRawType().getName()) ? toOrder : otherwise;
        for (Object value : annotation.getProperties().values()) {
            Object[] values = value instanceof Object[] array ? array : new Object[] {value};
            for (Object element : values) {
                if (element instanceof JavaClass named) {
                    into.add(named.getName());
                } else if (element instanceof JavaAnnotation<?> nested) {
                    collectClassAttributes(nested, ordering, toOrder, otherwise);
                }
            }
        }
    }

    private static JavaClass topLevel(JavaClass javaClass) {
        JavaClass outer = javaClass;
        while (outer.getEnclosingClass().isPresent()) {
            outer = outer.getEnclosingClass().get();
        }
        return outer;
    }

    private static ArchCondition<JavaClass> beListedIn(String importsFile) {
        return new ArchCondition<>("be listed in " + importsFile) {
            @Override
            public void check(JavaClass javaClass, ConditionEvents events) {
                boolean listed = listedClassNames(importsFile).contains(javaClass.getName());
                events.add(new SimpleConditionEvent(
                        javaClass,
                        listed,
                        javaClass.getName() + (listed ? " is" : " is not") + " listed in " + importsFile));
            }
        };
    }

    // Every jar may bring its own imports file (Spring Boot's autoconfigure jar does); a class is listed if any is.
    private static Set<String> listedClassNames(String importsFile) {
        Set<String> names = new HashSet<>();
        try {
            ClassLoader loader = AsyncioModuleRules.class.getClassLoader();
            for (URL url : Collections.list(loader.getResources(importsFile))) {
                try (BufferedReader reader =
                        new BufferedReader(new InputStreamReader(url.openStream(), StandardCharsets.UTF_8))) {
                    reader.lines()
                            .map(line -> line.replaceFirst("#.*", "").strip())
                            .filter(line -> !line.isEmpty())
                            .forEach(names::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + importsFile, e);
        }
        return names;
    }
}

package io.nines.coordinator.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's package rules (docs/architecture.md, "Packages and arrows"): every {@code
 * /api/v1} route lives in {@code api}, features live in their own packages, and arrows run one way,
 * from the HTTP surface ({@code api}, {@code web}, {@code demo}) down to the features and stores.
 * The stores ({@code io.nines.store}, a module of their own) never reach back into the coordinator.
 */
class PackageRulesTest {
  private static final String ROOT = "io.nines.coordinator";
  private static final String STORE = "io.nines.store";
  private static JavaClasses coordinator;
  private static JavaClasses store;
  private static JavaClasses both;

  @BeforeAll
  static void importCoordinator() {
    coordinator =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);
    store =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(STORE);
    both =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT, STORE);
  }

  @Test
  void storesNeverImportTheCoordinator() {
    noClasses()
        .that()
        .resideInAPackage(STORE + "..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage(ROOT + "..")
        .because(
            "the coordinator wires the stores through a Backend; the stores know nothing of it")
        .check(store);
  }

  @Test
  void storesHoldNoRoutes() {
    noClasses()
        .that()
        .resideInAPackage(STORE + "..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.vertx.ext.web..")
        .orShould()
        .haveSimpleNameEndingWith("Routes")
        .because("the stores keep data; routes belong in the coordinator's api")
        .check(store);
  }

  @Test
  void internalPackagesHoldNoRoutesOrDomainServices() {
    noClasses()
        .that()
        .resideInAnyPackage(ROOT + "..internal..", STORE + "..internal..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.vertx.ext.web..")
        .orShould()
        .haveSimpleNameEndingWith("Routes")
        .orShould()
        .haveSimpleNameEndingWith("Registry")
        .orShould()
        .haveSimpleName("Api")
        .orShould()
        .haveSimpleName("ConfigHistory")
        .because("routes belong in api and domain services in their feature package")
        .check(both);
  }

  @Test
  void coordinatorPackagesHaveNoCycles() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(coordinator);
  }

  @Test
  void lowerLayersNeverReachUpToTheHttpSurface() {
    noClasses()
        .that()
        .resideInAnyPackage(
            ROOT + ".alerting..",
            ROOT + ".fleet..",
            ROOT + ".maintenance..",
            ROOT + ".confighistory..",
            ROOT + ".query..",
            ROOT + ".readmodel..",
            ROOT + ".cluster..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            ROOT + ".api..", ROOT + ".web..", ROOT + ".demo..", ROOT + ".internal..")
        .because("features and stores are used by the HTTP surface, never the other way")
        .check(coordinator);
  }

  @Test
  void lowerLayersDoNotDependOnTheWiring() {
    noClasses()
        .that()
        .resideInAnyPackage(
            ROOT + ".alerting..",
            ROOT + ".fleet..",
            ROOT + ".maintenance..",
            ROOT + ".confighistory..",
            ROOT + ".query..",
            ROOT + ".readmodel..")
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName(ROOT + ".Coordinator")
        .check(coordinator);
  }

  @Test
  void featuresDoNotReachIntoClusterWiring() {
    noClasses()
        .that()
        .resideInAnyPackage(
            ROOT + ".fleet..",
            ROOT + ".maintenance..",
            ROOT + ".confighistory..",
            ROOT + ".query..",
            ROOT + ".readmodel..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage(ROOT + ".cluster..")
        .because("cluster membership wires the features' stores, not the other way")
        .check(coordinator);
  }

  @Test
  void webUsesOnlyTheSharedReadModelNotTheApi() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".web..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(ROOT + ".api..", ROOT + ".internal..", ROOT + ".demo..")
        .because("the dashboard and the API share the read model package, not each other")
        .check(coordinator);
  }

  @Test
  void onlyTheWiringMountsTheDemoRelay() {
    noClasses()
        .that()
        .resideOutsideOfPackage(ROOT + ".demo..")
        .and()
        .doNotHaveFullyQualifiedName(ROOT + ".Coordinator")
        .should()
        .dependOnClassesThat()
        .resideInAPackage(ROOT + ".demo..")
        .because(
            "the demo relay is not part of the product's routes: the Coordinator mounts it only"
                + " when it is given a demo shop")
        .check(coordinator);
  }

  @Test
  void everyRouteClassLivesInTheApiOrTheDashboard() {
    classes()
        .that()
        .haveSimpleNameEndingWith("Routes")
        .should()
        .resideInAnyPackage(ROOT + ".api..", ROOT + ".web..", ROOT + ".demo..")
        .check(coordinator);
  }
}

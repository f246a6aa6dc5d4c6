package io.nines.coordinator.cluster;

import io.nines.common.Checks;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How members find each other in Kubernetes, with Hazelcast's built-in Kubernetes discovery instead
 * of a member list. Exactly one way of selecting the peers is given:
 *
 * <ul>
 *   <li>{@code serviceDns}: DNS lookup of a headless Service ({@code
 *       nines-coordinator-hs.nines.svc.cluster.local}); needs no access to the Kubernetes API, but
 *       the Service must publish not-ready addresses so that starting pods find each other;
 *   <li>{@code serviceName}, {@code serviceLabel} or {@code podLabel}: the Kubernetes API's
 *       endpoints of that Service, of the Services with that label, or the pods with that label, in
 *       {@code namespace} (the pod's own when null); needs a Role that may get and list endpoints,
 *       pods and services.
 * </ul>
 *
 * @param namespace the namespace to look in (API modes only); null for the pod's own
 * @param serviceName the Service whose endpoints are the members; null when not this mode
 * @param serviceLabel {@code name=value} of the Services whose endpoints are the members
 * @param podLabel {@code name=value} of the pods that are the members
 * @param serviceDns the DNS name of a headless Service; null when not this mode
 */
public record KubernetesDiscovery(
    String namespace, String serviceName, String serviceLabel, String podLabel, String serviceDns) {

  public KubernetesDiscovery {
    List<String> selectors = new ArrayList<>();
    if (serviceName != null) {
      Checks.checkNotBlank(serviceName, "serviceName");
      selectors.add("serviceName");
    }
    if (serviceLabel != null) {
      checkLabel(serviceLabel, "serviceLabel");
      selectors.add("serviceLabel");
    }
    if (podLabel != null) {
      checkLabel(podLabel, "podLabel");
      selectors.add("podLabel");
    }
    if (serviceDns != null) {
      Checks.checkNotBlank(serviceDns, "serviceDns");
      selectors.add("serviceDns");
    }
    Checks.checkArgument(
        selectors.size() == 1,
        "kubernetes discovery: %s (expected: exactly one of serviceName, serviceLabel, podLabel or"
            + " serviceDns)",
        selectors.isEmpty() ? "no way to select the peers" : String.join(" and ", selectors));
    Checks.checkArgument(
        namespace == null || serviceDns == null,
        "namespace: '%s' (expected: none with serviceDns, whose name carries the namespace)",
        namespace);
    if (namespace != null) {
      Checks.checkNotBlank(namespace, "namespace");
    }
  }

  private static void checkLabel(String label, String name) {
    int eq = label.indexOf('=');
    Checks.checkArgument(
        eq > 0 && eq < label.length() - 1 && label.indexOf('=', eq + 1) < 0 && !label.contains(" "),
        "%s: '%s' (expected: name=value, e.g. app.kubernetes.io/name=nines-coordinator)",
        name,
        label);
  }

  /** Discovery through the DNS name of a headless Service. */
  public static KubernetesDiscovery serviceDns(String serviceDns) {
    return new KubernetesDiscovery(null, null, null, null, serviceDns);
  }

  /** Discovery through the Kubernetes API's endpoints of a Service in a namespace. */
  public static KubernetesDiscovery service(String namespace, String serviceName) {
    return new KubernetesDiscovery(namespace, serviceName, null, null, null);
  }

  /**
   * The properties of Hazelcast's {@code KubernetesConfig}, by their Hazelcast names ({@code
   * service-dns}, {@code namespace}, {@code service-name}, {@code service-label-name}, ...).
   *
   * @param port the member port, which Hazelcast then expects at every address it finds; 0 to leave
   *     it to the Service's port
   */
  public Map<String, String> hazelcastProperties(int port) {
    Map<String, String> p = new LinkedHashMap<>();
    if (serviceDns != null) {
      p.put("service-dns", serviceDns);
    } else {
      if (namespace != null) {
        p.put("namespace", namespace);
      }
      if (serviceName != null) {
        p.put("service-name", serviceName);
      }
      if (serviceLabel != null) {
        p.put("service-label-name", serviceLabel.substring(0, serviceLabel.indexOf('=')));
        p.put("service-label-value", serviceLabel.substring(serviceLabel.indexOf('=') + 1));
      }
      if (podLabel != null) {
        p.put("pod-label-name", podLabel.substring(0, podLabel.indexOf('=')));
        p.put("pod-label-value", podLabel.substring(podLabel.indexOf('=') + 1));
      }
      // Pods that are starting are not ready yet, and must still find each other.
      p.put("resolve-not-ready-addresses", "true");
    }
    if (port != 0) {
      p.put("service-port", Integer.toString(port));
    }
    return p;
  }
}

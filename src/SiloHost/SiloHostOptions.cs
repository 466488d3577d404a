namespace OrleansInference.SiloHost;

/// <summary>
/// How the standalone silo is hosted (section <c>SiloHost</c>): whether it runs under Kubernetes and where it answers
/// health probes. The grid's own settings (cluster, ports, Redis) are in the <c>Orleans</c> section.
/// </summary>
public sealed class SiloHostOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SiloHost";

    /// <summary>
    /// Runs the silo with Orleans' Kubernetes hosting (<c>UseKubernetesHosting</c>): the silo is named after its pod,
    /// and silos whose pods are gone are declared dead at once instead of after missed probes. Needs the pod's
    /// <c>POD_NAME</c>, <c>POD_NAMESPACE</c>, <c>POD_IP</c>, <c>ORLEANS_CLUSTER_ID</c> and <c>ORLEANS_SERVICE_ID</c>
    /// (deploy/k8s sets them). Unset (the default): on when <c>KUBERNETES_SERVICE_HOST</c> (set in every pod) and
    /// <c>POD_NAME</c> are set.
    /// </summary>
    public bool? Kubernetes { get; set; }

    /// <summary>
    /// Where the silo answers <c>/health</c> (alive) and <c>/ready</c> (start-up loading finished and the silo is active
    /// in the cluster): <c>http://host:port</c> URLs separated by ';'. Empty (the default): no HTTP listener at all.
    /// Only these two paths are served there; the silo has no public API.
    /// </summary>
    public string HealthUrls { get; set; } = string.Empty;
}

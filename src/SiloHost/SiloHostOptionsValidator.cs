namespace OrleansInference.SiloHost;

/// <summary>Checks <see cref="SiloHostOptions"/> before the host is composed, with messages naming the key.</summary>
internal static class SiloHostOptionsValidator
{
    public static void ThrowIfInvalid(SiloHostOptions options)
    {
        foreach (var url in options.HealthUrls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || uri.AbsolutePath != "/")
            {
                throw new InvalidOperationException(
                    $"Invalid silo host configuration. {SiloHostOptions.SectionName}:HealthUrls has '{url}'; expected http://host:port URLs separated by ';', such as http://0.0.0.0:8090.");
            }
        }
    }
}

/// <summary>The pod facts Orleans' Kubernetes hosting reads from the environment (the downward API sets them).</summary>
internal static class KubernetesEnvironment
{
    /// <summary>The variables, in the order they are reported.</summary>
    public static readonly string[] Variables = ["POD_NAME", "POD_NAMESPACE", "POD_IP", "ORLEANS_CLUSTER_ID", "ORLEANS_SERVICE_ID"];

    public static void ThrowIfIncomplete()
    {
        var missing = Variables.Where(v => string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(v))).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"Invalid silo host configuration. Kubernetes hosting is on ({SiloHostOptions.SectionName}:Kubernetes, or KUBERNETES_SERVICE_HOST and POD_NAME are set) but {string.Join(", ", missing)} {(missing.Count == 1 ? "is" : "are")} not set; set them from the pod's fields and labels (deploy/k8s/silo.yaml shows how) or set {SiloHostOptions.SectionName}:Kubernetes=false.");
        }
    }
}

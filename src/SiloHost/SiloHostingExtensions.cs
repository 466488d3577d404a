using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Hosting;
using OrleansInference.Silo;

namespace OrleansInference.SiloHost;

/// <summary>How the standalone silo is hosted: Orleans' Kubernetes hosting in a pod, and the health listener for probes.</summary>
public static class SiloHostingExtensions
{
    /// <summary>
    /// Adds, per <see cref="SiloHostOptions"/> (validated here, before the host is built): Orleans' Kubernetes hosting
    /// when <c>SiloHost:Kubernetes</c> is true or, unset, when <c>KUBERNETES_SERVICE_HOST</c> and <c>POD_NAME</c> are set; and the
    /// <see cref="SiloHealthServer"/> on <c>SiloHost:HealthUrls</c>, which also serves the silo's metrics. Call after <c>UseInferenceSilo</c>.
    /// </summary>
    public static IHostApplicationBuilder UseSiloHosting(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var hosting = builder.Configuration.GetSection(SiloHostOptions.SectionName).Get<SiloHostOptions>() ?? new SiloHostOptions();
        SiloHostOptionsValidator.ThrowIfInvalid(hosting);
        // Unset: on in a pod that names itself (a process that merely runs inside some pod, such as a CI job, stays off).
        var inPod = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST"))
            && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("POD_NAME"));
        if (hosting.Kubernetes ?? inPod)
        {
            KubernetesEnvironment.ThrowIfIncomplete();
            builder.Services.UseKubernetesHosting();
        }

        builder.Services.AddOptions<SiloHostOptions>().BindConfiguration(SiloHostOptions.SectionName);
        // This silo's serving, Orleans, runtime and GPU metrics, scraped from the health listener's /metrics.
        builder.Services.AddInferenceMetrics();
        builder.Services.AddHostedService<SiloHealthServer>();
        return builder;
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Hosting;
using OrleansInference.Silo;
using OrleansInference.SiloHost;

// A silo of the grid without the public API (cluster mode): every setting comes from the command line
// (--Orleans:Redis=127.0.0.1:6379), environment variables (Orleans__Redis) or appsettings.json, and is validated at
// start with a message naming the key. In a Kubernetes pod the silo also uses Orleans' Kubernetes hosting, and
// SiloHost:HealthUrls opens the listener the pod's probes call.
var builder = Host.CreateApplicationBuilder(args);
var hosting = builder.Configuration.GetSection(SiloHostOptions.SectionName).Get<SiloHostOptions>() ?? new SiloHostOptions();
SiloHostOptionsValidator.ThrowIfInvalid(hosting);
builder.UseInferenceSilo();
if (hosting.Kubernetes ?? !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST")))
{
    KubernetesEnvironment.ThrowIfIncomplete();
    builder.Services.UseKubernetesHosting();
}

builder.Services.AddOptions<SiloHostOptions>().BindConfiguration(SiloHostOptions.SectionName);
builder.Services.AddHostedService<SiloHealthServer>();
using var host = builder.Build();
await host.RunAsync();

using Microsoft.Extensions.Hosting;
using OrleansInference.Silo;
using OrleansInference.SiloHost;

// A silo of the grid without the public API (cluster mode): every setting comes from the command line
// (--Orleans:Redis=127.0.0.1:6379), environment variables (Orleans__Redis) or appsettings.json, and is validated at
// start with a message naming the key. With Orleans:SiloPort=0 or GatewayPort=0 the start is retried on fresh ports
// if a picked one is taken before the silo binds it; the bound ports are logged ("Silo listening on ..."). In a
// Kubernetes pod it uses Orleans' Kubernetes hosting; SiloHost:HealthUrls opens the listener probes call.
using var host = await SiloStartRetry.StartAsync(
    () =>
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.UseInferenceSilo();
        builder.UseSiloHosting();
        return builder.Build();
    },
    CancellationToken.None);
await host.WaitForShutdownAsync();

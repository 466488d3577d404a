using Microsoft.Extensions.Hosting;
using OrleansInference.Silo;
using OrleansInference.SiloHost;

// A silo of the grid without the public API (cluster mode): every setting comes from the command line
// (--Orleans:Redis=127.0.0.1:6379), environment variables (Orleans__Redis) or appsettings.json, and is validated at
// start with a message naming the key. In a Kubernetes pod it uses Orleans' Kubernetes hosting; SiloHost:HealthUrls
// opens the listener probes call.
var builder = Host.CreateApplicationBuilder(args);
builder.UseInferenceSilo();
builder.UseSiloHosting();
using var host = builder.Build();
await host.RunAsync();
